import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent } from '../../store/sql.ts';
import { detectTimestampFormat, parseTimestampText, type TimestampFormat } from './timestamp-format.ts';
import { timestampSql } from './timestamp-sql.ts';

/** The types a text column can be stored as. */
export type ColumnType = 'BOOLEAN' | 'BIGINT' | 'DOUBLE' | 'TIMESTAMP' | 'VARCHAR';

/** How one candidate type fared on a column: non-blank values it cannot read, and the first of them. */
export interface TypeCheck {
  type: Exclude<ColumnType, 'VARCHAR'>;
  /** For TIMESTAMP checks: the format tried. */
  format?: TimestampFormat;
  failures: number;
  /** The first failing value (row = 1-based position in the table, its rowid + 1), or null when none fails. */
  firstFailure: { row: number; value: string } | null;
}

export interface ColumnTypeGuess {
  column: string;
  type: ColumnType;
  /** The format timestamps are read with: set when `type` is TIMESTAMP, and when numbers could be times. */
  timestampFormat: TimestampFormat | null;
  rows: number;
  /** Non-blank values (NULL, '' and spaces are blanks). */
  values: number;
  checks: TypeCheck[];
  confidence: number;
  reason: string;
}

// Names that make numbers in a plausible epoch or Excel range times rather than counts or amounts.
const TIME_NAME = /time|date|stamp|_at$|_on$|^when$/i;
const SAMPLE_SIZE = 1000;
// Below this many values, even a clean column is typed with less confidence.
const FEW_VALUES = 20;

/**
 * Infers each column's type from ALL its values: one sampled read per column
 * proposes a timestamp format, then a single SELECT over the whole table counts
 * per column the non-blank values and, per candidate type (BOOLEAN, BIGINT,
 * DOUBLE, TIMESTAMP in the proposed format, and in the other day/month order),
 * the values TRY_CAST cannot read with the first such row and value. A column
 * takes the narrowest type every value reads as, else VARCHAR; so one 'N/A' on
 * row 900,000 makes it VARCHAR, and the reason names that row. `table` must be a
 * table (rows are numbered by rowid).
 */
export async function inferColumnTypes(connection: DuckDBConnection, table: string, columns: readonly string[]): Promise<ColumnTypeGuess[]> {
  if (columns.length === 0) return [];
  const from = quoteIdent(table);
  const formats: (TimestampFormat | undefined)[] = [];
  for (const column of columns) {
    const text = `trim(CAST(${quoteIdent(column)} AS VARCHAR))`;
    const reader = await connection.runAndReadAll(`SELECT ${text} AS v FROM ${from} WHERE ${text} <> '' LIMIT ${SAMPLE_SIZE}`);
    formats.push(detectTimestampFormat(reader.getRowObjectsJson().map((r) => String(r.v))));
  }

  const plans = columns.map((column, i) => ({ column, checks: candidateChecks(quoteIdent(column), formats[i]) }));
  const selects = ['count(*) AS "rows"'];
  plans.forEach((plan, i) => {
    const raw = `CAST(${quoteIdent(plan.column)} AS VARCHAR)`;
    const present = `trim(${raw}) <> ''`;
    selects.push(`count(*) FILTER (WHERE ${present}) AS "c${i}_values"`);
    plan.checks.forEach((check, k) => {
      const failing = `${present} AND (${check.failsSql})`;
      selects.push(
        `count(*) FILTER (WHERE ${failing}) AS "c${i}_${k}_failures"`,
        `min(rowid) FILTER (WHERE ${failing}) AS "c${i}_${k}_row"`,
        `arg_min(${raw}, rowid) FILTER (WHERE ${failing}) AS "c${i}_${k}_value"`,
      );
    });
  });
  const reader = await connection.runAndReadAll(`SELECT ${selects.join(',\n  ')} FROM ${from}`);
  const counts = reader.getRowObjectsJson()[0]!;
  const rows = Number(counts.rows);
  return plans.map((plan, i) => {
    const checks: TypeCheck[] = plan.checks.map((check, k) => {
      const failures = Number(counts[`c${i}_${k}_failures`]);
      const row = counts[`c${i}_${k}_row`];
      return {
        type: check.type,
        ...(check.format ? { format: check.format } : {}),
        failures,
        firstFailure: failures === 0 || row === null ? null : { row: Number(row) + 1, value: String(counts[`c${i}_${k}_value`]) },
      };
    });
    return decideType(plan.column, rows, Number(counts[`c${i}_values`]), checks, formats[i]);
  });
}

