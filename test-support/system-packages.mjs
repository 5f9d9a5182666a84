// Installs the Debian packages the test suite uses, when missing: Chromium for the
// browser tests. Run by `npm test` so one command sets up a fresh machine.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const NEEDED = [{ pkg: 'chromium', binary: '/usr/bin/chromium' }];

const missing = NEEDED.filter(({ binary }) => !existsSync(binary)).map(({ pkg }) => pkg);
if (missing.length > 0) {
  const root = process.getuid?.() === 0;
  const sudo = !root && existsSync('/usr/bin/sudo');
  if (!root && !sudo) {
    console.error(`The tests need Debian packages: ${missing.join(' ')}. Install them with: apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  const run = (/** @type {[string, ...string[]]} */ [command, ...args]) =>
    execFileSync(root ? command : 'sudo', root ? args : [command, ...args], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  console.log(`Installing Debian packages for the tests: ${missing.join(' ')}`);
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', ...missing]);
}
