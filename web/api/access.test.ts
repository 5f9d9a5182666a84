import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LINKING_KEYS, writeDistributorCsv } from '../../datasets/distributor/index.ts';
import { ingestLinkedFiles, parseObjectKeys } from '../../ingest/index.ts';
import { Uploads } from '../../ingest/index.ts';
import { addUser, createToken, setLogGroups, type Role } from '../../store/accounts.ts';
import type { Store } from '../../store/db.ts';
import { FIXTURE_CSV } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { discoverProcessMap, listLogs } from '../../mining/index.ts';
import { getCases } from '../../mining/cases/index.ts';
import { ANALYSES } from '../../mining/analyses.ts';

/**
 * Who may call what: every route of the API × every role (and no sign-in at all) ×
 * a log the caller's groups may see and one they may not. The logs are linked
 * (object-centric) and restricted to a group each; analyses run on their `order`
 * case notion, so each check also shows that a case notion follows its log.
 */

let store: Store;
let dir: string;
let remove: () => void;
let api: ReturnType<typeof createApi>;
const tokens = {} as Record<Role, string>;
let milestones: [string, string];
let attribute: string;
let caseName: string;

const ALLOWED = 'north';
const DENIED = 'south';

beforeAll(async () => {
  ({ store, dir, remove } = await tempStore('waybill-access-'));
  await writeDistributorCsv(dir, { seed: 5, orders: 60 });
  const files = ['orders.csv', 'purchasing.csv', 'shipments.csv'].map((f) => join(dir, f));
  for (const name of [ALLOWED, DENIED]) await ingestLinkedFiles(store, files, { name, objects: parseObjectKeys([...LINKING_KEYS]) });
  await setLogGroups(store, ALLOWED, ['north']);
  await setLogGroups(store, DENIED, ['south']);
  for (const role of ['viewer', 'analyst', 'admin'] as const) {
    await addUser(store, { name: `${role}-1`, role, groups: ['north'], password: 'a long enough password' });
    tokens[role] = (await createToken(store, { label: 'matrix', role, owner: `${role}-1`, createdBy: 'test' })).token;
  }
  const map = await discoverProcessMap(store, `${ALLOWED}@order`, {}, {});
  milestones = [map.edges[0]!.from, map.edges[0]!.to];
  attribute = (await listLogs(store)).find((log) => log.name === `${ALLOWED}@order`)!.attributes[0]!.name;
  caseName = (await getCases(store, `${ALLOWED}@order`, {}, { limit: 1 })).rows[0]!.case;
  process.env.WAYBILL_JOBS = join(dir, 'no-jobs');
  // A notebook whose query reads the log it is given.
  mkdirSync(join(dir, 'notebooks'));
  writeFileSync(join(dir, 'notebooks', 'count.md'), '---\ntitle: Count\nparams:\n  log: none\n---\n```sql n\nSELECT count(*) AS cases FROM cases\n```\n');
  process.env.WAYBILL_NOTEBOOKS = join(dir, 'notebooks');
  api = createApi(async () => store, new Uploads(join(dir, 'uploads')), { startupToken: 'not-used-here-0123456789' });
}, 120_000);
afterAll(() => remove());

type Caller = Role | 'anonymous';
const CALLERS: Caller[] = ['anonymous', 'viewer', 'analyst', 'admin'];

const send = (caller: Caller, path: string, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  if (caller !== 'anonymous') headers.set('authorization', `Bearer ${tokens[caller]}`);
  if (typeof init.body === 'string') headers.set('content-type', 'application/json');
  return api.request(path, { ...init, headers });
};

let unique = 0;
/** An upload of the fixture by `caller` (or by the admin, when the caller cannot upload). */
async function uploadBy(caller: Caller): Promise<string> {
  const by = caller === 'admin' || caller === 'analyst' ? caller : 'admin';
  const sent = await send(by, `/api/logs?file=matrix-${unique++}.csv`, { method: 'POST', body: FIXTURE_CSV, headers: { 'content-type': 'text/csv' } });
  expect(sent.status).toBe(201);
  return ((await sent.json()) as { upload: string }).upload;
}

