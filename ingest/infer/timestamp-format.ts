/**
 * Telling how a column writes its timestamps, from sample texts. The result
 * names one format that `timestampSql` turns into DuckDB SQL, and
 * `parseTimestampText` reads in JavaScript (for comparing values on a sample).
 */

/** The families of timestamp text Waybill reads. */
export type TimestampKind =
  | 'iso'
  | 'day-first'
  | 'month-first'
  | 'year-first'
  | 'epoch-seconds'
  | 'epoch-milliseconds'
  | 'excel-serial';

export interface TimestampFormat {
  kind: TimestampKind;
  /** The date separator of day-first, month-first and year-first dates. */
  separator?: '/' | '-' | '.';
  /** Day-first and month-first dates written with a two-digit year (read as 1970–2069). */
  twoDigitYear?: boolean;
  /** Whether the sample's values carry a UTC offset (`Z`, `+02:00`): such values keep it, naive ones take a time zone. */
  zone: 'offset' | 'naive' | 'mixed';
  /** 0–1: how sure the detection is (ambiguous day/month order and numeric formats score lower). */
  confidence: number;
  /** One sentence for a person: why this format. */
  reason: string;
  /** Of the non-blank sample values, how many this format reads. */
  matched: number;
  total: number;
}

// Plausible instants: 1970-01-01 to 2100-01-01. Epoch numbers below 1e8 s (1973) are
// refused so that small counts and amounts are never taken for times.
const MAX_EPOCH_SECONDS = 4_102_444_800;
const MIN_EPOCH_SECONDS = 100_000_000;
/** Excel serial days (1900 date system: day 0 is 1899-12-30) for 1970-01-01 and 2100-01-01. */
export const EXCEL_SERIAL_RANGE = [25_569, 73_051] as const;
/** Epoch seconds accepted as instants; milliseconds are this range times 1,000. */
export const EPOCH_SECONDS_RANGE = [MIN_EPOCH_SECONDS, MAX_EPOCH_SECONDS] as const;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const PARTS = /^(\d{1,4})([/.-])(\d{1,2})\2(\d{1,4})(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:\s*([AaPp][Mm]))?)?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)$/;

interface Parts {
  first: number;
  second: number;
  third: number;
  firstDigits: number;
  thirdDigits: number;
  separator: '/' | '-' | '.';
  time: [number, number, number, number];
}

function splitParts(text: string): Parts | undefined {
  const m = PARTS.exec(text);
  if (!m) return undefined;
  let hour = Number(m[5] ?? 0);
  const meridiem = m[9]?.toLowerCase();
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) return undefined;
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  }
  return {
    first: Number(m[1]),
    second: Number(m[3]),
    third: Number(m[4]),
    firstDigits: m[1]!.length,
    thirdDigits: m[4]!.length,
    separator: m[2] as Parts['separator'],
    time: [hour, Number(m[6] ?? 0), Number(m[7] ?? 0), fractionMs(m[8])],
  };
}

function fractionMs(digits: string | undefined): number {
  return digits === undefined ? 0 : Number(`0.${digits}`) * 1000;
}

/** Milliseconds since the epoch of a wall-clock date read as UTC, or undefined when the date does not exist. */
function wallClock(year: number, month: number, day: number, [h, mi, s, ms]: readonly number[]): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31 || h! > 23 || mi! > 59 || s! > 59) return undefined;
  const value = Date.UTC(year, month - 1, day, h, mi, s, ms);
  const check = new Date(value);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return value;
}

function fullYear(year: number, digits: number): number {
  if (digits > 2) return year;
  return year < 70 ? 2000 + year : 1900 + year;
}

/**
 * Reads one text in a format as milliseconds since the epoch; naive values are
 * read as UTC wall-clock time (enough to order and compare values of one
 * column). Undefined when the text does not fit the format or names no real date.
 */
