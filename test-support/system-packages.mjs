// Installs the Debian packages the test suite uses, when missing: Chromium for the
// browser tests, PostgreSQL for the pull-job tests (they start their own throwaway
// server; the package's own cluster is not used), poppler-utils for the notebook PDF tests. Run by `npm test` so one command
// sets up a fresh machine.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

/** Debian puts each PostgreSQL major version's server under /usr/lib/postgresql/<major>/bin. */
const postgresInstalled = () =>
  existsSync('/usr/lib/postgresql') && readdirSync('/usr/lib/postgresql').some((version) => existsSync(`/usr/lib/postgresql/${version}/bin/initdb`));

const NEEDED = [
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'postgresql', present: postgresInstalled },
  // pdftotext and pdftoppm read the PDFs notebooks render to.
  { pkg: 'poppler-utils', present: () => existsSync('/usr/bin/pdftotext') },
];

const missing = NEEDED.filter(({ present }) => !present()).map(({ pkg }) => pkg);
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
