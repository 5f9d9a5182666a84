import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/db.ts';
import { computeKpi } from './context.ts';
import { kpiFixtureStore } from './fixture.ts';
import { creditTurnaround } from './credit-turnaround.ts';

/** The credit turnaround on its own, on the hand-checked fixture (fixture.ts). */

let store: Store;
let remove: () => void;
beforeAll(async () => ({ store, remove } = await kpiFixtureStore()), 30_000);
afterAll(() => remove());

describe('credit turnaround', () => {
  it('is the median time from credit hold to its release', async () => {
    expect(await computeKpi(store, 'plain', creditTurnaround)).toMatchObject({ id: 'credit_turnaround', value: 7200, counts: { pairs: 1 } });
    expect(await computeKpi(store, 'plain', creditTurnaround, { creditTurnaround: { from: 'Credit Hold', to: 'No Such Step' } })).toMatchObject({ computable: false, reason: 'not computable: missing activity "No Such Step"' });
  });
});
