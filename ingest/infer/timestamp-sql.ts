import { quoteLiteral } from '../../store/sql.ts';
import { EPOCH_SECONDS_RANGE, EXCEL_SERIAL_RANGE, type TimestampFormat } from './timestamp-format.ts';

/** The time zone naive values are read in when none is given. */
export const DEFAULT_TIME_ZONE = 'UTC';

// Time-of-day endings tried in order after the date (DuckDB's try_strptime takes the first that reads).
const TIMES = [' %H:%M:%S.%f', ' %H:%M:%S', ' %H:%M', ' %I:%M:%S.%f %p', ' %I:%M:%S %p', ' %I:%M %p', ''];

/**
 * A DuckDB expression turning the VARCHAR expression `columnSql` into a
 * TIMESTAMPTZ (a UTC instant) in `format`. Values with a UTC offset keep it;
 * naive values are wall-clock times in `timeZone` (an IANA name, default UTC)
 * and go through DuckDB's ICU `timezone(zone, timestamp)`. That function moves
 * a time in a spring-forward gap forward by the gap (Europe/Berlin 2026-03-29
 * 02:30 becomes 01:30 UTC, the same instant as 03:30 CEST), and reads an
 * ambiguous autumn time as the later, standard-time one (2026-10-25 02:30
 * becomes 01:30 UTC, 02:30 CET); `timestamp-sql.test.ts` pins both. Epoch
 * numbers are instants and ignore the zone; Excel serials are wall-clock days.
 * Any value that does not read, or lies outside 1970–2100 for numbers, is NULL,
 * so the caller can count and show those rows.
 */
export function timestampSql(format: Pick<TimestampFormat, 'kind' | 'separator' | 'twoDigitYear'>, columnSql: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  checkTimeZone(timeZone);
  const zone = quoteLiteral(timeZone);
  const trimmed = `trim(CAST(${columnSql} AS VARCHAR))`;
  // In dates, fractions of a second beyond microseconds are cut (DuckDB's %f reads at most six digits) and runs of spaces become one.
  const text = `regexp_replace(regexp_replace(${trimmed}, '(:\\d\\d[.,]\\d{6})\\d+', '\\1'), '\\s+', ' ', 'g')`;
  switch (format.kind) {
    case 'iso': {
      // 'T' becomes a space, ',' fractions a '.', a trailing Z an explicit +00:00, and a space before an offset goes.
      const iso = `regexp_replace(replace(${text}, 'T', ' '), '(\\d),(\\d)', '\\1.\\2')`;
      const isoWithoutOffset = `regexp_replace(${iso}, ' ?([Zz]|[+-]\\d\\d(:?\\d\\d)?)$', '')`;
      const offset = `regexp_replace(regexp_extract(${text}, '\\d:\\d\\d(:\\d\\d([.,]\\d+)?)? ?([Zz]|[+-]\\d\\d(:?\\d\\d)?)$', 3), '^[Zz]$', '+00:00')`;
      const withOffset = `try_strptime(${isoWithoutOffset} || ${offset}, ${formatList(['%Y-%m-%d %H:%M:%S.%f%z', '%Y-%m-%d %H:%M:%S%z', '%Y-%m-%d %H:%M%z'])})`;
      const naive = `timezone(${zone}, try_strptime(${iso}, ${formatList(['%Y-%m-%d %H:%M:%S.%f', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y-%m-%d'])}))`;
      return `(CASE WHEN ${offset} <> '' THEN ${withOffset} ELSE ${naive} END)`;
    }
    case 'day-first':
    case 'month-first':
    case 'year-first': {
      const s = format.separator ?? '/';
      const year = format.twoDigitYear ? '%y' : '%Y';
      const date = format.kind === 'day-first' ? `%d${s}%m${s}${year}` : format.kind === 'month-first' ? `%m${s}%d${s}${year}` : `%Y${s}%m${s}%d`;
      const dated = `replace(${text}, 'T', ' ')`;
      return `timezone(${zone}, try_strptime(${dated}, ${formatList(TIMES.map((t) => date + t))}))`;
    }
    case 'epoch-seconds':
    case 'epoch-milliseconds': {
      const scale = format.kind === 'epoch-seconds' ? 1 : 1000;
      const n = `TRY_CAST(${trimmed} AS DOUBLE)`;
      const micros = `CAST(round(${n} * ${1_000_000 / scale}) AS BIGINT)`;
      return `(CASE WHEN ${n} BETWEEN ${EPOCH_SECONDS_RANGE[0] * scale} AND ${EPOCH_SECONDS_RANGE[1] * scale} THEN make_timestamptz(${micros}) END)`;
    }
    case 'excel-serial': {
      // Day 0 is 1899-12-30 (Excel's 1900 leap-year bug makes this right from March 1900 on);
      // times are rounded to the millisecond, since exported serials carry float noise.
      const n = `TRY_CAST(${trimmed} AS DOUBLE)`;
      const micros = `CAST(round(${n} * 86400000) AS BIGINT) * 1000`;
      return `(CASE WHEN ${n} BETWEEN ${EXCEL_SERIAL_RANGE[0]} AND ${EXCEL_SERIAL_RANGE[1]} THEN timezone(${zone}, TIMESTAMP '1899-12-30' + to_microseconds(${micros})) END)`;
    }
  }
}

function formatList(formats: readonly string[]): string {
  return `[${formats.map(quoteLiteral).join(', ')}]`;
}

/** Whether `zone` is an IANA time zone name this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** What a user is told of a zone that is not one. */
export function unknownTimeZone(zone: string): string {
  return `unknown time zone ${JSON.stringify(zone)}: use an IANA name such as "Europe/Berlin" or "America/New_York"`;
}

/** Refuses an unknown IANA zone before any SQL runs. */
function checkTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone)) throw new RangeError(unknownTimeZone(timeZone));
}
