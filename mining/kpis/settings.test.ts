import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { realLog } from '../../test-support/real-logs.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { OptionError, UnknownLogError } from '../errors.ts';
import { getExceptionTrends } from '../exceptions/index.ts';
import { KPI_FIELDS, KPI_SETTING_PATHS, kpiField, withSetting } from './fields.ts';
import { distributorFixtureCsv } from './fixture.ts';
import { getKpis, getTouchlessOrders, type Kpi, type KpiId } from './index.ts';
import { getKpiSettings, saveKpiSettings } from './settings.ts';

let store: Store;
let remove: () => void;
let dir: string;

beforeAll(async () => {
  ({ store, remove, dir } = await tempStore('waybill-kpi-settings-'));
  // The textbook running example (compensation requests): no distribution activity at all.
  await ingestFile(store, realLog('running-example.csv'), { name: 'requests' });
  await ingestFile(store, writeFixture(dir, 'full.csv', distributorFixtureCsv()), { name: 'full' });
}, 60_000);
afterAll(() => remove());

const byId = (kpis: Kpi[]) => Object.fromEntries(kpis.map((k) => [k.id, k])) as Record<KpiId, Kpi>;

/** Running example, hand-checked (times +01:00): */
const MAPPING = {
  orderActivity: null,
  // register request → pay compensation: case 2 9d 0h33m, case 3 15d 20h13m, case 6 9d 20h45m; 1, 4, 5 are rejected.
  cycleTime: { start: 'register request', end: 'pay compensation' },
  // Paid: 2, 3, 6; case 3 was reinitiated; no event by Sue in them: 2 of 3 touchless.
  touchless: { completedActivity: 'pay compensation' },
  exceptionActivities: ['reinitiate request'],
  manualResourcePrefixes: ['Sue'],
  // decide → next reinitiate: case 3 3h, case 5 1d 2h50m and 1d 1h30m.
  creditTurnaround: { from: 'decide', to: 'reinitiate request' },
};

