import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type ChunkedTextWriter, writeTextFileAtomically } from '../../order-to-cash/csv.ts';
import { STREAM_FILES, type StreamName } from '../columns.ts';

/** The file {@link convertToOcel} writes. */
export const OCEL_FILE = 'ocel.json';

type AttributeType = 'string' | 'integer' | 'float' | 'time';

/** An attribute: its OCEL name and type, and the SQL expression giving its value. */
interface AttributeSpec {
  name: string;
  type: AttributeType;
  sql: string;
}

/** A relationship: the SQL expression giving the target id(s) and the qualifier; `list` splits on `;`. */
interface RelationSpec {
  sql: string;
  qualifier: string;
  list?: boolean;
}

/** One object type: a query over one CSV (or several) giving `id, time, attributes…, relationships…`, ordered by id. */
interface ObjectSpec {
  type: string;
  from: string;
  attributes: AttributeSpec[];
  relationships: RelationSpec[];
}

/** One event stream: its CSV, event id prefix, event attributes and event-to-object relationships. */
interface EventSpec {
  stream: StreamName;
  prefix: string;
  attributes: AttributeSpec[];
  relationships: RelationSpec[];
}

/** Static (master-data) attribute values hold from the start of time, as OCEL 2.0 conventionally writes them. */
const EPOCH = '1970-01-01T00:00:00.000Z';

/**
 * Column types of the three CSV files, so that empty columns in small runs
 * still read as numbers and no query pays for sniffing the dialect.
 */
const CSV_TYPES: Record<StreamName, Record<string, string>> = {
  orders: {
    case_id: 'VARCHAR', order_id: 'VARCHAR', activity: 'VARCHAR', timestamp: 'VARCHAR', resource: 'VARCHAR', order_line_id: 'VARCHAR',
    channel: 'VARCHAR', customer: 'VARCHAR', customer_tier: 'VARCHAR', sku: 'VARCHAR', warehouse: 'VARCHAR',
    quantity_ordered: 'INTEGER', quantity_allocated: 'INTEGER', quantity_shipped: 'INTEGER', quantity_invoiced: 'INTEGER',
    unit_price: 'DOUBLE', promised_date: 'VARCHAR', shipment_id: 'VARCHAR',
  },
  purchasing: {
    case_id: 'VARCHAR', po_id: 'VARCHAR', activity: 'VARCHAR', timestamp: 'VARCHAR', resource: 'VARCHAR', po_line_id: 'VARCHAR',
    supplier: 'VARCHAR', sku: 'VARCHAR', warehouse: 'VARCHAR', quantity_ordered: 'INTEGER', quantity_received: 'INTEGER',
    quantity_invoiced: 'INTEGER', unit_cost: 'DOUBLE', discrepancy: 'VARCHAR', approval_path: 'VARCHAR', promised_date: 'VARCHAR',
    quantity_adjusted: 'INTEGER',
  },
  shipments: {
    case_id: 'VARCHAR', shipment_id: 'VARCHAR', activity: 'VARCHAR', timestamp: 'VARCHAR', resource: 'VARCHAR', carrier: 'VARCHAR',
    warehouse: 'VARCHAR', customer: 'VARCHAR', order_id: 'VARCHAR', order_line_ids: 'VARCHAR', units: 'INTEGER',
  },
};

/** A date (`YYYY-MM-DD`, the orders' promised date) or ISO time as an ISO-8601 UTC time. */
const isoTime = (column: string): string => `CASE WHEN length(${column}) = 10 THEN ${column} || 'T00:00:00.000Z' ELSE ${column} END`;

