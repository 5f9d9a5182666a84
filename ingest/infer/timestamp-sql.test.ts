import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDuckDB } from '../../test-support/memory-duckdb.ts';
import { detectTimestampFormat, type TimestampFormat } from './timestamp-format.ts';
import { timestampSql } from './timestamp-sql.ts';

let connection: DuckDBConnection;
let close: () => void;
beforeAll(async () => {
  ({ connection, close } = await memoryDuckDB());
});
afterAll(() => close());

/** Reads texts with a format in DuckDB; each instant as ISO UTC text, or null. */
async function read(format: Pick<TimestampFormat, 'kind' | 'separator' | 'twoDigitYear'>, values: readonly (string | null)[], timeZone?: string): Promise<(string | null)[]> {
  const rows = values.map((v, i) => `(${i}, ${v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`})`).join(', ');
  const sql = `SELECT strftime(${timestampSql(format, 'v', timeZone)} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS t
    FROM (VALUES ${rows}) AS s(i, v) ORDER BY i`;
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson().map((r) => r.t as string | null);
}

async function detectAndRead(values: readonly string[], timeZone?: string): Promise<(string | null)[]> {
  const format = detectTimestampFormat(values);
  if (!format) throw new Error(`no format for ${values.join(', ')}`);
  return read(format, values, timeZone);
}

describe('timestampSql', () => {
  it('reads ISO 8601 with offsets as the instants they name, and naive values in the given zone', async () => {
    expect(await detectAndRead(['2026-04-23T10:00:00Z', '2026-04-23T12:00:00.5+02:00', '2026-04-23 12:00:00+0200', '2026-04-23T05:30-04:30', '2026-04-23 12:00:00 +02'])).toEqual([
      '2026-04-23T10:00:00.000Z', '2026-04-23T10:00:00.500Z', '2026-04-23T10:00:00.000Z', '2026-04-23T10:00:00.000Z', '2026-04-23T10:00:00.000Z',
    ]);
    // A mixed column: the offset wins where there is one, the zone applies to the rest.
    expect(await detectAndRead(['2026-04-23T10:00:00Z', '2026-04-23 10:00', '2026-04-23', '2026-04-23T10:00:00.123456789'], 'Europe/Berlin')).toEqual([
      '2026-04-23T10:00:00.000Z', '2026-04-23T08:00:00.000Z', '2026-04-22T22:00:00.000Z', '2026-04-23T08:00:00.123Z',
    ]);
  });

  it('reads a naive file in America/New_York across the March change to daylight time', async () => {
    expect(await detectAndRead(['2026-01-05 08:00:00', '2026-03-07 23:30:00', '2026-03-09 08:00:00'], 'America/New_York')).toEqual([
      '2026-01-05T13:00:00.000Z', '2026-03-08T04:30:00.000Z', '2026-03-09T12:00:00.000Z',
    ]);
  });

  it('pins what DuckDB timezone() does with a gap and an overlap (Europe/Berlin)', async () => {
    const iso = { kind: 'iso' as const };
    // 02:30 on 29 March 2026 does not exist: it is moved forward by the hour (the instant of 03:30 CEST).
    // 02:30 on 25 October 2026 happens twice: the later one (CET, +01:00) is taken.
    expect(await read(iso, ['2026-03-29 01:59:59', '2026-03-29 02:30', '2026-03-29 03:30', '2026-10-25 02:30', '2026-10-25 03:00'], 'Europe/Berlin')).toEqual([
      '2026-03-29T00:59:59.000Z', '2026-03-29T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-10-25T01:30:00.000Z', '2026-10-25T02:00:00.000Z',
    ]);
  });

  it('reads day-first, month-first and year-first dates with their separators and times', async () => {
    expect(await detectAndRead(['01/04/2026 08:00', '23/04/2026 09:15:30', '30/04/2026 17:45:10.25', '5/4/2026'])).toEqual([
      '2026-04-01T08:00:00.000Z', '2026-04-23T09:15:30.000Z', '2026-04-30T17:45:10.250Z', '2026-04-05T00:00:00.000Z',
    ]);
    expect(await detectAndRead(['04/01/2026 8:00 AM', '04/23/2026 3:15 PM', '05/02/2026 11:59:30 pm', '12/31/2026 12:00 AM'])).toEqual([
      '2026-04-01T08:00:00.000Z', '2026-04-23T15:15:00.000Z', '2026-05-02T23:59:30.000Z', '2026-12-31T00:00:00.000Z',
    ]);
    expect(await detectAndRead(['23.04.26 10:00', '01.05.26'], 'Europe/Berlin')).toEqual(['2026-04-23T08:00:00.000Z', '2026-04-30T22:00:00.000Z']);
    expect(await detectAndRead(['23-04-2026', '24-04-2026'])).toEqual(['2026-04-23T00:00:00.000Z', '2026-04-24T00:00:00.000Z']);
    expect(await detectAndRead(['2026/04/23 10:00', '2026/4/3'])).toEqual(['2026-04-23T10:00:00.000Z', '2026-04-03T00:00:00.000Z']);
  });

  it('reads epoch seconds and milliseconds to exact instants, whatever the zone', async () => {
    expect(await detectAndRead(['1767225600', '1767229200.5', '1000000000'], 'America/New_York')).toEqual([
      '2026-01-01T00:00:00.000Z', '2026-01-01T01:00:00.500Z', '2001-09-09T01:46:40.000Z',
    ]);
    expect(await detectAndRead(['1767225600000', '1767225600123', '1000000000000'])).toEqual([
      '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.123Z', '2001-09-09T01:46:40.000Z',
    ]);
  });

  it('reads Excel serial days as wall-clock times in the zone', async () => {
    expect(await detectAndRead(['45292.5', '45292', '45293.541666666664', '45658.999988425923'])).toEqual([
      '2024-01-01T12:00:00.000Z', '2024-01-01T00:00:00.000Z', '2024-01-02T13:00:00.000Z', '2025-01-01T23:59:59.000Z',
    ]);
    expect(await detectAndRead(['45292.5'], 'America/New_York')).toEqual(['2024-01-01T17:00:00.000Z']);
  });

  it('yields NULL for every value that does not read, so the caller can report it', async () => {
    expect(await read({ kind: 'iso' }, ['N/A', '', null, '2026-02-30', '2026-04-23T25:00', '23/04/2026'])).toEqual([null, null, null, null, null, null]);
    expect(await read({ kind: 'day-first', separator: '/', twoDigitYear: false }, ['04/23/2026', '2026-04-23', 'x', '31/02/2026'])).toEqual([null, null, null, null]);
    expect(await read({ kind: 'epoch-seconds' }, ['abc', '12', '99999999999999999999', '1e400'])).toEqual([null, null, null, null]);
    expect(await read({ kind: 'epoch-milliseconds' }, ['1767225600', 'N/A'])).toEqual([null, null]);
    expect(await read({ kind: 'excel-serial' }, ['100', '45292,5', 'N/A'])).toEqual([null, null, null]);
  });

  it('refuses an unknown time zone with a message naming it', () => {
    expect(() => timestampSql({ kind: 'iso' }, 'v', 'Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus": use an IANA name/);
  });
});
