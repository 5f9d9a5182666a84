import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agenda } from './sim/heap.ts';
import { DEFAULT_SCENARIO, type GroundTruth, loadScenario, mergeScenario, ScenarioError, writeDistributorCsv } from './index.ts';
import { addWorkingTime, openAt, Team } from './sim/teams.ts';
import { OFFICE } from '../order-to-cash/calendar.ts';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'waybill-scenario-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('scenario', () => {
  it('overlays a partial scenario and refuses unknown keys and wrong types', () => {
    const merged = mergeScenario(DEFAULT_SCENARIO, { suppliers: { lateSupplier: 'SUP-105' }, pricing: { stepWeek: 2 } });
    expect(merged.suppliers).toEqual({ ...DEFAULT_SCENARIO.suppliers, lateSupplier: 'SUP-105' });
    expect(merged.pricing.stepWeek).toBe(2);
    expect(DEFAULT_SCENARIO.pricing.stepWeek).toBe(4);
    expect(() => mergeScenario(DEFAULT_SCENARIO, { pricing: { stepweek: 2 } })).toThrow(/scenario\.pricing\.stepweek is not a scenario setting/);
    expect(() => mergeScenario(DEFAULT_SCENARIO, { pricing: { stepWeek: '2' } })).toThrow(ScenarioError);
    expect(() => mergeScenario(DEFAULT_SCENARIO, [])).toThrow(ScenarioError);
  });

  it('ships the defaults as a scenario file to copy and edit', async () => {
    const shipped = await loadScenario(join(import.meta.dirname, 'default-scenario.json'));
    expect(shipped).toEqual(DEFAULT_SCENARIO);
    expect(JSON.parse(await readFile(join(import.meta.dirname, 'default-scenario.json'), 'utf8'))).toEqual(DEFAULT_SCENARIO);
  });

  it('reads a scenario file, and the manifest follows it', async () => {
    const file = join(dir, 'scenario.json');
    await writeFile(file, JSON.stringify({ receipts: { shortSku: 'SKU-100002' }, pricing: { stepWeek: 2 }, cycleCounts: { discrepancyRate: 0 } }));
    const scenario = await loadScenario(file);
    await writeDistributorCsv(join(dir, 'out'), { seed: 9, orders: 1500, days: 21, scenario });
    const truth = JSON.parse(await readFile(join(dir, 'out', 'ground-truth.json'), 'utf8')) as GroundTruth;
    expect(truth.claims.shortSkuInvoiceMismatch.sku).toBe('SKU-100002');
    expect(truth.claims.pricingDiscrepancyStep.weekStarts).toBe('2026-01-12T00:00:00.000Z');
    // Counts that never disagree with the book adjust nothing and write no row.
    expect(truth.claims.stockLedger.warehouses.map((w) => w.cycleCountAdjustments + w.cycleCountShrinkage + w.cycleCountFound)).toEqual([0, 0, 0]);
    expect(await readFile(join(dir, 'out', 'purchasing.csv'), 'utf8')).not.toContain('Cycle Count Adjusted');
    await writeFile(file, '{ nope');
    await expect(loadScenario(file)).rejects.toThrow(/cannot read scenario .*scenario\.json/);
  });
});

describe('simulation building blocks', () => {
  it('takes from the agenda in time order, ties in scheduling order', () => {
    const agenda = new Agenda();
    const seen: string[] = [];
    for (const [t, name] of [[5, 'a'], [1, 'b'], [5, 'c'], [3, 'd'], [1, 'e']] as const) agenda.at(t, () => seen.push(`${name}@${agenda.time}`));
    for (let action = agenda.take(); action !== undefined; action = agenda.take()) action();
    expect(seen).toEqual(['b@1', 'e@1', 'd@3', 'a@5', 'c@5']);
  });

  it('works only in office hours and carries work over the night', () => {
    const friday17 = Date.parse('2026-01-09T17:00:00Z');
    expect(openAt(friday17, OFFICE)).toBe(friday17);
    expect(openAt(Date.parse('2026-01-09T18:00:00Z'), OFFICE)).toBe(Date.parse('2026-01-12T08:00:00Z'));
    // Half an hour left on Friday, the other half on Monday morning.
    expect(addWorkingTime(friday17, 3_600_000, OFFICE)).toBe(Date.parse('2026-01-12T08:30:00Z'));
  });

  it('queues tasks when the team is busy, and leaves Monday to the few on duty', () => {
    const team = new Team('credit.analyst', 3, OFFICE, 1);
    const monday9 = Date.parse('2026-01-12T09:00:00Z');
    const served = [0, 1, 2].map(() => team.serve(monday9, 3_600_000));
    expect(served.map((s) => s.start)).toEqual([monday9, monday9 + 3_600_000, monday9 + 7_200_000]);
    expect(new Set(served.map((s) => s.member))).toEqual(new Set(['credit.analyst.1']));
    // On Tuesday the whole team works: three tasks start at once.
    const tuesday9 = Date.parse('2026-01-13T09:00:00Z');
    const parallel = [0, 1, 2].map(() => team.serve(tuesday9, 3_600_000));
    expect(parallel.map((s) => s.start)).toEqual([tuesday9, tuesday9, tuesday9]);
    expect(new Set(parallel.map((s) => s.member)).size).toBe(3);
  });
});