const EVENTS: EventSpec[] = [
  {
    stream: 'orders',
    prefix: 'o',
    attributes: [
      { name: 'resource', type: 'string', sql: 'resource' },
      { name: 'quantity_ordered', type: 'integer', sql: 'quantity_ordered' },
      { name: 'quantity_allocated', type: 'integer', sql: 'quantity_allocated' },
      { name: 'quantity_shipped', type: 'integer', sql: 'quantity_shipped' },
      { name: 'quantity_invoiced', type: 'integer', sql: 'quantity_invoiced' },
      { name: 'unit_price', type: 'float', sql: 'unit_price' },
      { name: 'promised_date', type: 'time', sql: isoTime('promised_date') },
    ],
    relationships: [
      { sql: 'order_id', qualifier: 'order' },
      { sql: 'order_line_id', qualifier: 'line' },
      { sql: 'customer', qualifier: 'customer' },
      { sql: 'sku', qualifier: 'sku' },
      { sql: 'warehouse', qualifier: 'warehouse' },
      { sql: 'shipment_id', qualifier: 'shipment' },
    ],
  },
  {
    stream: 'purchasing',
    prefix: 'p',
    attributes: [
      { name: 'resource', type: 'string', sql: 'resource' },
      { name: 'quantity_ordered', type: 'integer', sql: 'quantity_ordered' },
      { name: 'quantity_received', type: 'integer', sql: 'quantity_received' },
      { name: 'quantity_invoiced', type: 'integer', sql: 'quantity_invoiced' },
      { name: 'unit_cost', type: 'float', sql: 'unit_cost' },
      { name: 'discrepancy', type: 'string', sql: 'discrepancy' },
      { name: 'promised_date', type: 'time', sql: isoTime('promised_date') },
      { name: 'quantity_adjusted', type: 'integer', sql: 'quantity_adjusted' },
    ],
    relationships: [
      { sql: 'po_id', qualifier: 'purchase order' },
      { sql: 'po_line_id', qualifier: 'line' },
      { sql: 'supplier', qualifier: 'supplier' },
      { sql: 'sku', qualifier: 'sku' },
      { sql: 'warehouse', qualifier: 'warehouse' },
    ],
  },
  {
    stream: 'shipments',
    prefix: 's',
    attributes: [
      { name: 'resource', type: 'string', sql: 'resource' },
      { name: 'units', type: 'integer', sql: 'units' },
    ],
    relationships: [
      { sql: 'shipment_id', qualifier: 'shipment' },
      { sql: 'carrier', qualifier: 'carrier' },
      { sql: 'warehouse', qualifier: 'warehouse' },
      { sql: 'customer', qualifier: 'customer' },
      { sql: 'order_id', qualifier: 'order' },
      { sql: 'order_line_ids', qualifier: 'line', list: true },
    ],
  },
];