export function parseTimestampText(format: Pick<TimestampFormat, 'kind' | 'separator' | 'twoDigitYear'>, raw: string): number | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  switch (format.kind) {
    case 'iso': {
      const m = ISO.exec(text);
      if (!m) return undefined;
      const local = wallClock(Number(m[1]), Number(m[2]), Number(m[3]), [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), fractionMs(m[7])]);
      if (local === undefined) return undefined;
      return local - offsetMinutes(m[8]) * 60_000;
    }
    case 'day-first':
    case 'month-first':
    case 'year-first': {
      const p = splitParts(text);
      if (!p || (format.separator !== undefined && p.separator !== format.separator)) return undefined;
      if (format.kind === 'year-first') {
        if (p.firstDigits !== 4) return undefined;
        return wallClock(p.first, p.second, p.third, p.time);
      }
      if (p.firstDigits > 2) return undefined;
      const twoDigit = p.thirdDigits <= 2;
      if (format.twoDigitYear !== undefined && twoDigit !== format.twoDigitYear) return undefined;
      if (!twoDigit && p.thirdDigits !== 4) return undefined;
      const [day, month] = format.kind === 'day-first' ? [p.first, p.second] : [p.second, p.first];
      return wallClock(fullYear(p.third, p.thirdDigits), month, day, p.time);
    }
    case 'epoch-seconds':
    case 'epoch-milliseconds':
    case 'excel-serial': {
      if (!NUMBER.test(text)) return undefined;
      const n = Number(text);
      if (format.kind === 'excel-serial') {
        if (n < EXCEL_SERIAL_RANGE[0] || n > EXCEL_SERIAL_RANGE[1]) return undefined;
        return Math.round((n - 25_569) * 86_400_000);
      }
      const scale = format.kind === 'epoch-seconds' ? 1 : 1000;
      if (n < MIN_EPOCH_SECONDS * scale || n > MAX_EPOCH_SECONDS * scale) return undefined;
      return Math.round((n * 1000) / scale);
    }
  }
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/** A candidate reading of the sample with how many values it reads. */
interface Candidate {
  format: Omit<TimestampFormat, 'confidence' | 'reason' | 'matched' | 'total' | 'zone'>;
  matched: number;
  confidence: number;
  reason: string;
}

const quote = (text: string): string => JSON.stringify(text);

/**
 * Detects the timestamp format of sample texts (blanks ignored): ISO 8601,
 * day-first or month-first dates (decided from a part above 12, or, when every
 * part is 12 or less, from which order puts consecutive values closer
 * together), year-first dates, epoch seconds or milliseconds (by magnitude)
 * and Excel serial days. Undefined when fewer than 80% of the values read in
 * any one format.
 */
