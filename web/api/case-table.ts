import { makeData, makeVector, Table, tableToIPC, Utf8, type Vector } from 'apache-arrow';
import type { CaseColumns } from '../../mining/index.ts';

/** The prefix of an attribute's column, so that no attribute can take a fixed column's name. */
export const ATTRIBUTE_COLUMN = 'attributes.';

/**
 * The cases as an Arrow IPC stream: `case` (text), `start` and `end` (epoch ms),
 * `duration` (seconds), `events`, `variant` (the log's rank), then one text column
 * per attribute, named `attributes.NAME`.
 */
export function caseTable(columns: CaseColumns): Uint8Array<ArrayBuffer> {
  const table = new Table({
    case: utf8Vector(columns.case),
    // Numbers go in as typed arrays, without a builder.
    start: makeVector(Float64Array.from(columns.start)),
    end: makeVector(Float64Array.from(columns.end)),
    duration: makeVector(Float64Array.from(columns.duration)),
    events: makeVector(Int32Array.from(columns.events)),
    variant: makeVector(Int32Array.from(columns.variant)),
    ...Object.fromEntries(columns.attributeNames.map((name) => [`${ATTRIBUTE_COLUMN}${name}`, utf8Vector(columns.attributes[name]!)])),
  });
  // A copy on a plain ArrayBuffer, which a response body takes.
  return new Uint8Array(tableToIPC(table, 'stream'));
}

const encoder = new TextEncoder();

/**
 * A text column written straight into Arrow's layout (UTF-8 bytes, offsets, a validity
 * bitmap): apache-arrow's generic builder takes ten times as long for 100,000 values.
 */
export function utf8Vector(values: readonly (string | null)[]): Vector<Utf8> {
  const offsets = new Int32Array(values.length + 1);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  let bytes = new Uint8Array(Math.max(64, values.length * 16));
  let length = 0;
  let nulls = 0;
  values.forEach((value, i) => {
    if (value === null) {
      nulls += 1;
    } else {
      validity[i >> 3]! |= 1 << (i & 7);
      // At most three bytes per UTF-16 unit.
      if (length + value.length * 3 > bytes.length) {
        const grown = new Uint8Array(Math.max(bytes.length * 2, length + value.length * 3));
        grown.set(bytes.subarray(0, length));
        bytes = grown;
      }
      length += encoder.encodeInto(value, bytes.subarray(length)).written;
    }
    offsets[i + 1] = length;
  });
  return makeVector(makeData({ type: new Utf8(), length: values.length, nullCount: nulls, nullBitmap: nulls === 0 ? null : validity, valueOffsets: offsets, data: bytes.subarray(0, length) }));
}
