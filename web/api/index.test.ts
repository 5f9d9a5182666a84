import { basename, dirname } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { getJson } from '../../test-support/api-request.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { createApi } from './index.ts';
import { asAdmin } from '../../test-support/identities.ts';

let store: Store;
let remove: () => void;
let api: ReturnType<typeof createApi>;
let dirtyFile: string;
beforeAll(async () => {
  let dir: string;
  ({ store, dir, remove } = await tempStore());
  await ingestFile(store, writeFixture(dir));
  // A bad row whose value would run as a spreadsheet formula, kept in quarantine.
  const dirty = writeFixture(dir, 'dirty.csv', 'case_id,activity,timestamp\nA,x,2026-01-01T00:00:00Z\nB,y,"=HYPERLINK(""http://evil"",""click"")"\n');
  await ingestFile(store, dirty, { onBadRows: 'quarantine' });
  dirtyFile = dirty;
  api = createApi(async () => store, undefined, asAdmin);
});
afterAll(() => remove());

const get = (path: string) => getJson(api, path);

describe('GET /api/logs', () => {
  it('lists the stored logs', async () => {
    const { status, body } = await get('/api/logs');
    expect(status).toBe(200);
    expect(body.logs).toEqual([
      expect.objectContaining({ name: 'dirty', format: 'csv', events: 1, cases: 1 }),
      expect.objectContaining({ name: 'orders', format: 'csv', events: 7, cases: 3, activities: 3, variants: 2, firstTimestamp: '2026-01-05T07:00:00.000Z' }),
    ]);
    // Sources by their file names: the server's folders stay on the server.
    expect((body.logs as { source: string }[]).map((log) => log.source)).toEqual(['dirty.csv', 'orders.csv']);
  });
});

describe('GET /api/logs/:log/cases.arrow', () => {
  it('sends every filtered case as Arrow columns, the same cases the cases analysis lists', async () => {
    const response = await api.request('/api/logs/orders/cases.arrow?has=Shipped');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.schema.fields.map((f) => f.name)).toEqual(['case', 'start', 'end', 'duration', 'events', 'variant', 'attributes.amount', 'attributes.note']);
    const listed = (await get('/api/logs/orders/cases?has=Shipped')).body as { rows: { case: string; start: string; durationSeconds: number; events: number; variant: number; attributes: Record<string, string | null> }[] };
    expect(table.numRows).toBe(listed.rows.length);
    listed.rows.forEach((row, i) => {
      const arrow = table.get(i)!.toJSON();
      expect([arrow.case, arrow.start, arrow.duration, arrow.events, arrow.variant, arrow['attributes.amount'], arrow['attributes.note']]).toEqual([
        row.case, Date.parse(row.start), row.durationSeconds, row.events, row.variant, row.attributes.amount, row.attributes.note,
      ]);
    });
    // A filter the log cannot take, or a log that is not there, answers as every analysis does.
    expect((await api.request('/api/logs/orders/cases.arrow?where=note%20between%201%20and%202')).status).toBe(400);
    expect((await api.request('/api/logs/nope/cases.arrow')).status).toBe(404);
    expect((await api.request('/api/logs/orders/cases.arrow?limit=5')).status).toBe(400);
  });
});

