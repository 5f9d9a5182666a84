import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeStore } from '../store/db.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { WAYBILL_BIN } from '../test-support/waybill-cli.ts';
import { copyDemoDatabase } from '../test-support/demo-database.ts';
import { ANALYSES } from '../mining/analyses.ts';
import { createApi } from '../web/api/index.ts';
import { asAdmin } from '../test-support/identities.ts';
import { openStore } from '../store/db.ts';

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
  copyDemoDatabase(db);
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

describe('every analysis, at the command line and through the API', () => {
  it('lists every analysis of the registry with `waybill mine --list --json`', async () => {
    const listed = await shell(`"${process.execPath}" "${WAYBILL_BIN}" mine --list --json`);
    expect(listed.code, listed.stderr).toBe(0);
    const { analyses } = JSON.parse(listed.stdout) as { analyses: { name: string; route: string }[] };
    expect(analyses.map((analysis) => analysis.name)).toEqual(ANALYSES.map((analysis) => analysis.name));
  });

  // Last: it opens the database in this process, and DuckDB lets one process at a time write a file.
  it('prints with `waybill mine NAME --json` byte for byte what GET /api/logs/:log/NAME returns, with the same words for the same options', async () => {
    const cases = ANALYSES.map((analysis) => {
      const pairs = Object.entries(analysis.example.params).flatMap(([name, value]) => (Array.isArray(value) ? value : [value as string]).map((v) => [name, v] as const));
      // The filter's options travel the same way (a bound every case meets, so the answer stays telling).
      const filter = [['max-duration', '3650d'] as const];
      const flags = [...pairs, ...filter].flatMap(([name, value]) => [`--${name}`, value]);
      const query = new URLSearchParams([...pairs, ...filter].map(([name, value]) => [name, value])).toString();
      return { name: analysis.name, args: ['mine', analysis.name, '--log', analysis.example.log, ...flags, '--json', '--db', db], path: `/api/logs/${encodeURIComponent(analysis.example.log)}/${analysis.name}?${query}` };
    });
    const printed: string[] = [];
    for (const { name, args } of cases) {
      const cli = await shell(args.map((arg) => JSON.stringify(arg)).join(' ').replace(/^/, `"${process.execPath}" "${WAYBILL_BIN}" `));
      expect(cli.code, `${name}: ${cli.stderr}`).toBe(0);
      printed.push(cli.stdout);
    }
    const api = createApi(() => openStore(db), undefined, asAdmin);
    try {
      for (const [i, { name, path }] of cases.entries()) {
        const response = await api.request(path);
        expect(response.status, name).toBe(200);
        expect(printed[i], name).toBe(`${await response.text()}\n`);
      }
    } finally {
      await closeStore(db);
    }
  }, 180_000);
});