interface RouteCheck {
  /** The role the route needs; `open` needs no sign-in. */
  role: Role | 'open';
  /** Whether the route reads or changes one log, and so answers 404 for a log the caller may not see. */
  perLog: boolean;
  /** The request, for a caller and a log. */
  request: (caller: Caller, log: string) => Promise<{ path: string; init?: RequestInit }> | { path: string; init?: RequestInit };
  /** The answer when the request is allowed. */
  ok: number;
  /** Routes that answer 404 to a caller who is not the owner of what they name, rather than 403. */
  ownerOnly?: boolean;
}

const get = (path: string) => () => ({ path });
const analysis = (name: string, query = '') => ({ role: 'viewer', perLog: true, ok: 200, request: (_: Caller, log: string) => ({ path: `/api/logs/${log}/${name}?notion=order${query}` }) }) as RouteCheck;

/** Every analysis of the registry, on a case notion; those that need more than the filter say so in ANALYSIS_REQUESTS. */
const analysisRoutes = (): Record<string, RouteCheck> => Object.fromEntries(ANALYSES.map((entry) => [`GET /api/logs/:log/${entry.name}`, analysis(entry.name)]));

/** Every route the API serves, with what it needs. The test fails when a route is missing here. */
const ROUTES: Record<string, RouteCheck> = {
  ...analysisRoutes(),
  'GET /api/auth/methods': { role: 'open', perLog: false, ok: 200, request: get('/api/auth/methods') },
  'POST /api/session': { role: 'open', perLog: false, ok: 200, request: () => ({ path: '/api/session', init: { method: 'POST', body: JSON.stringify({ name: 'viewer-1', password: 'a long enough password' }) } }) },
  'GET /api/session/link': { role: 'open', perLog: false, ok: 303, request: get('/api/session/link?token=unknown') },
  'GET /api/session': { role: 'viewer', perLog: false, ok: 200, request: get('/api/session') },
  'POST /api/session/end': { role: 'viewer', perLog: false, ok: 200, request: () => ({ path: '/api/session/end', init: { method: 'POST' } }) },
  'GET /api/users': { role: 'admin', perLog: false, ok: 200, request: get('/api/users') },
  'POST /api/users': { role: 'admin', perLog: false, ok: 201, request: () => ({ path: '/api/users', init: { method: 'POST', body: JSON.stringify({ name: `new-${unique++}`, role: 'viewer', password: 'another long password' }) } }) },
  'PATCH /api/users/:name': {
    role: 'admin',
    perLog: false,
    ok: 200,
    request: async () => {
      const user = await addUser(store, { name: `changed-${unique++}`, role: 'viewer' });
      return { path: `/api/users/${user.name}`, init: { method: 'PATCH', body: JSON.stringify({ role: 'analyst', groups: ['north'] }) } };
    },
  },
  'DELETE /api/users/:name': {
    role: 'admin',
    perLog: false,
    ok: 200,
    request: async () => ({ path: `/api/users/${(await addUser(store, { name: `gone-${unique++}`, role: 'viewer' })).name}`, init: { method: 'DELETE' } }),
  },
  'POST /api/users/:name/sessions/end': { role: 'admin', perLog: false, ok: 200, request: () => ({ path: '/api/users/viewer-1/sessions/end', init: { method: 'POST' } }) },
  'GET /api/tokens': { role: 'viewer', perLog: false, ok: 200, request: get('/api/tokens') },
  'POST /api/tokens': { role: 'viewer', perLog: false, ok: 201, request: () => ({ path: '/api/tokens', init: { method: 'POST', body: JSON.stringify({ label: 'script', role: 'viewer' }) } }) },
  'DELETE /api/tokens/:id': {
    role: 'viewer',
    perLog: false,
    ok: 200,
    request: async (caller) => {
      const owner = caller === 'anonymous' ? 'viewer-1' : `${caller}-1`;
      const { info } = await createToken(store, { label: 'to revoke', role: 'viewer', owner, createdBy: 'test' });
      return { path: `/api/tokens/${info.id}`, init: { method: 'DELETE' } };
    },
  },
  'GET /api/access': { role: 'admin', perLog: false, ok: 200, request: get('/api/access') },
  'PUT /api/logs/:log/access': {
    role: 'admin',
    perLog: true,
    ok: 200,
    // The same groups again: the matrix leaves the logs as it found them.
    request: (_, log) => ({ path: `/api/logs/${log}/access`, init: { method: 'PUT', body: JSON.stringify({ groups: [log] }) } }),
  },
  'DELETE /api/logs/:log': {
    role: 'admin',
    perLog: true,
    ok: 200,
    // A log of its own, restricted like the one it stands for, so the matrix deletes nothing it needs.
    request: async (_, log) => {
      const doomed = `${log}-doomed-${unique++}`;
      await ingestLinkedFiles(store, ['orders.csv'].map((f) => join(dir, f)), { name: doomed, objects: parseObjectKeys(['order=order_id']) });
      await setLogGroups(store, doomed, [log]);
      return { path: `/api/logs/${doomed}`, init: { method: 'DELETE' } };
    },
  },
  'POST /api/logs': { role: 'analyst', perLog: false, ok: 201, request: () => ({ path: `/api/logs?file=sent-${unique++}.csv`, init: { method: 'POST', body: FIXTURE_CSV, headers: { 'content-type': 'text/csv' } } }) },
  'GET /api/uploads/:id': { role: 'viewer', perLog: false, ok: 200, ownerOnly: true, request: async (caller) => ({ path: `/api/uploads/${await uploadBy(caller)}` }) },
  'GET /api/uploads/:id/events': { role: 'viewer', perLog: false, ok: 200, ownerOnly: true, request: async (caller) => ({ path: `/api/uploads/${await uploadBy(caller)}/events` }) },
  'POST /api/uploads/:id/load': {
    role: 'analyst',
    perLog: true,
    ok: 202,
    request: async (caller, log) => ({ path: `/api/uploads/${await uploadBy(caller)}/load`, init: { method: 'POST', body: JSON.stringify({ name: log, mode: 'append' }) } }),
  },
  'GET /api/logs/:log/settings/kpis': { role: 'viewer', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/logs/${log}@order/settings/kpis` }) },
  'PUT /api/logs/:log/settings/kpis': { role: 'analyst', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/logs/${log}@order/settings/kpis`, init: { method: 'PUT', body: '{}' } }) },
  'GET /api/logs': { role: 'viewer', perLog: false, ok: 200, request: get('/api/logs') },
  'GET /api/roles': { role: 'viewer', perLog: false, ok: 200, request: get('/api/roles') },
  'GET /api/logs/:log/milestones': { ...analysis('milestones'), request: (_, log) => ({ path: `/api/logs/${log}/milestones?notion=order&${new URLSearchParams({ 'milestone-from': milestones[0], 'milestone-to': milestones[1] })}` }) },
  'GET /api/logs/:log/duration-breakdown': { ...analysis('duration-breakdown'), request: (_, log) => ({ path: `/api/logs/${log}/duration-breakdown?notion=order&${new URLSearchParams({ by: attribute })}` }) },
  'GET /api/logs/:log/attribute-values': { ...analysis('attribute-values'), request: (_, log) => ({ path: `/api/logs/${log}/attribute-values?notion=order&${new URLSearchParams({ attribute })}` }) },
  'GET /api/logs/:log/loads': { role: 'viewer', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/logs/${log}/loads` }) },
  'GET /api/logs/:log/quarantine.csv': { role: 'viewer', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/logs/${log}@order/quarantine.csv` }) },
  'GET /api/logs/:log/cases.arrow': { role: 'viewer', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/logs/${log}/cases.arrow?notion=order` }) },
  'GET /api/logs/:log/process-map/layout': { role: 'viewer', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/logs/${log}/process-map/layout?notion=order` }) },
  'GET /api/logs/:log/cases.csv': { role: 'viewer', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/logs/${log}/cases.csv?notion=order` }) },
  'GET /api/logs/:log/case-timeline': { ...analysis('case-timeline'), request: (_, log) => ({ path: `/api/logs/${log}/case-timeline?notion=order&${new URLSearchParams({ case: caseName })}` }) },
  'GET /api/audit': { role: 'admin', perLog: false, ok: 200, request: get('/api/audit') },
  'GET /api/audit.csv': { role: 'admin', perLog: false, ok: 200, request: get('/api/audit.csv') },
  'GET /api/jobs': { role: 'analyst', perLog: false, ok: 200, request: get('/api/jobs') },
  'GET /api/notebooks': { role: 'analyst', perLog: false, ok: 200, request: get('/api/notebooks') },
  'GET /api/notebooks/:name': { role: 'analyst', perLog: true, ok: 200, request: (_, log) => ({ path: `/api/notebooks/count?log=${log}@order` }) },
  'GET /api/jobs/runs': { role: 'analyst', perLog: false, ok: 200, request: get('/api/jobs/runs') },
  'GET /api/jobs/:name/runs': { role: 'analyst', perLog: false, ok: 404, request: get('/api/jobs/none/runs') },
};

/** What a caller should get from a route on a log. */
function expected(route: RouteCheck, caller: Caller, logAllowed: boolean): number {
  if (route.role === 'open') return route.ok;
  if (caller === 'anonymous') return 401;
  const rank = (role: Role) => ['viewer', 'analyst', 'admin'].indexOf(role);
  if (rank(caller) < rank(route.role)) return 403;
  if (route.ownerOnly && caller === 'viewer') return 404;
  if (route.perLog && !logAllowed && caller !== 'admin') return 404;
  return route.ok;
}

describe('who may call what', () => {
  it('covers every route the API serves', () => {
    // The analyses share one route, one per registry entry.
    const served = new Set(
      api.routes
        .filter((route) => route.method !== 'ALL')
        .flatMap((route) => (route.path === '/api/logs/:log/:analysis' ? ANALYSES.map((analysis) => `GET /api/logs/:log/${analysis.name}`) : [`${route.method} ${route.path}`])),
    );
    expect([...served].sort()).toEqual(Object.keys(ROUTES).sort());
  });

  it('answers every route × caller × allowed and denied log as the roles and groups say', async () => {
    const results: string[] = [];
    const wrong: string[] = [];
    for (const [name, route] of Object.entries(ROUTES)) {
      for (const caller of CALLERS) {
        for (const [log, allowed] of route.perLog ? ([[ALLOWED, true], [DENIED, false]] as const) : ([[ALLOWED, true]] as const)) {
          const { path, init } = await route.request(caller, log);
          const answer = await send(caller, path, init);
          await answer.body?.cancel();
          const want = expected(route, caller, allowed);
          results.push(`${name} ${caller} ${log}`);
          if (answer.status !== want) wrong.push(`${name} as ${caller} on ${log}: ${answer.status}, expected ${want}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    // The size of the matrix, for the record: routes × callers × logs where a route names one.
    expect(results.length).toBeGreaterThan(200);
    console.log(`route × caller × log checks: ${results.length} requests over ${Object.keys(ROUTES).length} routes (each analysis counted as its own)`);
  }, 120_000);

  it('lists only the logs and case notions a caller may see', async () => {
    const names = async (caller: Caller) => ((await (await send(caller, '/api/logs')).json()) as { logs: { name: string }[] }).logs.map((log) => log.name);
    const viewer = await names('viewer');
    expect(viewer).toContain(ALLOWED);
    expect(viewer).toContain(`${ALLOWED}@order`);
    expect(viewer.some((name) => name === DENIED || name.startsWith(`${DENIED}@`))).toBe(false);
    expect(await names('admin')).toContain(`${DENIED}@order`);
  });
});
