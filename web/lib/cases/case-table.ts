import { tableFromIPC } from 'apache-arrow';
import type { CaseList } from '../../../mining/index.ts';

/** The prefix of an attribute's column in the Arrow stream (web/api/case-table.ts). */
const ATTRIBUTE_COLUMN = 'attributes.';

/** Every case the filter keeps, as columns (read from the API's Arrow stream, not JSON). */
export interface CaseTable {
  rows: number;
  case: string[];
  start: Float64Array;
  end: Float64Array;
  duration: Float64Array;
  events: Int32Array;
  variant: Int32Array;
  attributes: { name: string; values: (string | null)[] }[];
}

export type CaseColumn = 'case' | 'start' | 'end' | 'duration' | 'events' | 'variant' | `attribute:${string}`;

/** Reads an Arrow IPC stream of cases into columns. */
export function readCaseTable(bytes: Uint8Array): CaseTable {
  const table = tableFromIPC(bytes);
  const column = (name: string) => table.getChild(name)!;
  return {
    rows: table.numRows,
    case: column('case').toArray() as string[],
    start: column('start').toArray() as Float64Array,
    end: column('end').toArray() as Float64Array,
    duration: column('duration').toArray() as Float64Array,
    events: column('events').toArray() as Int32Array,
    variant: column('variant').toArray() as Int32Array,
    attributes: table.schema.fields
      .filter((field) => field.name.startsWith(ATTRIBUTE_COLUMN))
      .map((field) => ({ name: field.name.slice(ATTRIBUTE_COLUMN.length), values: [...column(field.name)] as (string | null)[] })),
  };
}

/** The rows' order when sorted by a column (ties keep the table's order, which is by start). */
export function sortedOrder(table: CaseTable, by: CaseColumn, descending: boolean): Int32Array {
  const order = Int32Array.from({ length: table.rows }, (_, i) => i);
  // The table comes in start order (ties by name): nothing to sort.
  if (by === 'start' && !descending) return order;
  const sign = descending ? -1 : 1;
  let compare: (a: number, b: number) => number;
  if (by === 'case') {
    const names = table.case;
    compare = (a, b) => sign * (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0) || a - b;
  } else if (by.startsWith('attribute:')) {
    const values = table.attributes.find((a) => a.name === by.slice('attribute:'.length))?.values ?? [];
    // Missing values last, whichever way; numbers as numbers when both are.
    compare = (a, b) => {
      const x = values[a] ?? null;
      const y = values[b] ?? null;
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0) || a - b;
      const nx = Number(x);
      const ny = Number(y);
      const diff = x !== '' && y !== '' && !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
      return sign * diff || a - b;
    };
  } else {
    const values = table[by as 'start' | 'end' | 'duration' | 'events' | 'variant'];
    compare = (a, b) => sign * (values[a]! - values[b]!) || a - b;
  }
  return order.sort(compare);
}

/**
 * The first page of cases (the `cases` analysis, as JSON, in start order) in the same
 * columns: shown while every case's Arrow columns are on their way, so a large log's
 * list has rows at once.
 */
export function previewTable(list: Pick<CaseList, 'attributes' | 'rows'>): CaseTable {
  const rows = list.rows;
  return {
    rows: rows.length,
    case: rows.map((row) => row.case),
    start: Float64Array.from(rows, (row) => Date.parse(row.start)),
    end: Float64Array.from(rows, (row) => Date.parse(row.end)),
    duration: Float64Array.from(rows, (row) => row.durationSeconds),
    events: Int32Array.from(rows, (row) => row.events),
    variant: Int32Array.from(rows, (row) => row.variant),
    attributes: list.attributes.map((name) => ({ name, values: rows.map((row) => row.attributes[name] ?? null) })),
  };
}