describe('GET /api/logs/:log/<analysis>', () => {
  it('returns the process map in the shared shape, with hand-checked numbers', async () => {
    const { status, body } = await get('/api/logs/orders/process-map');
    expect(status).toBe(200);
    expect(body).toEqual({
      log: 'orders',
      cases: 3,
      events: 7,
      activities: [
        { name: 'Order Captured', count: 3, cases: 3 },
        { name: 'Order Validated', count: 2, cases: 2 },
        { name: 'Shipped', count: 2, cases: 2 },
      ],
      edges: [
        {
          from: 'Order Captured',
          to: 'Order Validated',
          count: 2,
          duration: { mean: 2700, median: 2700, min: 0, max: 5400, p90: 4860, sum: 5400, stdev: Math.sqrt(2 * 2700 ** 2) },
        },
        {
          from: 'Order Validated',
          to: 'Shipped',
          count: 2,
          duration: { mean: 44100, median: 44100, min: 7200, max: 81000, p90: 73620, sum: 88200, stdev: Math.sqrt(2 * 36900 ** 2) },
        },
      ],
      start: [{ activity: 'Order Captured', count: 3 }],
      end: [
        { activity: 'Shipped', count: 2 },
        { activity: 'Order Captured', count: 1 },
      ],
    });
  });

  it('returns variants and case durations', async () => {
    const variants = await get('/api/logs/orders/variants');
    expect(variants.body).toEqual({
      log: 'orders',
      cases: 3,
      variantCount: 2,
      offset: 0,
      variants: [
        { rank: 1, activities: ['Order Captured', 'Order Validated', 'Shipped'], count: 2, share: 2 / 3, cumulativeShare: 2 / 3, duration: { mean: 46800, median: 46800 } },
        { rank: 2, activities: ['Order Captured'], count: 1, share: 1 / 3, cumulativeShare: 1, duration: { mean: 0, median: 0 } },
      ],
    });
    expect((await get('/api/logs/orders/variants?limit=1')).body.variants).toHaveLength(1);
    // A page: the second variant alone, still counted against every case; past the end, none but the totals.
    expect((await get('/api/logs/orders/variants?limit=1&offset=1')).body).toMatchObject({ cases: 3, variantCount: 2, offset: 1, variants: [{ rank: 2, count: 1, cumulativeShare: 1 }] });
    expect((await get('/api/logs/orders/variants?offset=5')).body).toMatchObject({ cases: 3, variantCount: 2, offset: 5, variants: [] });
    // Under a filter the list ranks what it keeps, and each variant keeps the log's rank, the one variant= takes.
    expect((await get('/api/logs/orders/variants?variant=2')).body).toMatchObject({ cases: 1, variantCount: 1, variants: [{ rank: 2, share: 1, cumulativeShare: 1 }] });
    const durations = await get('/api/logs/orders/case-durations?bins=2');
    expect(durations.body).toEqual({
      log: 'orders',
      cases: 3,
      seconds: { min: 0, median: 7200, mean: 31200, max: 86400, p90: 70560 },
      histogram: [
        { from: 0, to: 43200, count: 2 },
        { from: 43200, to: 86400, count: 1 },
      ],
    });
  });

  it('applies the time window from the query string', async () => {
    const { body } = await get('/api/logs/orders/process-map?from=2026-01-05T11:00:00Z&timeframe=started');
    expect(body).toMatchObject({ cases: 1, events: 1 });
  });

  it('answers 404 with a JSON error for an unknown log or path', async () => {
    expect(await get('/api/logs/nope/process-map')).toEqual({ status: 404, body: { error: 'no log named "nope"' } });
    expect((await get('/api/logs/orders/nonsense')).status).toBe(404);
  });

  it('answers 400 for bad parameters, including SQL in them', async () => {
    const variants = '/api/logs/orders/variants';
    const durations = '/api/logs/orders/case-durations';
    for (const path of [
      `${variants}?limit=0`,
      `${variants}?limit=abc`,
      `${durations}?bins=9999`,
      `${variants}?from=2026-01-01'%20OR%201=1--`,
      `${variants}?from=2026-01-01&timeframe=sideways`,
      `${variants}?timeframe=started`,
      `${variants}?form=2026-01-01`, // a typo must not mean "no filter"
      `${variants}?bins=3`, // an option of another analysis
      '/api/logs?limit=1',
    ]) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(typeof body.error, path).toBe('string');
    }
  });

  it('answers 503 when another process holds the database', async () => {
    const { StoreBusyError } = await import('../../mining/index.ts');
    const busy = createApi(async () => {
      throw new StoreBusyError('the database x is in use by another process (PID 1)');
    }, undefined, asAdmin);
    const response = await busy.request('/api/logs');
    expect(response.status).toBe(503);
    // The path and the process are for the server's log; the page learns what to do.
    expect(await response.json()).toEqual({ error: 'the database is in use by another Waybill process; try again once it has finished' });
  });

  it('answers 503, without the server path or a command, when the store is shutting down or needs recovering', async () => {
    const { StoreClosingError, StoreRecoveryError } = await import('../../mining/index.ts');
    const closing = createApi(async () => {
      throw new StoreClosingError();
    }, undefined, asAdmin);
    const response = await closing.request('/api/logs');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'Waybill is shutting down; try again once it has restarted' });
    const broken = createApi(async () => {
      throw new StoreRecoveryError('/srv/data/waybill.duckdb', '/srv/data/recovery-1', 'INTERNAL Error: Failure while replaying WAL file');
    }, undefined, asAdmin);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const recovering = await broken.request('/api/logs');
    errors.mockRestore();
    expect(recovering.status).toBe(503);
    const { error } = (await recovering.json()) as { error: string };
    expect(error).toBe('the database needs recovering before it can be read; the server log says how');
  });

  it('returns one bin when every case is equally long', async () => {
    const { body } = await get('/api/logs/orders/case-durations?from=2026-01-05T11:00:00Z&timeframe=started');
    expect(body.histogram).toEqual([{ from: 0, to: 0, count: 1 }]);
  });

  it('treats a log name with SQL or path tricks as just a name', async () => {
    expect((await get(`/api/logs/${encodeURIComponent("orders' OR '1'='1")}/process-map`)).status).toBe(404);
    expect((await get(`/api/logs/${encodeURIComponent('../orders')}/variants`)).status).toBe(404);
  });
});