/** `FROM` clauses giving one row per object (`id`, `time`, then the named columns), for the object types. */
const OBJECTS: ObjectSpec[] = [
  {
    type: 'order',
    from: `(SELECT order_id AS id, min(timestamp) AS time, min(channel) AS channel, min(customer) AS customer, min(warehouse) AS warehouse
      FROM orders GROUP BY order_id)`,
    attributes: [{ name: 'channel', type: 'string', sql: 'channel' }],
    relationships: [{ sql: 'customer', qualifier: 'customer' }, { sql: 'warehouse', qualifier: 'warehouse' }],
  },
  {
    type: 'order line',
    from: `(SELECT order_line_id AS id, min(timestamp) AS time, min(quantity_ordered) AS quantity_ordered, min(unit_price) AS unit_price,
      min(order_id) AS order_id, min(sku) AS sku, min(warehouse) AS warehouse FROM orders WHERE order_line_id IS NOT NULL GROUP BY order_line_id)`,
    attributes: [
      { name: 'quantity_ordered', type: 'integer', sql: 'quantity_ordered' },
      { name: 'unit_price', type: 'float', sql: 'unit_price' },
    ],
    relationships: [{ sql: 'order_id', qualifier: 'order' }, { sql: 'sku', qualifier: 'sku' }, { sql: 'warehouse', qualifier: 'warehouse' }],
  },
  {
    type: 'purchase order',
    from: `(SELECT po_id AS id, min(timestamp) AS time, min(approval_path) AS approval_path, min(supplier) AS supplier, min(warehouse) AS warehouse
      FROM purchasing WHERE po_id IS NOT NULL GROUP BY po_id)`,
    attributes: [{ name: 'approval_path', type: 'string', sql: 'approval_path' }],
    relationships: [{ sql: 'supplier', qualifier: 'supplier' }, { sql: 'warehouse', qualifier: 'warehouse' }],
  },
  {
    type: 'PO line',
    from: `(SELECT po_line_id AS id, min(timestamp) AS time, min(quantity_ordered) AS quantity_ordered, min(unit_cost) AS unit_cost,
      min(po_id) AS po_id, min(sku) AS sku FROM purchasing WHERE po_line_id IS NOT NULL GROUP BY po_line_id)`,
    attributes: [
      { name: 'quantity_ordered', type: 'integer', sql: 'quantity_ordered' },
      { name: 'unit_cost', type: 'float', sql: 'unit_cost' },
    ],
    relationships: [{ sql: 'po_id', qualifier: 'purchase order' }, { sql: 'sku', qualifier: 'sku' }],
  },
  {
    type: 'shipment',
    from: `(SELECT shipment_id AS id, min(timestamp) AS time, min(units) AS units, min(carrier) AS carrier, min(warehouse) AS warehouse,
      min(customer) AS customer, min(order_id) AS order_id, min(order_line_ids) AS order_line_ids FROM shipments GROUP BY shipment_id)`,
    attributes: [{ name: 'units', type: 'integer', sql: 'units' }],
    relationships: [
      { sql: 'order_line_ids', qualifier: 'carries', list: true },
      { sql: 'order_id', qualifier: 'order' },
      { sql: 'customer', qualifier: 'customer' },
      { sql: 'carrier', qualifier: 'carrier' },
      { sql: 'warehouse', qualifier: 'warehouse' },
    ],
  },
  {
    type: 'customer',
    from: `(SELECT customer AS id, '${EPOCH}' AS time, min(tier) AS tier FROM (
      SELECT customer, customer_tier AS tier FROM orders UNION ALL SELECT customer, NULL FROM shipments) WHERE customer IS NOT NULL GROUP BY customer)`,
    attributes: [{ name: 'tier', type: 'string', sql: 'tier' }],
    relationships: [],
  },
  ...(
    [
      ['SKU', ['orders', 'purchasing'], 'sku'],
      ['warehouse', ['orders', 'purchasing', 'shipments'], 'warehouse'],
      ['supplier', ['purchasing'], 'supplier'],
      ['carrier', ['shipments'], 'carrier'],
    ] as const
  ).map(([type, streams, column]): ObjectSpec => ({
    type,
    from: `(SELECT DISTINCT ${column} AS id, '${EPOCH}' AS time FROM (${streams.map((s) => `SELECT ${column} FROM ${s}`).join(' UNION ALL ')}) WHERE ${column} IS NOT NULL)`,
    attributes: [],
    relationships: [],
  })),
];

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** SQL giving a JSON text for `expr`: numbers stay numbers, strings are escaped. */
const json = (expr: string): string => `CAST(to_json(${expr}) AS VARCHAR)`;

/** SQL joining the non-null parts with commas (`concat_ws` skips NULLs). */
const joined = (parts: readonly string[]): string => (parts.length === 0 ? "''" : `concat_ws(',', ${parts.join(', ')})`);

/** SQL for the attribute members of a row, nulls left out; objects give each value the time `time`. */
function attributesSql(specs: readonly AttributeSpec[], time?: string): string {
  return joined(
    specs.map(
      (a) =>
        `CASE WHEN (${a.sql}) IS NOT NULL THEN '{"name":${JSON.stringify(a.name)},${time === undefined ? '' : `"time":' || ${json(time)} || ',`}"value":' || ${json(a.sql)} || '}' END`,
    ),
  );
}

/** SQL for the relationship members of a row; a `list` column holds several ids split on `;`. */
function relationshipsSql(specs: readonly RelationSpec[]): string {
  return joined(
    specs.map((r) => {
      const member = (id: string): string => `'{"objectId":' || ${json(id)} || ',"qualifier":${JSON.stringify(r.qualifier)}}'`;
      return r.list === true
        ? `array_to_string(list_transform(list_filter(string_split(${r.sql}, ';'), lambda x: x <> ''), lambda x: ${member('x')}), ',')`
        : `CASE WHEN (${r.sql}) IS NOT NULL THEN ${member(r.sql)} END`;
    }),
  );
}

const typesJson = (name: string, attributes: readonly AttributeSpec[]): string =>
  JSON.stringify({ name, attributes: attributes.map((a) => ({ name: a.name, type: a.type })) });

