import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStore } from '../store/db.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { WAYBILL_BIN } from '../test-support/waybill-cli.ts';
import { loadDemo } from './serve.ts';

/**
 * The README's examples run as written: every `npx waybill` command in it that
 * reads a log (`logs`, `loads`, `mine`, `audit`) runs on the demo database and succeeds.
 */

const README = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');

/** The shell commands of the README's `sh` blocks, continuation lines joined and comments dropped. */
function readmeCommands(): string[] {
  const blocks = [...README.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) =>
    block
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== ''),
  );
}

const READS_A_LOG = /^npx waybill (logs|loads|mine|audit)\b/;

let db: string;
let remove: () => void;
beforeAll(async () => {
  let store;
  ({ store, remove } = await tempStore('waybill-readme-'));
  db = store.path;
  await closeStore(db);
  await loadDemo(db);
  await closeStore(db);
}, 300_000);
afterAll(() => remove());

function shell(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the README', () => {
  const commands = readmeCommands().filter((command) => READS_A_LOG.test(command));

  it('has examples that read the demo', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
  });

  it.each(commands)('%s', async (command) => {
    const local = `${command.replace(/^npx waybill/, `"${process.execPath}" "${WAYBILL_BIN}"`)} --db "${db}"`;
    const result = await shell(local);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).not.toBe('');
    if (command.includes('--json')) expect(() => JSON.parse(result.stdout)).not.toThrow();
  }, 60_000);
});
