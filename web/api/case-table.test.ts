import { tableFromIPC, vectorFromArray, Utf8 } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { caseTable, utf8Vector } from './case-table.ts';

describe('the case table as Arrow', () => {
  it('writes text as apache-arrow’s own builder does: any script, empty strings and missing values', () => {
    const values = ['A', '', null, 'Bestellung über 5 €', '注文', '🚚 out for delivery', null, 'x'.repeat(1000)];
    const ours = utf8Vector(values);
    expect([...ours]).toEqual(values);
    expect(ours.nullCount).toBe(2);
    expect([...ours]).toEqual([...vectorFromArray(values, new Utf8())]);
    expect([...utf8Vector([])]).toEqual([]);
  });

  it('reads back every column of every case', () => {
    const bytes = caseTable({
      case: ['A', 'B'],
      start: [1_767_600_000_000, 1_767_603_600_000],
      end: [1_767_686_400_000, 1_767_610_800_000],
      duration: [86_400, 7_200],
      events: [3, 3],
      variant: [1, 1],
      attributeNames: ['note', 'case'],
      attributes: { note: ['first', null], case: ['x', 'y'] },
    });
    const table = tableFromIPC(bytes);
    expect(table.toArray().map((row) => row.toJSON())).toEqual([
      { case: 'A', start: 1_767_600_000_000, end: 1_767_686_400_000, duration: 86_400, events: 3, variant: 1, 'attributes.note': 'first', 'attributes.case': 'x' },
      { case: 'B', start: 1_767_603_600_000, end: 1_767_610_800_000, duration: 7_200, events: 3, variant: 1, 'attributes.note': null, 'attributes.case': 'y' },
    ]);
  });
});
