import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../ingest/index.ts';
import { Uploads } from '../ingest/index.ts';
import { closeStore, openStore } from '../store/db.ts';
import { writeFixture } from '../test-support/fixture-log.ts';
import { tempStore } from '../test-support/temp-store.ts';
import { waybill } from '../test-support/waybill-cli.ts';
import { createApi } from '../web/api/index.ts';
import { join } from 'node:path';

/** `waybill users`, `waybill tokens` and `waybill logs restrict|delete`: managing access from the command line, then using it on the API. */

let db: string;
let dir: string;
let remove: () => void;
beforeAll(async () => {
  let store;
  ({ store, dir, remove } = await tempStore('waybill-accounts-cli-'));
  db = store.path;
  await ingestFile(store, writeFixture(dir, 'orders.csv'), { name: 'orders' });
  await ingestFile(store, writeFixture(dir, 'returns.csv'), { name: 'returns' });
  await closeStore(db);
});
afterAll(() => remove());

const run = (args: string[], input?: string) => waybill([...args, '--db', db], {}, input);

describe('waybill users and tokens', () => {
  it('adds users with a password from standard input, lists them, and changes their role and groups', async () => {
    expect(await run(['users', 'add', 'ann', '--role', 'analyst', '--groups', 'north, finance', '--password-stdin'], 'ann has a long password\n')).toMatchObject({ code: 0, stdout: 'Added ann (analyst; groups finance, north).\n' });
    expect(await run(['users', 'add', 'bob', '--role', 'admin', '--password-stdin'], 'bob has a long password\n')).toMatchObject({ code: 0 });
    const short = await run(['users', 'add', 'cy', '--password-stdin'], 'short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/a password has at least 10 characters/);
    const taken = await run(['users', 'add', 'ANN', '--password-stdin'], 'another long password\n');
    expect(taken.stderr).toMatch(/there is a user named "ANN" already/);
    expect((await run(['users', 'set-role', 'ann', 'viewer'])).stdout).toBe('ann is now viewer.\n');
    expect((await run(['users', 'set-role', 'ann', 'owner'])).stderr).toMatch(/the role must be one of viewer, analyst, admin, not "owner"/);
    const listed = JSON.parse((await run(['users', 'list', '--json'])).stdout) as { users: { name: string; role: string; groups: string[]; hasPassword: boolean }[] };
    expect(listed.users.map(({ name, role, groups, hasPassword }) => ({ name, role, groups, hasPassword }))).toEqual([
      { name: 'ann', role: 'viewer', groups: ['finance', 'north'], hasPassword: true },
      { name: 'bob', role: 'admin', groups: [], hasPassword: true },
    ]);
    // The only admin cannot be removed or demoted: someone must be able to manage Waybill.
    expect((await run(['users', 'remove', 'bob'])).stderr).toMatch(/"bob" is the only admin; make another user admin first/);
  });

  it('restricts a log to groups, makes a viewer token, and the API honours both', async () => {
    expect((await run(['logs', 'restrict', 'returns', '--groups', 'south'])).stdout).toBe('returns is restricted to south.\n');
    const made = await run(['tokens', 'create', '--role', 'viewer', '--label', 'wall screen', '--groups', 'north']);
    expect(made.code).toBe(0);
    expect(made.stderr).toMatch(/^Made token [0-9a-f]{12} \(viewer; groups north\)\. It is shown once/);
    const token = made.stdout.trim();
    expect(token).toMatch(/^wbt_[0-9a-f]{12}_[\w-]{43}$/);

    const store = await openStore(db);
    try {
      const api = createApi(async () => store, new Uploads(join(dir, 'uploads')));
      const as = (path: string, init: RequestInit = {}) => api.request(path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
      const logs = (await (await as('/api/logs')).json()) as { logs: { name: string }[] };
      expect(logs.logs.map((log) => log.name)).toEqual(['orders']);
      expect((await as('/api/logs/returns/process-map')).status).toBe(404);
      expect((await as('/api/logs?file=x.csv', { method: 'POST', body: 'case_id,activity,timestamp\n' })).status).toBe(403);
    } finally {
      await closeStore(db);
    }

    const listed = JSON.parse((await run(['tokens', 'list', '--json'])).stdout) as { tokens: { id: string; label: string; role: string; owner: string | null }[] };
    expect(listed.tokens).toEqual([expect.objectContaining({ label: 'wall screen', role: 'viewer', owner: null })]);
    expect((await run(['tokens', 'revoke', listed.tokens[0]!.id])).stdout).toBe(`Revoked wall screen (${listed.tokens[0]!.id}).\n`);
  });

  it('deletes a log with its history, and audits every change as the system user', async () => {
    expect((await run(['logs', 'delete', 'returns'])).stdout).toBe('Deleted returns: 7 events, 3 cases.\n');
    expect((await run(['logs', '--json'])).stdout).not.toMatch(/"returns"/);
    expect((await run(['logs', 'delete', 'returns'])).stderr).toMatch(/no log named "returns"/);
    const audit = JSON.parse((await run(['audit', '--json'])).stdout) as { entries: { via: string; action: string; log: string | null; detail: string }[] };
    const actions = audit.entries.map((entry) => entry.action);
    for (const action of ['user added', 'user changed', 'access changed', 'token created', 'token revoked', 'delete']) expect(actions, action).toContain(action);
    expect(audit.entries.every((entry) => entry.via === 'cli')).toBe(true);
    expect(audit.entries.find((entry) => entry.action === 'delete')).toMatchObject({ log: 'returns', detail: 'deleted: 7 events, 3 cases' });
  });
});
