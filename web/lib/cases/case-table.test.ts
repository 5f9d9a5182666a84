import { Float64, Int32, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { readCaseTable, sortedOrder } from './case-table.ts';

const bytes = tableToIPC(
  new Table({
    case: vectorFromArray(['A', 'B', 'C'], new Utf8()),
    start: vectorFromArray([1, 2, 3], new Float64()),
    end: vectorFromArray([10, 5, 3], new Float64()),
    duration: vectorFromArray([9, 3, 0], new Float64()),
    events: vectorFromArray([3, 3, 1], new Int32()),
    variant: vectorFromArray([1, 1, 2], new Int32()),
    'attributes.amount': vectorFromArray(['10', '5', null], new Utf8()),
    'attributes.note': vectorFromArray(['b', null, 'a'], new Utf8()),
  }),
  'stream',
);

describe('the case table', () => {
  it('reads the Arrow stream into columns', () => {
    const table = readCaseTable(bytes);
    expect(table.rows).toBe(3);
    expect(table.case).toEqual(['A', 'B', 'C']);
    expect([...table.duration]).toEqual([9, 3, 0]);
    expect([...table.variant]).toEqual([1, 1, 2]);
    expect(table.attributes).toEqual([
      { name: 'amount', values: ['10', '5', null] },
      { name: 'note', values: ['b', null, 'a'] },
    ]);
  });

  it('sorts by any column, numbers as numbers, missing values last, ties in start order', () => {
    const table = readCaseTable(bytes);
    expect([...sortedOrder(table, 'duration', true)]).toEqual([0, 1, 2]);
    expect([...sortedOrder(table, 'duration', false)]).toEqual([2, 1, 0]);
    expect([...sortedOrder(table, 'variant', false)]).toEqual([0, 1, 2]);
    expect([...sortedOrder(table, 'case', true)]).toEqual([2, 1, 0]);
    // '5' before '10' as numbers; the missing amount last either way.
    expect([...sortedOrder(table, 'attribute:amount', false)]).toEqual([1, 0, 2]);
    expect([...sortedOrder(table, 'attribute:amount', true)]).toEqual([0, 1, 2]);
    expect([...sortedOrder(table, 'attribute:note', false)]).toEqual([2, 0, 1]);
  });
});
