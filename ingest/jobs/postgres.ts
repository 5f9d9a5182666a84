import { mkdtempSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { withConnection, type Store } from '../../store/db.ts';
import { IngestError } from '../errors.ts';
import { ingestFile } from '../ingest-file.ts';
import { jobActor } from '../../store/audit.ts';
import { displayPath, JOB_FILE, WATERMARK_PLACEHOLDER, type PostgresJob } from './definition.ts';
import { readWatermark, saveWatermark, type PullResult } from './runs.ts';

/** A postgres job could not pull: names the job file and what to do. */
export class PullError extends Error {
  override name = 'PullError';
}

/**
 * Runs one incremental pull of a postgres job: the job's query, with
 * {{watermark}} replaced by the last watermark as a quoted literal, streamed out
 * of PostgreSQL as CSV (`COPY … TO STDOUT`) into a temporary file, then appended
 * to the job's log. The new watermark, the largest value of the watermark column
 * among the rows pulled, is saved inside the load's DuckDB transaction: the events
 * and the watermark commit together or not at all, so a failed run leaves both as
 * they were and the next run pulls the same rows again.
 *
 * The query should compare with `>=`, not `>`: rows that share the last watermark
 * value are read again and dropped as duplicates by the append, which costs little,
 * while `>` would lose a row committed after the last pull with the same
 * `updated_at` as the newest row that pull saw.
 */
export async function pullPostgres(store: Store, job: PostgresJob): Promise<PullResult> {
  const shown = displayPath(job.file);
  const password = passwordOf(job, shown);
  const watermark = (await withConnection(store, (connection) => readWatermark(connection, job.name))) ?? job.watermark.initial;
  const client = new pg.Client({
    host: job.connection.host,
    port: job.connection.port,
    database: job.connection.database,
    user: job.connection.user,
    password,
    ssl: job.connection.ssl === true ? true : undefined,
    application_name: 'waybill',
    connectionTimeoutMillis: 15_000,
  });
  const dir = mkdtempSync(join(tmpdir(), 'waybill-pull-'));
  const csv = join(dir, `${job.name}.csv`);
  try {
    try {
      await client.connect();
    } catch (error) {
      throw new PullError(`${shown}: cannot connect to PostgreSQL at ${job.connection.host}${job.connection.port === undefined ? '' : `:${job.connection.port}`}, database ${JSON.stringify(job.connection.database)}: ${messageOf(error)}`);
    }
    const query = job.query.trim().replace(/;+\s*$/, '').replaceAll(WATERMARK_PLACEHOLDER, client.escapeLiteral(watermark));
    const column = client.escapeIdentifier(job.watermark.column);
    let pulled: { rows: number; watermark: string | null };
    try {
      // UTC and ISO dates, so timestamps arrive with their offset and the watermark's text reads back the same.
      await client.query(`SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'`);
      // One snapshot for both statements: the new watermark is the largest value among exactly the rows copied.
      // The query thus runs twice (count and max, then COPY); an index on the watermark column keeps both cheap.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const stats = await client.query<{ rows: string; watermark: string | null }>(
        `SELECT count(*)::text AS rows, max(pulled.${column})::text AS watermark FROM (${query}) AS pulled`,
      );
      pulled = { rows: Number(stats.rows[0]!.rows), watermark: stats.rows[0]!.watermark };
      if (pulled.rows > 0) await pipeline(client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(csv));
      await client.query('COMMIT');
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === '42703' && new RegExp(`\\bpulled\\.`).test(messageOf(error))) {
        throw new PullError(`${shown}: watermark.column ${JSON.stringify(job.watermark.column)} is not a column of the query's result`);
      }
      throw new PullError(`${shown}: the query failed in PostgreSQL: ${messageOf(error)}`);
    }
    if (pulled.rows === 0) {
      return { rowsRead: 0, eventsAdded: 0, duplicatesSkipped: 0, quarantined: 0, filesLoaded: null, filesFailed: null, watermark };
    }
    // Rows whose watermark column is NULL are pulled (the query chose them) but cannot move the watermark.
    const next = pulled.watermark ?? watermark;
    try {
      const result = await ingestFile(store, csv, {
        name: job.log,
        mapping: job.mapping,
        mode: 'append',
        onBadRows: job.onBadRows ?? 'reject',
        // The pulled file is temporary: name the job and the pull instead, and in errors and quarantined rows the query's result.
        source: `postgres job ${job.name} (${job.watermark.column} >= ${watermark})`,
        shownAs: "the query's result",
        inTransaction: (connection) => saveWatermark(connection, job.name, next),
        actor: jobActor(job.name),
      });
      // The same bytes were loaded before (only rows at the last watermark came back): nothing loaded, nothing to commit with.
      if (result.load.unchanged) {
        await withConnection(store, (connection) => saveWatermark(connection, job.name, next));
        return { rowsRead: pulled.rows, eventsAdded: 0, duplicatesSkipped: pulled.rows, quarantined: 0, filesLoaded: null, filesFailed: null, watermark: next };
      }
      const { load } = result;
      return { rowsRead: load.rowsRead, eventsAdded: load.eventsAdded, duplicatesSkipped: load.duplicatesSkipped, quarantined: load.quarantined, filesLoaded: null, filesFailed: null, watermark: next };
    } catch (error) {
      if (error instanceof IngestError) throw new PullError(`${shown}: ${error.describe(JOB_FILE)}`);
      throw error;
    }
  } finally {
    await client.end().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function passwordOf(job: PostgresJob, shown: string): string | undefined {
  const name = job.connection.passwordEnv;
  if (name === undefined) return undefined;
  const value = process.env[name];
  if (value === undefined) throw new PullError(`${shown}: connection.passwordEnv names the environment variable ${name}, which is not set; set it to the database password`);
  return value;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
