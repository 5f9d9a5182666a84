import type { DuckDBConnection } from '@duckdb/node-api';
import { IngestError } from '../errors.ts';
import { streamText } from '../source-file.ts';
import { finishStaging, type OcelSummary, RowWriter } from './tables.ts';

type Section = 'objectTypes' | 'eventTypes' | 'objects' | 'events';
const SECTIONS = new Set<string>(['objectTypes', 'eventTypes', 'objects', 'events']);

/**
 * Splits a JSON document streamed in text chunks into the elements of its
 * top-level arrays `objectTypes`, `eventTypes`, `objects` and `events`, each
 * handed over as its own JSON text with the line it starts on. Only brackets
 * and strings are tracked, so memory stays at one element whatever the file size.
 */
class ElementSplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  private expectKey = false;
  private key: string[] | undefined;
  private keyStart = -1;
  private lastKey = '';
  private section: Section | undefined;
  private element: string[] | undefined;
  private elementStart = -1;
  private elementLine = 0;
  line = 1;

  /** `emit` gets each element's text, or null for an element that is not an object or array. */
  constructor(private readonly emit: (section: Section, text: string | null, line: number) => void) {}

  write(chunk: string): void {
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92) this.escape = true;
        else if (c === 34) {
          this.inString = false;
          if (this.key) {
            this.lastKey = this.key.join('') + chunk.slice(this.keyStart, i);
            this.key = undefined;
          }
        }
        continue;
      }
      // Between the elements of a section only separators may stand: anything else is a string, number, true, false or null.
      if (this.depth === 2 && this.section && !this.element && c !== 44 && c !== 123 && c !== 91 && c !== 93 && c !== 32 && c !== 10 && c !== 13 && c !== 9) {
        this.emit(this.section, null, this.line);
      }
      switch (c) {
        case 10:
          this.line += 1;
          break;
        case 34: // "
          this.inString = true;
          if (this.depth === 1 && this.expectKey) {
            this.key = [];
            this.keyStart = i + 1;
          }
          break;
        case 123: // {
        case 91: // [
          if (this.depth === 2 && this.section && !this.element) {
            this.element = [];
            this.elementStart = i;
            this.elementLine = this.line;
          }
          if (this.depth === 1 && c === 91 && SECTIONS.has(this.lastKey)) this.section = this.lastKey as Section;
          if (this.depth === 0) this.expectKey = true;
          this.depth += 1;
          break;
        case 125: // }
        case 93: // ]
          this.depth -= 1;
          if (this.depth === 2 && this.element) {
            this.emit(this.section!, this.element.join('') + chunk.slice(this.elementStart, i + 1), this.elementLine);
            this.element = undefined;
          } else if (this.depth === 1) this.section = undefined;
          break;
        case 58: // :
          if (this.depth === 1) this.expectKey = false;
          break;
        case 44: // ,
          if (this.depth === 1) this.expectKey = true;
          break;
      }
    }
    if (this.element) {
      this.element.push(chunk.slice(this.elementStart));
      this.elementStart = 0;
    }
    if (this.key) {
      this.key.push(chunk.slice(this.keyStart));
      this.keyStart = 0;
    }
  }

  get complete(): boolean {
    return this.depth === 0 && !this.inString;
  }
}

/** How each event and object element is typed when DuckDB parses it; values stay JSON so numbers, strings and booleans all fit. */
const EVENT_SHAPE = JSON.stringify({
  id: 'VARCHAR', type: 'VARCHAR', time: 'VARCHAR',
  attributes: [{ name: 'VARCHAR', value: 'JSON' }],
  relationships: [{ objectId: 'VARCHAR', qualifier: 'VARCHAR' }],
});
const OBJECT_SHAPE = JSON.stringify({
  id: 'VARCHAR', type: 'VARCHAR',
  attributes: [{ name: 'VARCHAR', time: 'VARCHAR', value: 'JSON' }],
  relationships: [{ objectId: 'VARCHAR', qualifier: 'VARCHAR' }],
});

/** The attribute type a JSON value has, for attributes the log does not declare. */
const valueType = (value: string): string =>
  `CASE json_type(${value}) WHEN 'BIGINT' THEN 'integer' WHEN 'UBIGINT' THEN 'integer' WHEN 'DOUBLE' THEN 'float' WHEN 'BOOLEAN' THEN 'boolean' ELSE 'string' END`;

/**
 * Reads an OCEL 2.0 JSON file (plain or gzip) without holding it in memory:
 * a streaming splitter cuts out each element of `objects` and `events` as text,
 * DuckDB's built-in JSON functions parse them in bulk, and the type declarations
 * (small) are parsed here. An attribute's type is what its event or object type
 * declares, else the JSON value's kind. Values are kept as text (a JSON string
 * unquoted, a number as DuckDB renders it). Ordinal = position in `events`.
 */
