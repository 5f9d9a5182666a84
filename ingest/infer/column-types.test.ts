import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDuckDB } from '../../test-support/memory-duckdb.ts';
import { inferColumnTypes, inferTypeFromSample } from './column-types.ts';

let connection: DuckDBConnection;
let close: () => void;
beforeAll(async () => {
  ({ connection, close } = await memoryDuckDB());
});
afterAll(() => close());

describe('inferColumnTypes', () => {
  it('reads the whole column: one non-numeric value on row 199,990 of 200,000 makes it VARCHAR and is named', async () => {
    await connection.run(`CREATE TABLE big AS
      SELECT CASE WHEN i = 199990 THEN 'N/A' ELSE CAST(i AS VARCHAR) END AS "amount",
             CAST(i * 1.5 AS VARCHAR) AS "price",
             CASE WHEN i % 2 = 0 THEN 'yes' ELSE 'no' END AS "flag"
      FROM range(1, 200001) AS r(i) ORDER BY i`);
    const [amount, price, flag] = await inferColumnTypes(connection, 'big', ['amount', 'price', 'flag']);
    expect(amount).toMatchObject({ column: 'amount', type: 'VARCHAR', rows: 200_000, values: 200_000 });
    expect(amount!.reason).toBe("1 of 200,000 values is not a number (first at row 199,990: 'N/A')");
    expect(amount!.checks.find((c) => c.type === 'BIGINT')).toEqual({ type: 'BIGINT', failures: 1, firstFailure: { row: 199_990, value: 'N/A' } });
    expect(price).toMatchObject({ type: 'DOUBLE', confidence: 0.95, reason: 'all 200,000 values are numbers' });
    expect(flag).toMatchObject({ type: 'BOOLEAN', reason: 'all 200,000 values are true/false' });
  });

  it('types small columns, counting blanks out, and keeps odd names quoted', async () => {
    await connection.run(`CREATE TABLE small ("qty ""ordered""" VARCHAR, "when" VARCHAR, "code" VARCHAR, "epoch" VARCHAR, "serial" VARCHAR, "created_on" VARCHAR, "empty" VARCHAR, "half" VARCHAR)`);
    await connection.run(`INSERT INTO small VALUES
      ('1', '23/04/2026 10:00', '0x1', '1767225600', '45292', '45292.5', NULL, '12.5'),
      ('', '01/05/2026', 'B-2', '1767229200', '45300', '45293.25', '', '13'),
      (' 3 ', NULL, 'C-3', '1767232800', '45301', '45294', ' ', 'x')`);
    const guesses = await inferColumnTypes(connection, 'small', ['qty "ordered"', 'when', 'code', 'epoch', 'serial', 'created_on', 'empty', 'half']);
    const byName = Object.fromEntries(guesses.map((g) => [g.column, g]));
    expect(byName['qty "ordered"']).toMatchObject({ type: 'BIGINT', values: 2, rows: 3, reason: 'both values are integers' });
    expect(byName.when).toMatchObject({ type: 'TIMESTAMP', timestampFormat: { kind: 'day-first' } });
    expect(byName.code).toMatchObject({ type: 'VARCHAR', reason: 'text: 3 of 3 values are not a number' });
    // Numbers in a time range stay numbers unless the name says time.
    expect(byName.epoch).toMatchObject({ type: 'BIGINT', timestampFormat: { kind: 'epoch-seconds' } });
    expect(byName.epoch!.reason).toBe('all 3 values are integers (they could be epoch seconds, but the name does not suggest a time)');
    expect(byName.serial).toMatchObject({ type: 'BIGINT', timestampFormat: { kind: 'excel-serial' } });
    expect(byName.created_on).toMatchObject({ type: 'TIMESTAMP', timestampFormat: { kind: 'excel-serial' } });
    expect(byName.empty).toMatchObject({ type: 'VARCHAR', values: 0, reason: 'no values: all 3 rows are blank' });
    expect(byName.half!.type).toBe('VARCHAR');
    expect(byName.half!.reason).toBe("text: 1 of 3 values are not a number");
  });

  it('lets a late date decide the day/month order the first rows left open', async () => {
    // The first 1,500 rows (more than the sample) read either way; row 1,501 reads only day-first.
    await connection.run(`CREATE TABLE dates AS
      SELECT CASE WHEN i <= 1500 THEN '0' || (1 + i % 9) || '/0' || (1 + i % 9) || '/2026' ELSE '23/04/2026' END AS "date"
      FROM range(1, 1502) AS r(i) ORDER BY i`);
    const [date] = await inferColumnTypes(connection, 'dates', ['date']);
    expect(date).toMatchObject({ type: 'TIMESTAMP', timestampFormat: { kind: 'day-first' } });
    expect(date!.checks.find((c) => c.format?.kind === 'month-first')).toMatchObject({ failures: 1, firstFailure: { row: 1501, value: '23/04/2026' } });
  });

  it('reports a timestamp column with a stray value as VARCHAR, naming the value', async () => {
    await connection.run(`CREATE TABLE stamps AS
      SELECT CASE WHEN i = 40 THEN 'pending' ELSE strftime(TIMESTAMP '2026-01-01' + INTERVAL (i) HOUR, '%Y-%m-%dT%H:%M:%S') END AS "ts"
      FROM range(1, 101) AS r(i) ORDER BY i`);
    const [ts] = await inferColumnTypes(connection, 'stamps', ['ts']);
    expect(ts).toMatchObject({ type: 'VARCHAR', confidence: 0.6 });
    expect(ts!.reason).toBe("1 of 100 values is not a timestamp (ISO 8601) (first at row 40: 'pending')");
  });
});

describe('inferTypeFromSample', () => {
  it('decides as the table version does, on values in memory', () => {
    const numbers = [...Array.from({ length: 30 }, (_, i) => String(i)), null, 'N/A'];
    expect(inferTypeFromSample('n', numbers)).toMatchObject({ type: 'VARCHAR', reason: "1 of 31 values is not a number (first at row 32: 'N/A')" });
    expect(inferTypeFromSample('n', ['1', '2', null, 'N/A'])).toMatchObject({ type: 'VARCHAR', reason: 'text: 1 of 3 values are not a number' });
    expect(inferTypeFromSample('t', ['2026-04-23T10:00:00Z', '2026-04-24T10:00:00Z'])).toMatchObject({ type: 'TIMESTAMP', timestampFormat: { kind: 'iso', zone: 'offset' } });
    expect(inferTypeFromSample('f', ['true', 'F'])).toMatchObject({ type: 'BOOLEAN' });
    expect(inferTypeFromSample('x', ['1', '0'])).toMatchObject({ type: 'BIGINT' });
  });
});
