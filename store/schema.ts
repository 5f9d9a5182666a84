/**
 * The store's layout and its migrations. A database file records the version it
 * was written at; opening it runs every later migration in one transaction.
 *
 * Layout, and why: a classic (case-based) log is stored already flattened and in
 * case order, with what every analysis shares derived once at ingest:
 * - `events`: one row per event, ordered by (case, position), with the successor's
 *   activity and the seconds to it, so a process map is one GROUP BY, not a window.
 * - `cases`: start, end, duration, event count, start/end activity and variant id.
 * - `activities`, `variants`: dictionaries; events carry integer ids.
 * - `variant_activities`: each variant's activities with their occurrences.
 * - `attributes_<log id>`: the source's other columns, typed, one wide table per log,
 *   keyed by `event_no` (the event's ordinal in the source).
 * - `objects`, `event_objects`: object-centric links (OCEL 2.0); a flat log is the
 *   special case whose single object type is its case notion, so it needs no rows here.
 * - `object_events`, `object_relations`, `object_attributes`: an object-centric log's
 *   events, object-to-object links and object attributes; its object types are stored
 *   flattened as child logs (`logs.parent_log_id`, `logs.case_notion`).
 * - `loads`: each load of a source into a log (its SHA-256, rows read, events added,
 *   duplicates skipped); `quarantine`: rows a load set aside, with line, column and why.
 * - `job_runs`: every run of a pull job (ingest/jobs), written when it starts and
 *   updated when it ends; `job_state`: each job's watermark, saved in its load's transaction.
 * - `audit`: who did what, when and from where (store/audit.ts); a load's entry is
 *   written in the load's transaction.
 * - `users`, `sessions`, `api_tokens`: who may sign in, with which role and groups
 *   (store/accounts.ts); sessions and tokens are kept as SHA-256 digests, never as sent.
 * - `log_access`: the groups a log is restricted to, by the name of the log its case
 *   notions hang from; a log with no row is open to every signed-in user.
 */
export const SCHEMA_VERSION = 8;