/**
 * Runs `sql` (one VARCHAR column: a JSON text per row) and appends each row
 * through `line`, one DuckDB chunk at a time, flushing `out` with backpressure.
 */
async function streamLines(connection: DuckDBConnection, sql: string, out: ChunkedTextWriter, line: (text: string) => string): Promise<void> {
  const result = await connection.stream(sql);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return;
    for (const text of chunk.getColumnValues(0)) out.append(line(String(text)));
    if (out.isFull) await out.flush();
  }
}

/** The event types over all streams, by name: each activity with its stream's attributes (merged if a name recurs). */
async function eventTypes(connection: DuckDBConnection): Promise<Map<string, AttributeSpec[]>> {
  const types = new Map<string, AttributeSpec[]>();
  for (const spec of EVENTS) {
    const reader = await connection.runAndReadAll(`SELECT DISTINCT activity FROM ${spec.stream} ORDER BY activity`);
    for (const [activity] of reader.getRows()) {
      const name = String(activity);
      const known = types.get(name) ?? [];
      types.set(name, [...known, ...spec.attributes.filter((a) => !known.some((k) => k.name === a.name))]);
    }
  }
  return new Map([...types].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Turns the three CSV files in `dir` into one OCEL 2.0 JSON log, `ocel.json`:
 * objects (orders, order lines, POs, PO lines, shipments and the master data
 * they name) with attributes and object-to-object links, and every CSV row as
 * an event (`o-N`, `p-N`, `s-N` in file order) related to the objects its row
 * names. DuckDB reads the CSV files and renders each array element as a JSON
 * line; the lines stream to disk chunk by chunk (bounded memory) and appears atomically. The CSV files are then
 * removed, as Parquet conversion does. Returns the file names written.
 */
export async function convertToOcel(dir: string): Promise<string[]> {
  const connection = await (await DuckDBInstance.create(':memory:')).connect();
  try {
    for (const stream of Object.keys(STREAM_FILES) as StreamName[]) {
      const columns = Object.entries(CSV_TYPES[stream]).map(([name, type]) => `${quote(name)}: ${quote(type)}`).join(', ');
      await connection.run(
        `CREATE VIEW ${stream} AS SELECT * FROM read_csv(${quote(join(dir, STREAM_FILES[stream]))}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}})`,
      );
    }
    const events = await eventTypes(connection);
    await writeTextFileAtomically(join(dir, OCEL_FILE), async (out) => {
      out.append(`{"objectTypes":[\n${OBJECTS.map((o) => typesJson(o.type, o.attributes)).join(',\n')}\n],\n`);
      out.append(`"eventTypes":[\n${[...events].map(([name, attributes]) => typesJson(name, attributes)).join(',\n')}\n],\n`);
      out.append('"objects":[');
      let first = true;
      const next = (text: string): string => {
        const separated = first ? `\n${text}` : `,\n${text}`;
        first = false;
        return separated;
      };
      for (const spec of OBJECTS) {
        const sql =
          `SELECT '{"id":' || ${json('id')} || ',"type":${JSON.stringify(spec.type)},"attributes":[' || ${attributesSql(spec.attributes, 'time')} || ` +
          `'],"relationships":[' || ${relationshipsSql(spec.relationships)} || ']}' FROM ${spec.from} ORDER BY id`;
        await streamLines(connection, sql, out, next);
      }
      out.append('\n],\n"events":[');
      first = true;
      for (const spec of EVENTS) {
        const sql =
          `SELECT '","type":' || ${json('activity')} || ',"time":' || ${json('timestamp')} || ',"attributes":[' || ${attributesSql(spec.attributes)} || ` +
          `'],"relationships":[' || ${relationshipsSql(spec.relationships)} || ']}' FROM ${spec.stream}`;
        let n = 0;
        await streamLines(connection, sql, out, (tail) => {
          n += 1;
          return next(`{"id":"${spec.prefix}-${n}${tail}`);
        });
      }
      out.append('\n]}\n');
    });
  } finally {
    connection.closeSync();
  }
  for (const file of Object.values(STREAM_FILES)) await rm(join(dir, file));
  return [OCEL_FILE];
}