export function detectTimestampFormat(values: readonly string[]): TimestampFormat | undefined {
  const texts = values.map((v) => v.trim()).filter((v) => v !== '');
  const total = texts.length;
  if (total === 0) return undefined;
  const candidates = [isoCandidate(texts), ...partsCandidates(texts), numberCandidate(texts)].filter((c): c is Candidate => c !== undefined);
  const best = candidates.sort((a, b) => b.matched - a.matched || b.confidence - a.confidence)[0];
  if (!best || best.matched < 0.8 * total) return undefined;
  const share = best.matched / total;
  let withZone = 0;
  if (best.format.kind === 'iso') for (const t of texts) if (ISO.exec(t)?.[8] !== undefined) withZone += 1;
  const zone = withZone === 0 ? 'naive' : withZone === best.matched ? 'offset' : 'mixed';
  const misses = total - best.matched;
  const firstMiss = misses > 0 ? texts.find((t) => parseTimestampText(best.format, t) === undefined) : undefined;
  const missNote = firstMiss === undefined ? '' : `; ${misses} of ${total} values do not read (e.g. ${quote(firstMiss)})`;
  return {
    ...best.format,
    zone,
    confidence: round2(best.confidence * share),
    reason: `${best.reason}${missNote}`,
    matched: best.matched,
    total,
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function isoCandidate(texts: readonly string[]): Candidate | undefined {
  const format = { kind: 'iso' as const };
  let matched = 0;
  let example: string | undefined;
  for (const t of texts) {
    if (parseTimestampText(format, t) !== undefined) {
      matched += 1;
      example ??= t;
    }
  }
  if (matched === 0) return undefined;
  return { format, matched, confidence: 0.98, reason: `ISO 8601 (e.g. ${quote(example!)})` };
}

function partsCandidates(texts: readonly string[]): Candidate[] {
  const parsed = texts.map(splitParts).filter((p): p is Parts => p !== undefined);
  if (parsed.length === 0) return [];
  const separator = mostCommon(parsed.map((p) => p.separator));
  const sameSeparator = parsed.filter((p) => p.separator === separator);
  const yearFirst = sameSeparator.filter((p) => p.firstDigits === 4).length;
  if (yearFirst > sameSeparator.length / 2) {
    const format = { kind: 'year-first' as const, separator };
    const matched = texts.filter((t) => parseTimestampText(format, t) !== undefined).length;
    return [{ format, matched, confidence: 0.95, reason: `year-first dates with ${quote(separator)} (e.g. ${quote(texts.find((t) => parseTimestampText(format, t) !== undefined) ?? '')})` }];
  }
  const twoDigitYear = sameSeparator.filter((p) => p.thirdDigits <= 2).length > sameSeparator.length / 2;
  const dayFirst = { kind: 'day-first' as const, separator, twoDigitYear };
  const monthFirst = { kind: 'month-first' as const, separator, twoDigitYear };
  const readDay = texts.map((t) => parseTimestampText(dayFirst, t));
  const readMonth = texts.map((t) => parseTimestampText(monthFirst, t));
  const dayMatched = readDay.filter((v) => v !== undefined).length;
  const monthMatched = readMonth.filter((v) => v !== undefined).length;
  const firstAbove12 = texts.find((t, i) => readDay[i] !== undefined && readMonth[i] === undefined);
  const secondAbove12 = texts.find((t, i) => readMonth[i] !== undefined && readDay[i] === undefined);
  if (firstAbove12 !== undefined && secondAbove12 === undefined) {
    return [{ format: dayFirst, matched: dayMatched, confidence: 0.97, reason: `day-first: ${quote(firstAbove12)} has a first part above 12` }];
  }
  if (secondAbove12 !== undefined && firstAbove12 === undefined) {
    return [{ format: monthFirst, matched: monthMatched, confidence: 0.97, reason: `month-first: ${quote(secondAbove12)} has a second part above 12` }];
  }
  if (firstAbove12 !== undefined && secondAbove12 !== undefined) {
    // Both orders are contradicted somewhere: the one reading more values wins, with less confidence.
    const day = dayMatched >= monthMatched;
    return [{
      format: day ? dayFirst : monthFirst,
      matched: day ? dayMatched : monthMatched,
      confidence: 0.6,
      reason: `${day ? 'day-first' : 'month-first'}, although the sample mixes orders: ${quote(firstAbove12)} reads only day-first, ${quote(secondAbove12)} only month-first`,
    }];
  }
  // Every part is 12 or less: prefer the order whose consecutive values lie closer together
  // (logs are mostly written in time order); with no difference, day-first, the more common order worldwide.
  const dayJumps = totalJump(readDay);
  const monthJumps = totalJump(readMonth);
  const day = dayJumps <= monthJumps;
  const why = dayJumps === monthJumps
    ? 'both orders fit equally, so day-first (the more common order) was picked'
    : `${day ? 'day-first' : 'month-first'} puts consecutive values closer together (${formatDays(Math.min(dayJumps, monthJumps))} of steps versus ${formatDays(Math.max(dayJumps, monthJumps))})`;
  return [{
    format: day ? dayFirst : monthFirst,
    matched: day ? dayMatched : monthMatched,
    confidence: dayJumps === monthJumps ? 0.5 : 0.65,
    reason: `ambiguous day/month order: every date part is 12 or less; ${why}`,
  }];
}

function formatDays(ms: number): string {
  const days = ms / 86_400_000;
  return `${Math.round(days * 10) / 10} days`;
}

function totalJump(values: readonly (number | undefined)[]): number {
  let sum = 0;
  let previous: number | undefined;
  for (const v of values) {
    if (v === undefined) continue;
    if (previous !== undefined) sum += Math.abs(v - previous);
    previous = v;
  }
  return sum;
}

function mostCommon<T>(items: readonly T[]): T {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

function numberCandidate(texts: readonly string[]): Candidate | undefined {
  const numbers = texts.filter((t) => NUMBER.test(t)).map(Number);
  if (numbers.length === 0) return undefined;
  const kinds = [
    { kind: 'excel-serial' as const, lo: EXCEL_SERIAL_RANGE[0], hi: EXCEL_SERIAL_RANGE[1], what: 'Excel serial days (1970–2100)' },
    { kind: 'epoch-seconds' as const, lo: MIN_EPOCH_SECONDS, hi: MAX_EPOCH_SECONDS, what: 'epoch seconds (1973–2100)' },
    { kind: 'epoch-milliseconds' as const, lo: MIN_EPOCH_SECONDS * 1000, hi: MAX_EPOCH_SECONDS * 1000, what: 'epoch milliseconds (1973–2100)' },
  ];
  const scored = kinds.map((k) => ({ ...k, matched: numbers.filter((n) => n >= k.lo && n <= k.hi).length }));
  const best = scored.sort((a, b) => b.matched - a.matched)[0]!;
  if (best.matched === 0) return undefined;
  const min = Math.min(...numbers.filter((n) => n >= best.lo && n <= best.hi));
  const max = Math.max(...numbers.filter((n) => n >= best.lo && n <= best.hi));
  const first = new Date(parseTimestampText({ kind: best.kind }, String(min))!).toISOString();
  const last = new Date(parseTimestampText({ kind: best.kind }, String(max))!).toISOString();
  // Numbers are weak evidence: any count or amount could fall in a plausible range.
  // Excel serials most of all (five-digit numbers), unless they carry a time of day.
  const fractional = numbers.some((n) => !Number.isInteger(n));
  const confidence = best.kind === 'excel-serial' ? (fractional ? 0.6 : 0.4) : 0.7;
  return {
    format: { kind: best.kind },
    matched: best.matched,
    confidence,
    reason: `numbers read as ${best.what} by magnitude: ${min} to ${max} is ${first} to ${last}`,
  };
}