/**
 * The same decision on sample values held in memory (row = position in the
 * sample + 1), for when no table exists yet; a sample can be fooled by values
 * it does not hold, which `inferColumnTypes` is not.
 */
export function inferTypeFromSample(column: string, values: readonly (string | null)[]): ColumnTypeGuess {
  const present = values.map((v, i) => ({ row: i + 1, value: v ?? '' })).filter((v) => v.value.trim() !== '');
  const format = detectTimestampFormat(present.map((p) => p.value));
  const tests: { type: TypeCheck['type']; format?: TimestampFormat; fails: (v: string) => boolean }[] = [
    { type: 'BOOLEAN', fails: (v) => !BOOLEAN_TEXT.has(v.toLowerCase()) },
    { type: 'BIGINT', fails: (v) => !/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(Number(v)) },
    { type: 'DOUBLE', fails: (v) => !/\d/.test(v) || !Number.isFinite(Number(v)) },
  ];
  for (const f of timestampFormatsToCheck(format)) tests.push({ type: 'TIMESTAMP', format: f, fails: (v) => parseTimestampText(f, v) === undefined });
  const checks = tests.map((t): TypeCheck => {
    const failing = present.filter((p) => t.fails(p.value.trim()));
    return { type: t.type, ...(t.format ? { format: t.format } : {}), failures: failing.length, firstFailure: failing[0] ? { row: failing[0].row, value: failing[0].value } : null };
  });
  return decideType(column, values.length, present.length, checks, format);
}

// What DuckDB's TRY_CAST(... AS BOOLEAN) reads, less '0' and '1' (those columns are integers).
const BOOLEAN_TEXT = new Set(['true', 'false', 't', 'f', 'yes', 'no', 'y', 'n']);

interface CheckPlan {
  type: TypeCheck['type'];
  format?: TimestampFormat;
  failsSql: string;
}

function candidateChecks(columnSql: string, format: TimestampFormat | undefined): CheckPlan[] {
  const v = `trim(CAST(${columnSql} AS VARCHAR))`;
  const checks: CheckPlan[] = [
    { type: 'BOOLEAN', failsSql: `TRY_CAST(${v} AS BOOLEAN) IS NULL OR regexp_full_match(${v}, '[+-]?[0-9]+')` },
    // TRY_CAST would round '12.5' to a BIGINT, so integers must also look like one.
    { type: 'BIGINT', failsSql: `NOT regexp_full_match(${v}, '[+-]?[0-9]+') OR TRY_CAST(${v} AS BIGINT) IS NULL` },
    // TRY_CAST reads 'NaN' and 'Infinity'; a number must hold a digit.
    { type: 'DOUBLE', failsSql: `TRY_CAST(${v} AS DOUBLE) IS NULL OR NOT regexp_matches(${v}, '[0-9]')` },
  ];
  for (const f of timestampFormatsToCheck(format)) checks.push({ type: 'TIMESTAMP', format: f, failsSql: `${timestampSql(f, columnSql)} IS NULL` });
  return checks;
}

/** The detected format, and for day-first or month-first dates also the other order, so the whole column can decide. */
function timestampFormatsToCheck(format: TimestampFormat | undefined): TimestampFormat[] {
  if (!format) return [];
  if (format.kind !== 'day-first' && format.kind !== 'month-first') return [format];
  const other: TimestampFormat = {
    ...format,
    kind: format.kind === 'day-first' ? 'month-first' : 'day-first',
    reason: `${format.kind === 'day-first' ? 'month-first' : 'day-first'}, the other order of the sample's dates`,
  };
  return [format, other];
}

const NOUN: Record<TypeCheck['type'], string> = {
  BOOLEAN: 'true/false',
  BIGINT: 'an integer',
  DOUBLE: 'a number',
  TIMESTAMP: 'a timestamp',
};

const count = (n: number): string => n.toLocaleString('en-US');
const quoted = (text: string): string => `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`;