describe('GET /api/logs/:log/loads and quarantine.csv', () => {
  it('lists loads and quarantined rows by file name (never the server’s folders), and exports them with formulas neutralized', async () => {
    const dirtyName = basename(dirtyFile);
    const { status, body } = await get('/api/logs/dirty/loads');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      log: 'dirty',
      loads: [{ load: 2, mode: 'create', rowsRead: 2, eventsAdded: 1, duplicatesSkipped: 0, quarantined: 1 }],
      quarantined: 1,
      quarantine: [{ load: 2, source: dirtyName, line: 3, column: 'timestamp', problem: 'cannot read the timestamp', value: '=HYPERLINK("http://evil","click")' }],
    });
    const response = await api.request('/api/logs/dirty/quarantine.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="dirty-quarantine.csv"');
    expect(JSON.stringify(body)).not.toContain(dirname(dirtyFile));
    expect(await response.text()).toBe(`load,source,line,column,problem,value\r\n2,${dirtyName},3,timestamp,cannot read the timestamp,"'=HYPERLINK(""http://evil"",""click"")"\r\n`);
    expect((await get('/api/logs/nope/loads')).status).toBe(404);
  });
});

describe('filters in the query string', () => {
  it('take the shared text syntax, repeated parameters included, and answer 400 on a bad one', async () => {
    const where = encodeURIComponent('amount in (5, 10)');
    const { status, body } = await get(`/api/logs/orders/case-durations?where=${where}&has=Shipped&has=${encodeURIComponent('Order Validated')}&min-duration=2h`);
    expect(status).toBe(200);
    expect(body.cases).toBe(2);
    const bad = await get(`/api/logs/orders/process-map?where=${encodeURIComponent('amount ~ 5')}`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/where: cannot read "amount ~ 5"/);
    const notion = await get('/api/logs/orders/process-map?notion=order');
    expect(notion.status).toBe(404);
    expect(notion.body.error).toMatch(/no log named "orders@order"/);
  });
});

describe('GET /api/logs/:log/queue-aging, bottlenecks and exceptions', () => {
  it('answer in the shapes of design.md, with their options as query parameters', async () => {
    const aging = await get('/api/logs/orders/queue-aging?end=Shipped&oldest=1');
    expect(aging.status).toBe(200);
    // At the log's last event (A's Shipped, 2026-01-06T07:00Z) only C is open, captured at 2026-01-05T12:00Z.
    expect(aging.body).toMatchObject({ log: 'orders', openCases: 1, steps: [{ activity: 'Order Captured', count: 1, maxAgeSeconds: 68_400 }], oldest: [{ case: 'C', ageSeconds: 68_400 }] });
    const bottlenecks = await get('/api/logs/orders/bottlenecks?rank-by=median&limit=1');
    expect(bottlenecks.status).toBe(200);
    expect(bottlenecks.body).toMatchObject({ rankBy: 'median', handoffs: [{ from: 'Order Validated', to: 'Shipped', count: 2, medianSeconds: 44_100 }] });
    const noDefaults = await get('/api/logs/orders/exceptions');
    expect(noDefaults.status).toBe(400);
    const exceptions = await get(`/api/logs/orders/exceptions?exception=${encodeURIComponent('Late validation=Order Validated')}&driver=none`);
    expect(exceptions.status).toBe(200);
    expect(exceptions.body).toMatchObject({ period: 'week', types: [{ type: 'Late validation', total: 2, cases: 2 }] });
    expect((await get('/api/logs/orders/bottlenecks?rank-by=loudest')).status).toBe(400);
  });

  it('queue aging says how it told open from ended, and takes end and silence', async () => {
    const inferred = await get('/api/logs/orders/queue-aging');
    expect(inferred.body).toMatchObject({ endActivities: ['Shipped'], endActivitiesSource: 'inferred', rule: { silence: { source: 'log' }, cases: { started: 3, ended: 2, silent: 0 } } });
    // One empty `end` asks for none: all three open, silence off.
    const none = await get('/api/logs/orders/queue-aging?end=&silence=none');
    expect(none.body).toMatchObject({ openCases: 3, endActivities: [], endActivitiesSource: 'option', rule: { silence: { seconds: null, source: 'off' } } });
    expect((await get('/api/logs/orders/queue-aging?silence=12h')).body).toMatchObject({ openCases: 0, rule: { cases: { silent: 1 } } });
    const badSilence = await get('/api/logs/orders/queue-aging?silence=soon');
    expect(badSilence).toEqual({ status: 400, body: { error: 'silence is none, auto or a duration such as 30d, not "soon"' } });
    const badEnd = await get('/api/logs/orders/queue-aging?end=Closed');
    expect(badEnd).toEqual({ status: 400, body: { error: 'end: "Closed" is not an activity of "orders"' } });
  });
});