describe('KPI settings of a log', () => {
  it('are none at first: every KPI says what it misses, and the log offers its own names', async () => {
    const view = await getKpiSettings(store, 'requests');
    expect(view).toEqual({
      log: 'requests',
      settings: {},
      updatedAt: null,
      choices: {
        activities: ['check ticket', 'decide', 'examine casually', 'examine thoroughly', 'pay compensation', 'register request', 'reinitiate request', 'reject request'],
        attributes: [
          { name: 'Activity', type: 'VARCHAR' },
          { name: 'case:creator', type: 'VARCHAR' },
          { name: 'column0', type: 'BIGINT' },
          { name: 'Costs', type: 'BIGINT' },
          { name: 'Resource', type: 'VARCHAR' },
        ],
        objectTypes: [],
      },
    });
    const k = byId((await getKpis(store, 'requests')).kpis);
    expect(Object.values(k).every((kpi) => !kpi.computable)).toBe(true);
    expect(k.order_cycle_time.reason).toBe('not computable: missing activity "Order Captured"; activity "Payment Received"');
  });

  it('once saved, are what getKpis, the touchless orders and the exception trends read without options', async () => {
    const saved = await saveKpiSettings(store, 'requests', MAPPING);
    expect(saved.settings).toEqual(MAPPING);
    expect(Date.parse(saved.updatedAt!)).toBeLessThanOrEqual(Date.now());
    expect((await getKpiSettings(store, 'requests')).settings).toEqual(MAPPING);

    const k = byId((await getKpis(store, 'requests')).kpis);
    expect(k.order_cycle_time).toMatchObject({ computable: true, value: 9 * 86400 + 20 * 3600 + 45 * 60, counts: { orders: 3 } });
    expect(k.order_cycle_time.definition).toContain('"register request" to the first "pay compensation"');
    expect(k.touchless_order_rate).toMatchObject({ computable: true, value: 2 / 3, counts: { completed: 3, touchless: 2 } });
    expect(k.exception_rate).toMatchObject({ computable: true, value: 2 / 6, counts: { orders: 6, exceptional: 2 } });
    expect(k.credit_turnaround).toMatchObject({ computable: true, value: 86400 + 5400, counts: { pairs: 3 } });
    // Not mapped: still not computable, saying what is missing.
    expect(k.fill_rate.reason).toBe('not computable: missing allocation activities (none of "Line Allocated" occurs); attribute "quantity_allocated"; attribute "quantity_ordered"; order lines (no attribute or object type "order_line_id" or "order line")');

    expect(await getTouchlessOrders(store, 'requests')).toMatchObject({ computable: true, completed: 3, touchless: ['2', '6'] });
    const trends = await getExceptionTrends(store, 'requests');
    expect(trends.definitions.exceptions).toEqual([{ type: 'reinitiate request', activities: ['reinitiate request'] }]);
    expect(trends.types.map((t) => [t.type, t.cases])).toEqual([['reinitiate request', 2]]);
  });

  it('yield to options given, setting by setting', async () => {
    const k = byId((await getKpis(store, 'requests', {}, { cycleTime: { end: 'decide' }, exceptionActivities: ['check ticket'] })).kpis);
    // register request → first decide after it: 2 6d 0h, 3 7d 18h46m, 6 1d 1h50m (and 1 6d 0h16m, 4 2d 21h, 5 4d 4h26m): 6 cases.
    expect(k.order_cycle_time.counts.orders).toBe(6);
    expect(k.order_cycle_time.definition).toContain('"register request" to the first "decide"');
    expect(k.exception_rate).toMatchObject({ value: 1, counts: { orders: 6, exceptional: 6 } });
    // The saved touchless settings still hold where no option replaces them.
    expect(k.touchless_order_rate.definition).toContain('"pay compensation"');
    const trends = await getExceptionTrends(store, 'requests', {}, { exceptions: [{ type: 'Rejected', activities: ['reject request'] }] });
    expect(trends.types.map((t) => t.type)).toEqual(['Rejected']);
  });

  it('refuse names the log does not have and shapes that are not settings, leaving what was saved', async () => {
    await expect(saveKpiSettings(store, 'requests', { cycleTime: { start: 'Order Captured' } })).rejects.toThrow(
      new OptionError('KPI settings: cycleTime.start: the log "requests" has no activity "Order Captured"'),
    );
    await expect(saveKpiSettings(store, 'requests', { otif: { promisedAttribute: 'promised_date' } })).rejects.toThrow(/otif\.promisedAttribute: the log "requests" has no attribute "promised_date"/);
    await expect(saveKpiSettings(store, 'requests', { fillRate: { lineKeys: ['line', 'order line'] } })).rejects.toThrow(/fillRate\.lineKeys: .*no attribute or object type "line" or "order line"/);
    await expect(saveKpiSettings(store, 'requests', { cycleTime: { start: 7 } })).rejects.toThrow(/^KPI settings: cycleTime\.start: .*expected string/);
    await expect(saveKpiSettings(store, 'requests', { colour: 'red' })).rejects.toThrow(/KPI settings: .*"colour"/);
    await expect(saveKpiSettings(store, 'requests', { otif: { horizonDays: 3 } })).rejects.toThrow(/KPI settings: otif: .*"horizonDays"/);
    await expect(saveKpiSettings(store, 'requests', [])).rejects.toThrow(OptionError);
    await expect(saveKpiSettings(store, 'nope', {})).rejects.toThrow(UnknownLogError);
    expect((await getKpiSettings(store, 'requests')).settings).toEqual(MAPPING);
  });

  it('are cleared by saving none', async () => {
    await saveKpiSettings(store, 'full', { orderActivity: null });
    expect((await getKpiSettings(store, 'full')).settings).toEqual({ orderActivity: null });
    expect(await saveKpiSettings(store, 'full', {})).toMatchObject({ settings: {}, updatedAt: null });
  });
});

describe('KPI_FIELDS', () => {
  // On the distributor fixture every KPI is computable by default; pointing one setting at a
  // name the log lacks must touch exactly the KPIs that list it: their reason (a name they
  // need) or definition (a name they merely look for) then names it, and no other KPI's does.
  it('lists exactly the settings each KPI reads', async () => {
    const base = byId((await getKpis(store, 'full')).kpis);
    expect(Object.values(base).every((kpi) => kpi.computable)).toBe(true);
    expect(Object.keys(KPI_FIELDS).sort()).toEqual(Object.keys(base).sort());
    const listed = new Set(Object.values(KPI_FIELDS).flatMap((fields) => fields.map((f) => f.path)));
    expect([...listed].sort()).toEqual([...KPI_SETTING_PATHS].sort());
    for (const path of KPI_SETTING_PATHS) {
      const kind = kpiField(path).kind;
      // A match key the log lacks is no error (receipts are then matched by case); name one it has.
      const name = path === 'receiptToAvailable.matchKeys' ? 'sku' : 'Nope';
      const value = kind === 'activities' || kind === 'key' || kind === 'prefixes' ? [name] : name;
      const k = byId((await getKpis(store, 'full', {}, withSetting({}, path, value))).kpis);
      const touched = Object.values(k)
        .filter((kpi) => `${kpi.reason} ${kpi.definition}`.includes(`"${name}"`) || kpi.definition.includes(`attribute ${name}`))
        .map((kpi) => kpi.id)
        .sort();
      const expected = (Object.keys(KPI_FIELDS) as KpiId[]).filter((id) => KPI_FIELDS[id].some((f) => f.path === path)).sort();
      expect({ path, touched }).toEqual({ path, touched: expected });
    }
  });
});