export async function stageOcelJson(connection: DuckDBConnection, path: string, file: string): Promise<OcelSummary> {
  await connection.run(`CREATE OR REPLACE TEMP TABLE ocel_json_elements (kind VARCHAR, ordinal INTEGER, line INTEGER, doc VARCHAR)`);
  const declared = { eventTypes: [] as [string, string, string][], objectTypes: [] as [string, string, string][] };
  const typeNames = { eventTypes: [] as string[], objectTypes: [] as string[] };
  const writer = await RowWriter.open(connection, 'ocel_json_elements', ['text', 'int', 'int', 'text']);
  const counts = { objects: 0, events: 0 };
  let failure: IngestError | undefined;
  const splitter = new ElementSplitter((section, text, line) => {
    if (text === null) {
      failure ??= new IngestError(file, `an element of ${section} is not a JSON object but a string, number, boolean or null`, line);
      return;
    }
    if (section === 'objects' || section === 'events') {
      writer.add(section, counts[section], line, text);
      counts[section] += 1;
      return;
    }
    let declaration: { name?: unknown; attributes?: { name?: unknown; type?: unknown }[] };
    try {
      declaration = JSON.parse(text) as typeof declaration;
    } catch (error) {
      failure ??= new IngestError(file, `not valid JSON in ${section}: ${error instanceof Error ? error.message : String(error)}`, line);
      return;
    }
    if (typeof declaration.name !== 'string') {
      failure ??= new IngestError(file, `a declaration in ${section} has no name`, line, 'name');
      return;
    }
    typeNames[section].push(declaration.name);
    for (const attribute of declaration.attributes ?? []) {
      declared[section].push([declaration.name, String(attribute.name), String(attribute.type ?? 'string')]);
    }
  });

  try {
    await streamText(path, file, (text) => splitter.write(text), () => failure !== undefined);
  } finally {
    writer.close();
  }
  if (failure) throw failure;
  if (!splitter.complete) throw new IngestError(file, 'the JSON ends before the log does (a truncated file?)', splitter.line);

  await connection.run(`CREATE OR REPLACE TEMP TABLE ocel_declared (kind VARCHAR, owner_type VARCHAR, name VARCHAR, type VARCHAR)`);
  const declarations = await RowWriter.open(connection, 'ocel_declared', ['text', 'text', 'text', 'text']);
  for (const [kind, rows] of Object.entries(declared)) for (const row of rows) declarations.add(kind, ...row);
  declarations.close();
  try {
    await parseElements(connection, file);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ocel_json_elements`);
    await connection.run(`DROP TABLE IF EXISTS ocel_json_events`);
    await connection.run(`DROP TABLE IF EXISTS ocel_json_objects`);
    await connection.run(`DROP TABLE IF EXISTS ocel_declared`);
  }
  return finishStaging(connection, file, 'ocel2-json', { eventTypes: typeNames.eventTypes, objectTypes: typeNames.objectTypes });
}

/** Parses the cut-out elements with DuckDB and fills the staging tables from them. */
async function parseElements(connection: DuckDBConnection, file: string): Promise<void> {
  const bad = await connection.runAndReadAll(
    `SELECT kind, line, doc FROM ocel_json_elements WHERE NOT json_valid(doc) OR json_type(doc) <> 'OBJECT' ORDER BY kind, ordinal LIMIT 1`,
  );
  const [badRow] = bad.getRowObjectsJS();
  if (badRow) throw new IngestError(file, `an element of ${String(badRow.kind)} is not a valid JSON object`, Number(badRow.line), undefined, String(badRow.doc));
  await connection.run(`
    CREATE TEMP TABLE ocel_json_events AS
    SELECT ordinal, line, from_json(doc, '${EVENT_SHAPE}') AS e FROM ocel_json_elements WHERE kind = 'events'`);
  await connection.run(`
    CREATE TEMP TABLE ocel_json_objects AS
    SELECT ordinal, from_json(doc, '${OBJECT_SHAPE}') AS o FROM ocel_json_elements WHERE kind = 'objects'`);
  await connection.run(`DROP TABLE ocel_json_elements`);
  await connection.run(`INSERT INTO ocel_events_raw SELECT e.id, e.type, e.time, ordinal, line FROM ocel_json_events ORDER BY ordinal`);
  await connection.run(`
    INSERT INTO ocel_event_attributes
    SELECT x.id, x.a.name, x.a.value->>'$', coalesce(d.type, ${valueType('x.a.value')})
    FROM (SELECT e.id, e.type, unnest(e.attributes) AS a, ordinal FROM ocel_json_events) x
    LEFT JOIN ocel_declared d ON d.kind = 'eventTypes' AND d.owner_type = x.type AND d.name = x.a.name
    WHERE x.a.value IS NOT NULL AND json_type(x.a.value) <> 'NULL' ORDER BY x.ordinal`);
  await connection.run(`
    INSERT INTO ocel_e2o
    SELECT id, r.objectId, r.qualifier FROM (SELECT e.id, unnest(e.relationships) AS r, ordinal FROM ocel_json_events) ORDER BY ordinal`);
  await connection.run(`INSERT INTO ocel_objects SELECT o.id, o.type FROM ocel_json_objects ORDER BY ordinal`);
  await connection.run(`
    INSERT INTO ocel_object_attributes_raw
    SELECT x.id, x.a.name, x.a.value->>'$', coalesce(d.type, ${valueType('x.a.value')}), x.a.time
    FROM (SELECT o.id, o.type, unnest(o.attributes) AS a, ordinal FROM ocel_json_objects) x
    LEFT JOIN ocel_declared d ON d.kind = 'objectTypes' AND d.owner_type = x.type AND d.name = x.a.name
    WHERE x.a.value IS NOT NULL AND json_type(x.a.value) <> 'NULL' ORDER BY x.ordinal`);
  await connection.run(`
    INSERT INTO ocel_o2o
    SELECT id, r.objectId, r.qualifier FROM (SELECT o.id, unnest(o.relationships) AS r, ordinal FROM ocel_json_objects) ORDER BY ordinal`);
}