describe('GET cycle-time analyses', () => {
  it('answers percentiles, milestones, breakdowns and trends with their own parameters', async () => {
    const distribution = await get('/api/logs/orders/case-distribution');
    expect(distribution.body).toMatchObject({ cases: 3, percentiles: { p50: 7200 } });
    const milestones = await get(`/api/logs/orders/milestones?milestone-from=${encodeURIComponent('Order Captured')}&milestone-to=Shipped`);
    expect(milestones.body).toMatchObject({ measured: 2, missing: 1, seconds: { min: 7200, max: 86_400 } });
    const breakdown = await get('/api/logs/orders/duration-breakdown?by=amount&sort=mean');
    expect(breakdown.status).toBe(200);
    expect((breakdown.body.buckets as { label: string }[]).map((b) => b.label)).toEqual(['10', '5', '7']);
    const trend = await get('/api/logs/orders/duration-trend?period=month');
    expect(trend.body).toMatchObject({ period: 'month', series: [{ start: '2026-01-01T00:00:00.000Z', cases: 3 }] });
    expect((await get('/api/logs/orders/milestones')).status).toBe(400);
    expect((await get('/api/logs/orders/duration-breakdown')).status).toBe(400);
  });
});

describe('GET /api/logs/:log/kpis and reconciliation', () => {
  it('say which KPIs the log cannot support, and why, instead of a number', async () => {
    const { status, body } = await get('/api/logs/orders/kpis?order-activity=none');
    expect(status).toBe(200);
    const kpis = body.kpis as { id: string; computable: boolean; value: number | null; reason: string | null }[];
    expect(kpis.find((k) => k.id === 'otif')).toMatchObject({ computable: false, value: null, reason: expect.stringMatching(/^not computable: missing/) });
    expect(kpis.find((k) => k.id === 'fill_rate')).toMatchObject({ computable: false, value: null });
    const reconciliation = await get('/api/logs/orders/reconciliation');
    expect(reconciliation.status).toBe(200);
    expect(reconciliation.body).toMatchObject({ log: 'orders', orderLines: { computable: false } });
    // The orders behind the touchless rate: every case an order, none touched by an exception or a manual resource here.
    const touchless = await get('/api/logs/orders/touchless-orders?order-activity=none&manual=nobody.');
    expect(touchless.status).toBe(200);
    expect(touchless.body).toMatchObject({ log: 'orders', computable: false, reason: 'not computable: missing activity "Payment Received"' });
  });
});

describe('process map controls in the query string', () => {
  it('take activities and paths in percent and frequency by cases', async () => {
    const { status, body } = await get('/api/logs/orders/process-map?activities=67&paths=0&frequency=cases');
    expect(status).toBe(200);
    // Two of the three activities (Order Captured 3, Order Validated 2, Shipped 2: ties by name) and only the widest arcs.
    expect((body.activities as { name: string }[]).map((a) => a.name)).toEqual(['Order Captured', 'Order Validated']);
    expect(body).toMatchObject({ hiddenActivities: 1, edges: [{ from: 'Order Captured', to: 'Order Validated', count: 2, cases: 2 }] });
    expect((await get('/api/logs/orders/process-map?paths=150')).status).toBe(400);
  });
});

describe('GET /api/logs/:log/process-map/layout', () => {
  it('answers the process map with the same parameters and filter, laid out: a node per activity and terminal, a route per path', async () => {
    const query = 'activities=67&paths=0&frequency=cases&has=Order%20Validated';
    const { status, body } = await get(`/api/logs/orders/process-map/layout?${query}`);
    expect(status).toBe(200);
    expect(body.map).toEqual((await get(`/api/logs/orders/process-map?${query}`)).body);
    const map = body.map as { activities: unknown[]; edges: unknown[]; start: unknown[]; end: unknown[] };
    const layout = body.layout as { mode: string; nodes: { name: string; width: number }[]; edges: { points: unknown[]; label: unknown }[] };
    expect(body.problem).toBeNull();
    expect(layout.mode).toBe('layered');
    expect(layout.nodes.map((node) => node.name)).toEqual(['Start', 'Order Captured', 'Order Validated', 'End']);
    expect(layout.edges).toHaveLength(map.edges.length + map.start.length + map.end.length);
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses what the process map refuses, and an unknown log', async () => {
    expect((await get('/api/logs/orders/process-map/layout?paths=150')).status).toBe(400);
    expect((await get('/api/logs/orders/process-map/layout?limit=3')).status).toBe(400);
    expect((await get('/api/logs/nope/process-map/layout')).status).toBe(404);
  });
});