export const MIGRATIONS: readonly { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE IF NOT EXISTS waybill_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE SEQUENCE IF NOT EXISTS log_id_seq START 1;
CREATE TABLE logs (
  log_id INTEGER PRIMARY KEY,
  name VARCHAR NOT NULL UNIQUE,
  source VARCHAR NOT NULL,
  format VARCHAR NOT NULL,
  mapping JSON NOT NULL,
  attributes JSON NOT NULL,
  events BIGINT NOT NULL,
  cases BIGINT NOT NULL,
  activities INTEGER NOT NULL,
  variants INTEGER NOT NULL,
  first_ts TIMESTAMPTZ,
  last_ts TIMESTAMPTZ,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE activities (
  log_id INTEGER NOT NULL,
  activity_id INTEGER NOT NULL,
  name VARCHAR NOT NULL
);
CREATE TABLE variants (
  log_id INTEGER NOT NULL,
  variant_id INTEGER NOT NULL,
  activity_ids INTEGER[] NOT NULL
);
-- How often each activity occurs in each variant: activity counts per filtered case
-- set come from cases grouped by variant, without scanning events.
CREATE TABLE variant_activities (
  log_id INTEGER NOT NULL,
  variant_id INTEGER NOT NULL,
  activity_id INTEGER NOT NULL,
  occurrences INTEGER NOT NULL
);
CREATE TABLE cases (
  log_id INTEGER NOT NULL,
  case_id INTEGER NOT NULL,
  name VARCHAR NOT NULL,
  start_ts TIMESTAMPTZ NOT NULL,
  end_ts TIMESTAMPTZ NOT NULL,
  duration_s DOUBLE NOT NULL,
  events INTEGER NOT NULL,
  start_activity_id INTEGER NOT NULL,
  end_activity_id INTEGER NOT NULL,
  variant_id INTEGER NOT NULL
);
CREATE TABLE events (
  log_id INTEGER NOT NULL,
  case_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  event_no BIGINT NOT NULL,
  activity_id INTEGER NOT NULL,
  ts TIMESTAMPTZ NOT NULL,
  utc_offset_minutes SMALLINT,
  resource VARCHAR,
  lifecycle VARCHAR,
  next_activity_id INTEGER,
  next_seconds DOUBLE
);
CREATE TABLE objects (
  log_id INTEGER NOT NULL,
  object_id VARCHAR NOT NULL,
  object_type VARCHAR NOT NULL
);
CREATE TABLE event_objects (
  log_id INTEGER NOT NULL,
  event_no BIGINT NOT NULL,
  object_id VARCHAR NOT NULL,
  qualifier VARCHAR
);
`,
  },
  {
    version: 2,
    // What each load brought (for idempotent re-runs and the run history) and the rows it set aside.
    sql: `
CREATE SEQUENCE IF NOT EXISTS load_id_seq START 1;
CREATE TABLE loads (
  load_id INTEGER PRIMARY KEY,
  log_id INTEGER NOT NULL,
  source VARCHAR NOT NULL,
  source_sha256 VARCHAR NOT NULL,
  mode VARCHAR NOT NULL,
  rows_read BIGINT NOT NULL,
  events_added BIGINT NOT NULL,
  duplicates_skipped BIGINT NOT NULL,
  quarantined BIGINT NOT NULL,
  loaded_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE quarantine (
  log_id INTEGER NOT NULL,
  load_id INTEGER NOT NULL,
  source VARCHAR NOT NULL,
  line BIGINT,
  column_name VARCHAR,
  problem VARCHAR NOT NULL,
  value VARCHAR
);
`,
  },
  {
    version: 3,
    // Pull jobs: the run history (a run is recorded before its load starts, so a failed
    // or interrupted run stays visible) and each job's watermark, as the source's own text.
    sql: `
CREATE SEQUENCE IF NOT EXISTS job_run_id_seq START 1;
CREATE TABLE job_runs (
  run_id INTEGER NOT NULL,
  job VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  log VARCHAR NOT NULL,
  trigger VARCHAR NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  status VARCHAR NOT NULL,
  rows_read BIGINT,
  events_added BIGINT,
  duplicates_skipped BIGINT,
  quarantined BIGINT,
  files_loaded INTEGER,
  files_failed INTEGER,
  watermark VARCHAR,
  error VARCHAR
);
CREATE TABLE job_state (
  job VARCHAR PRIMARY KEY,
  watermark VARCHAR,
  updated_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    version: 4,
    // Object-centric logs (OCEL 2.0, or CSV streams linked by their keys): the events
    // with their objects, object-to-object relations and object attributes over time.
    // Each object type is also stored flattened as a classic log (case notion), a
    // child of the object-centric one.
    //
    // The default goes first: DuckDB binds every column default again when it
    // replays an ADD COLUMN from its write-ahead log, and a function default such
    // as now() cannot be bound then, so a log holding this migration could not be
    // replayed (see version 5).
    sql: `
ALTER TABLE logs ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE logs ADD COLUMN parent_log_id INTEGER;
ALTER TABLE logs ADD COLUMN case_notion VARCHAR;
CREATE TABLE object_events (
  log_id INTEGER NOT NULL,
  event_no BIGINT NOT NULL,
  event_id VARCHAR NOT NULL,
  activity VARCHAR NOT NULL,
  ts TIMESTAMPTZ NOT NULL,
  utc_offset_minutes SMALLINT,
  resource VARCHAR
);
CREATE TABLE object_relations (
  log_id INTEGER NOT NULL,
  source_id VARCHAR NOT NULL,
  target_id VARCHAR NOT NULL,
  qualifier VARCHAR
);
CREATE TABLE object_attributes (
  log_id INTEGER NOT NULL,
  object_id VARCHAR NOT NULL,
  name VARCHAR NOT NULL,
  value VARCHAR,
  type VARCHAR,
  ts TIMESTAMPTZ
);
`,
  },
  {
    version: 5,
    // No column default may call a function: when DuckDB replays a write-ahead log,
    // an ALTER TABLE binds the table's defaults before any database is attached, and
    // a default such as now() then fails with "GetDefaultDatabase with no default
    // database set", leaving a file that no longer opens. Writers set these times.
    // Per-log settings (e.g. which activities a KPI reads) are keyed by the log's
    // name, so they survive a replace.
    sql: `
ALTER TABLE logs ALTER COLUMN created_at DROP DEFAULT;
ALTER TABLE loads ALTER COLUMN loaded_at DROP DEFAULT;
CREATE TABLE log_settings (
  log VARCHAR NOT NULL,
  key VARCHAR NOT NULL,
  value JSON NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);
`,
  },
  {
    version: 6,
    sql: `
CREATE TABLE audit (
  recorded_at TIMESTAMPTZ NOT NULL,
  actor VARCHAR NOT NULL,
  via VARCHAR NOT NULL,
  address VARCHAR,
  action VARCHAR NOT NULL,
  log VARCHAR,
  detail VARCHAR NOT NULL
);
`,
  },
  {
    version: 7,
    sql: `
CREATE TABLE users (
  name VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  password_hash VARCHAR,
  groups VARCHAR[] NOT NULL,
  source VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE sessions (
  token_hash VARCHAR NOT NULL,
  user_name VARCHAR NOT NULL,
  address VARCHAR,
  created_at TIMESTAMPTZ NOT NULL,
  last_seen TIMESTAMPTZ NOT NULL
);
CREATE TABLE api_tokens (
  id VARCHAR NOT NULL,
  token_hash VARCHAR NOT NULL,
  label VARCHAR NOT NULL,
  role VARCHAR NOT NULL,
  groups VARCHAR[] NOT NULL,
  owner VARCHAR,
  created_by VARCHAR NOT NULL,
  created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE log_access (
  log_name VARCHAR NOT NULL,
  group_name VARCHAR NOT NULL
);
`,
  },
  {
    version: 8,
    // Each run of a scheduled report: what it rendered, where it went, and how it ended.
    sql: `
CREATE SEQUENCE IF NOT EXISTS report_run_id_seq START 1;
CREATE TABLE report_runs (
  run_id INTEGER NOT NULL,
  report VARCHAR NOT NULL,
  notebook VARCHAR NOT NULL,
  trigger VARCHAR NOT NULL,
  started_at TIMESTAMPTZ NOT NULL,
  finished_at TIMESTAMPTZ,
  status VARCHAR NOT NULL,
  error VARCHAR,
  output_bytes BIGINT,
  files JSON,
  deliveries JSON
);
`,
  },
];

/** The name of a log's attribute table. */
export function attributeTable(logId: number): string {
  return `attributes_${logId}`;
}
