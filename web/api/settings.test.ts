import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { getJson } from '../../test-support/api-request.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { asAdmin } from '../../test-support/identities.ts';

let store: Store;
let remove: () => void;
let api: ReturnType<typeof createApi>;
beforeAll(async () => {
  let dir: string;
  ({ store, dir, remove } = await tempStore());
  // A help-desk log: nothing in it is a distribution activity.
  const tickets = [
    'case_id,activity,timestamp,resource',
    'T1,Opened,2026-01-05T08:00:00Z,ann',
    'T1,Escalated,2026-01-05T09:00:00Z,bob',
    'T1,Closed,2026-01-05T12:00:00Z,bob',
    'T2,Opened,2026-01-06T08:00:00Z,ann',
    'T2,Closed,2026-01-06T10:00:00Z,cat',
    'T3,Opened,2026-01-07T08:00:00Z,ann',
  ].join('\n');
  await ingestFile(store, writeFixture(dir, 'help desk.csv', `${tickets}\n`), { name: 'help desk' });
  api = createApi(async () => store, undefined, asAdmin);
});
afterAll(() => remove());

const PATH = '/api/logs/help%20desk/settings/kpis';
const put = async (path: string, body: string, type = 'application/json') => {
  const response = await api.request(path, { method: 'PUT', body, headers: { 'Content-Type': type } });
  expect(response.headers.get('content-type')).toMatch(/application\/json/);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const kpi = async (id: string, query = '') => ((await getJson(api, `/api/logs/help%20desk/kpis${query}`)).body.kpis as { id: string; value: number | null; computable: boolean; reason: string | null }[]).find((k) => k.id === id)!;

describe('GET and PUT /api/logs/:log/settings/kpis', () => {
  it('answers none saved, with the log’s activities and attributes to choose from', async () => {
    const { status, body } = await getJson(api, PATH);
    expect(status).toBe(200);
    expect(body).toEqual({ log: 'help desk', settings: {}, updatedAt: null, choices: { activities: ['Closed', 'Escalated', 'Opened'], attributes: [], objectTypes: [] } });
    expect(await kpi('order_cycle_time')).toMatchObject({ computable: false, reason: 'not computable: missing activity "Order Captured"; activity "Payment Received"' });
  });

  it('saves settings that GET /kpis then uses, and the query parameters still override', async () => {
    const settings = { orderActivity: null, cycleTime: { start: 'Opened', end: 'Closed' }, exceptionActivities: ['Escalated'] };
    const saved = await put(PATH, JSON.stringify(settings));
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ log: 'help desk', settings, updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect((await getJson(api, PATH)).body.settings).toEqual(settings);
    // T1 4 h, T2 2 h: median 3 h; T3 is open.
    expect(await kpi('order_cycle_time')).toMatchObject({ computable: true, value: 3 * 3600 });
    expect(await kpi('exception_rate')).toMatchObject({ computable: true, value: 1 / 3 });
    // T1 is escalated: every ticket counts as an exception only with the override.
    expect(await kpi('exception_rate', '?exception=Opened')).toMatchObject({ value: 1 });
    expect(await kpi('exception_rate', '?order-activity=Escalated')).toMatchObject({ value: 1 });
    // The exception trends take the saved exception activities as their types.
    const trends = await getJson(api, '/api/logs/help%20desk/exceptions');
    expect(trends.status).toBe(200);
    expect((trends.body.types as { type: string }[]).map((t) => t.type)).toEqual(['Escalated']);
  });

  it('answers 400 for a body that is not settings, naming the problem, and keeps what was saved', async () => {
    const cases: [string, string | RegExp][] = [
      ['not json', 'the body must be the KPI settings as a JSON object'],
      ['[1]', /^KPI settings: /],
      ['{"cycleTime":{"start":5}}', /^KPI settings: cycleTime\.start: .*expected string/],
      ['{"colour":"red"}', /^KPI settings: .*"colour"/],
      ['{"cycleTime":{"start":"Order Captured"}}', 'KPI settings: cycleTime.start: the log "help desk" has no activity "Order Captured"'],
      ['{"otif":{"promisedAttribute":"promised_date"}}', 'KPI settings: otif.promisedAttribute: the log "help desk" has no attribute "promised_date"'],
    ];
    for (const [body, error] of cases) {
      const answer = await put(PATH, body);
      expect({ body, status: answer.status }).toEqual({ body, status: 400 });
      if (typeof error === 'string') expect(answer.body.error).toBe(error);
      else expect(answer.body.error).toMatch(error);
      expect(answer.body.error).not.toMatch(/duckdb|\/tmp|SELECT|--/i);
    }
    expect((await getJson(api, PATH)).body.settings).toMatchObject({ orderActivity: null });
  });

  it('answers 413 for a body far larger than any settings', async () => {
    const answer = await put(PATH, JSON.stringify({ exceptionActivities: ['x'.repeat(2 * 1024 * 1024)] }));
    expect(answer).toEqual({ status: 413, body: { error: 'the KPI settings may be at most 1 MiB' } });
  });

  it('answers 404 for a log that does not exist, on both', async () => {
    expect((await getJson(api, '/api/logs/nope/settings/kpis')).status).toBe(404);
    const answer = await put('/api/logs/nope/settings/kpis', '{}');
    expect(answer.status).toBe(404);
    expect(answer.body.error).toMatch(/no log named "nope"/);
  });

  it('clears the settings with {}', async () => {
    const cleared = await put(PATH, '{}');
    expect(cleared).toMatchObject({ status: 200, body: { settings: {}, updatedAt: null } });
    expect(await kpi('order_cycle_time')).toMatchObject({ computable: false });
  });
});
