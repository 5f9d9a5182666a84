import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../ingest/index.ts';
import type { Store } from '../../store/db.ts';
import { writeFixture } from '../../test-support/fixture-log.ts';
import { tempStore } from '../../test-support/temp-store.ts';
import { getAttributeValues } from './index.ts';

/** On the hand-checked fixture (test-support/fixture-log.ts): A (3 events, 5–6 Jan), B (3 events, 5 Jan), C (1 event, 5 Jan). */

let store: Store;
let remove: () => void;
beforeAll(async () => {
  const made = await tempStore('waybill-values-');
  ({ store, remove } = made);
  await ingestFile(store, writeFixture(made.dir), { name: 'orders' });
});
afterAll(() => remove());

describe('getAttributeValues', () => {
  it('lists the values most cases hold first, with the range of numbers', async () => {
    expect(await getAttributeValues(store, 'orders', {}, { attribute: 'note' })).toEqual({
      log: 'orders',
      attribute: 'note',
      type: 'VARCHAR',
      cases: 2,
      distinct: 2,
      values: [
        { value: 'first', cases: 1 },
        { value: 'with, comma', cases: 1 },
      ],
      min: null,
      max: null,
    });
    const amounts = await getAttributeValues(store, 'orders', {}, { attribute: 'amount' });
    expect(amounts).toMatchObject({ cases: 3, distinct: 3, min: '5', max: '10' });
    // Equal counts in the values' own order: numbers as numbers.
    expect(amounts.values.map((v) => v.value)).toEqual(['5', '7', '10']);
  });

  it('honours the filter, a search in any case and the limit, and names a missing attribute', async () => {
    const shipped = await getAttributeValues(store, 'orders', { activities: { present: ['Shipped'] } }, { attribute: 'amount' });
    expect(shipped).toMatchObject({ cases: 2, distinct: 2, values: [{ value: '5', cases: 1 }, { value: '10', cases: 1 }] });
    expect((await getAttributeValues(store, 'orders', {}, { attribute: 'note', search: 'COMMA' })).values).toEqual([{ value: 'with, comma', cases: 1 }]);
    expect((await getAttributeValues(store, 'orders', {}, { attribute: 'note', limit: 1 })).values).toEqual([{ value: 'first', cases: 1 }]);
    await expect(getAttributeValues(store, 'orders', {}, { attribute: 'colour' })).rejects.toThrow(/no attribute "colour"; its attributes are "amount", "note"/);
    await expect(getAttributeValues(store, 'orders', {}, { attribute: 'note', limit: 0 })).rejects.toThrow(/limit must be a whole number from 1 to 1000/);
  });
});