function decideType(column: string, rows: number, values: number, checks: TypeCheck[], sampleFormat: TimestampFormat | undefined): ColumnTypeGuess {
  const base = { column, rows, values, checks };
  if (values === 0) {
    return { ...base, type: 'VARCHAR', timestampFormat: null, confidence: 0.5, reason: `no values: all ${count(rows)} rows are blank` };
  }
  const clean = (type: TypeCheck['type']): TypeCheck | undefined =>
    checks.filter((c) => c.type === type && c.failures === 0).sort((a, b) => (b.format?.confidence ?? 0) - (a.format?.confidence ?? 0))[0];
  const sure = values >= FEW_VALUES ? 0.95 : 0.6 + (0.35 * values) / FEW_VALUES;
  const all = values === 1 ? 'the only value' : values === 2 ? 'both values' : `all ${count(values)} values`;
  const timestamp = clean('TIMESTAMP');
  const numberAsTime = timestamp?.format && ['epoch-seconds', 'epoch-milliseconds', 'excel-serial'].includes(timestamp.format.kind);

  if (clean('BOOLEAN')) return { ...base, type: 'BOOLEAN', timestampFormat: null, confidence: round2(sure), reason: `${all} are true/false` };
  for (const type of ['BIGINT', 'DOUBLE'] as const) {
    if (!clean(type)) continue;
    const what = type === 'BIGINT' ? 'integers' : 'numbers';
    if (timestamp && numberAsTime) {
      if (TIME_NAME.test(column)) {
        return { ...base, type: 'TIMESTAMP', timestampFormat: timestamp.format!, confidence: round2(Math.min(sure, 0.9)), reason: `${all} are ${what} read as times because of the column's name: ${timestamp.format!.reason}` };
      }
      return { ...base, type, timestampFormat: timestamp.format!, confidence: round2(sure * 0.9), reason: `${all} are ${what} (they could be ${kindName(timestamp.format!)}, but the name does not suggest a time)` };
    }
    return { ...base, type, timestampFormat: null, confidence: round2(sure), reason: `${all} are ${what}` };
  }
  if (timestamp) {
    const format = timestamp.format!;
    const swapped = sampleFormat && format.kind !== sampleFormat.kind;
    const order = swapped
      ? `; the sample looked ${sampleFormat.kind}, but ${checks.find((c) => c.format?.kind === sampleFormat.kind)?.firstFailure?.value ?? 'a later value'} only reads ${format.kind}`
      : '';
    return {
      ...base,
      type: 'TIMESTAMP',
      timestampFormat: format,
      confidence: round2(Math.min(sure, format.confidence)),
      reason: `${all} are timestamps: ${swapped ? `${format.kind} dates` : format.reason}${order}`,
    };
  }
  // VARCHAR: say how close the nearest type came, so a user can fix a stray value instead.
  const order: TypeCheck['type'][] = ['TIMESTAMP', 'DOUBLE', 'BIGINT', 'BOOLEAN'];
  const nearest = [...checks].sort((a, b) => a.failures - b.failures || order.indexOf(a.type) - order.indexOf(b.type))[0];
  if (nearest && nearest.firstFailure && nearest.failures <= values * 0.05) {
    const noun = nearest.type === 'TIMESTAMP' && nearest.format ? `a timestamp (${kindName(nearest.format)})` : NOUN[nearest.type];
    const verb = nearest.failures === 1 ? `is not ${noun}` : `are not ${noun}`;
    return {
      ...base,
      type: 'VARCHAR',
      timestampFormat: null,
      confidence: 0.6,
      reason: `${count(nearest.failures)} of ${count(values)} values ${verb} (first at row ${count(nearest.firstFailure.row)}: ${quoted(nearest.firstFailure.value)})`,
    };
  }
  const misses = nearest ? `${count(nearest.failures)} of ${count(values)}` : count(values);
  return { ...base, type: 'VARCHAR', timestampFormat: null, confidence: round2(sure), reason: `text: ${misses} values are not ${nearest ? NOUN[nearest.type] : 'numbers'}` };
}

function kindName(format: Pick<TimestampFormat, 'kind'>): string {
  return format.kind === 'iso' ? 'ISO 8601' : format.kind.replaceAll('-', ' ');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
