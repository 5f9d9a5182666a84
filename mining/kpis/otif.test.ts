import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { otif } from './otif.ts';

/** The OTIF on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('OTIF', () => {
  it('is the share of judged orders shipped in full and delivered by the promised date; not computable without deliveries', async () => {
    // Judged O1, O2, O4: O2 shipped 2 of 4; O1 and O4 delivered before 2026-01-08.
    const kpi = await computeKpi(store, 'full', otif, { otif: { judgedPromisedBy: '2026-01-07' } });
    expect(kpi).toMatchObject({ id: 'otif', value: 2 / 3, computable: true, counts: { judged: 3, otif: 2 } });
    expect(kpi.definition).toContain('judged by 2026-01-07');
    expect(await computeKpi(store, 'plain', otif)).toMatchObject({ value: null, computable: false, reason: 'not computable: missing activity "Delivered"' });
  });
});
