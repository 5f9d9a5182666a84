import { wholeNumber } from '../errors.ts';
import { FilterError } from '../errors.ts';
import type { AttributeCondition, Filter, FollowsCondition, TimeframeMode } from './index.ts';

/**
 * The one text syntax for filters, shared by the CLI (`--where "warehouse = ATL"`)
 * and the API (`?where=warehouse%20%3D%20ATL`). Parameters that may repeat take
 * every value given; all conditions must hold.
 *
 * - `from`, `to` (ISO-8601 dates or instants, UTC unless zoned; a date alone as
 *   `to` includes that day) and `timeframe` (intersecting | contained | started | completed)
 * - `where` (repeatable): `NAME = VALUE`, `NAME in (V1, V2)`, `NAME between MIN and MAX`,
 *   `NAME >= MIN`, `NAME <= MAX`, `NAME is missing`. A name or value holding spaces,
 *   commas or quotes is written in double quotes ("" for a quote inside).
 * - `has`, `without` (repeatable): an activity that occurs / does not occur in the case
 * - `repeats` (repeatable): an activity that occurs more than once in the case (rework)
 * - `has-any` (repeatable): at least one of the activities given occurs in the case
 * - `variant`: variant ranks, comma-separated (1 = the most frequent)
 * - `min-duration`, `max-duration`: seconds, or a number with s, m, h, d or w (`90m`, `2d`)
 * - `follows`, `eventually` (repeatable): `A -> B`, directly or eventually followed
 * - `starts`, `ends` (repeatable): the case's first / last activity is one of these
 * - `counted-by`, `not-counted-by`: a KPI's id (e.g. `otif`): the cases it counts, or
 *   considers and does not count
 * - `notion`: for an object-centric log, the object type whose flattened log to analyse
 */
export const FILTER_PARAMS = ['from', 'to', 'timeframe', 'where', 'has', 'without', 'repeats', 'has-any', 'variant', 'min-duration', 'max-duration', 'follows', 'eventually', 'starts', 'ends', 'counted-by', 'not-counted-by', 'notion'] as const;
export type FilterParams = Partial<Record<(typeof FILTER_PARAMS)[number], string | readonly string[] | undefined>>;

const all = (value: string | readonly string[] | undefined): string[] => (value === undefined ? [] : typeof value === 'string' ? [value] : [...value]);
const one = (value: string | readonly string[] | undefined, name: string): string | undefined => {
  const values = all(value);
  if (values.length > 1) throw new FilterError(`${name} is given ${values.length} times; give it once`);
  return values[0];
};

export function filterFromParams(params: FilterParams): Filter {
  const filter: Filter = {};
  const from = one(params.from, 'from');
  const to = one(params.to, 'to');
  const timeframe = one(params.timeframe, 'timeframe');
  if (from === undefined && to === undefined) {
    if (timeframe !== undefined) throw new FilterError('timeframe needs from or to');
  } else {
    filter.timeframe = { ...(from !== undefined && { from }), ...(to !== undefined && { to }), ...(timeframe !== undefined && { mode: timeframe as TimeframeMode }) };
  }
  const where = all(params.where);
  if (where.length > 0) filter.attributes = where.map(parseCondition);
  const present = all(params.has);
  const absent = all(params.without);
  const repeated = all(params.repeats);
  const any = all(params['has-any']);
  if (present.length > 0 || absent.length > 0 || repeated.length > 0 || any.length > 0) {
    filter.activities = {
      ...(present.length > 0 && { present }),
      ...(absent.length > 0 && { absent }),
      ...(repeated.length > 0 && { repeated }),
      ...(any.length > 0 && { any }),
    };
  }
  const countedBy = one(params['counted-by'], 'counted-by');
  const notCountedBy = one(params['not-counted-by'], 'not-counted-by');
  if (countedBy !== undefined && notCountedBy !== undefined) throw new FilterError('give counted-by or not-counted-by, not both');
  const kpi = countedBy ?? notCountedBy;
  if (kpi !== undefined) filter.kpi = { id: kpi.trim(), counted: countedBy !== undefined };
  const variants = all(params.variant).flatMap((text) => text.split(','));
  if (variants.length > 0) {
    filter.variants = variants.map((text) => {
      const rank = wholeNumber(text);
      if (rank === undefined || rank < 1) throw new FilterError(`variant: ${JSON.stringify(text.trim())} is not a rank (1 = the most frequent variant)`);
      return rank;
    });
  }
  const min = one(params['min-duration'], 'min-duration');
  const max = one(params['max-duration'], 'max-duration');
  if (min !== undefined || max !== undefined) {
    filter.duration = { ...(min !== undefined && { min: parseDuration(min, 'min-duration') }), ...(max !== undefined && { max: parseDuration(max, 'max-duration') }) };
  }
  const follows = [...all(params.follows).map((t) => parsePair(t, 'directly', 'follows')), ...all(params.eventually).map((t) => parsePair(t, 'eventually', 'eventually'))];
  if (follows.length > 0) filter.follows = follows;
  const starts = all(params.starts);
  const ends = all(params.ends);
  if (starts.length > 0) filter.startActivities = starts;
  if (ends.length > 0) filter.endActivities = ends;
  return filter;
}

/** The log an analysis runs on: for a `notion`, the object-centric log's child flattened on that object type. */
export function logForNotion(log: string, params: FilterParams): string {
  const notion = one(params.notion, 'notion');
  return notion === undefined || notion.trim() === '' ? log : `${log}@${notion.trim()}`;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
/** The longest duration taken: 100 years. Longer is a slip of the keyboard, not a bound a log can reach. */
const MAX_DURATION_DAYS = 36_525;

/** Seconds from `3600`, `90m`, `2.5h`, `3d` or `1w`, at most 100 years. */
export function parseDuration(text: string, what: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$/i.exec(text);
  if (!match) throw new FilterError(`${what}: ${JSON.stringify(text)} is not a duration; write seconds or a number with s, m, h, d or w (e.g. 90m, 2d)`);
  const seconds = Number(match[1]) * UNITS[(match[2] || 's').toLowerCase()]!;
  if (seconds > MAX_DURATION_DAYS * UNITS.d!) throw new FilterError(`${what}: ${JSON.stringify(text)} is longer than 100 years; write at most ${MAX_DURATION_DAYS}d`);
  return seconds;
}

function parsePair(text: string, kind: FollowsCondition['kind'], what: string): FollowsCondition {
  const at = text.indexOf('->');
  const from = at < 0 ? '' : text.slice(0, at).trim();
  const to = at < 0 ? '' : text.slice(at + 2).trim();
  if (from === '' || to === '') throw new FilterError(`${what}: write two activities as "A -> B", not ${JSON.stringify(text)}`);
  return { from, to, kind };
}

/**
 * Writes a condition in the `where` syntax parseCondition reads back: the one writer,
 * for the dashboard's filter bar. A word the tokenizer would split or read as syntax
 * (spaces, commas, parentheses, quotes, =, >=, <=, or a keyword) is quoted.
 */
export function conditionText(condition: AttributeCondition): string {
  const word = (value: string | number | boolean): string => {
    const text = String(value);
    const plain = text !== '' && !/[\s(),"=<>]/.test(text) && !/^(in|is|missing|between|and)$/i.test(text);
    return plain ? text : `"${text.replaceAll('"', '""')}"`;
  };
  const name = word(condition.name);
  switch (condition.op) {
    case 'equals':
      return `${name} = ${word(condition.value)}`;
    case 'in':
      return `${name} in (${condition.values.map(word).join(', ')})`;
    case 'missing':
      return `${name} is missing`;
    case 'range':
      if (condition.min !== undefined && condition.max !== undefined) return `${name} between ${word(condition.min)} and ${word(condition.max)}`;
      return condition.min !== undefined ? `${name} >= ${word(condition.min)}` : `${name} <= ${word(condition.max ?? '')}`;
  }
}

/** Reads one `where` condition with a small tokenizer: quoted words keep their spaces, commas and quotes. */
export function parseCondition(text: string): AttributeCondition {
  const tokens = tokenize(text);
  const fail = (): never => {
    throw new FilterError(`where: cannot read ${JSON.stringify(text)}; write NAME = VALUE, NAME in (A, B), NAME between 1 and 9, NAME >= 1, NAME <= 9 or NAME is missing`);
  };
  const [nameToken, ...rest] = tokens;
  if (nameToken === undefined || nameToken.kind !== 'word') return fail();
  const name = nameToken.text;
  const words = rest.map((t) => (t.kind === 'word' && !t.quoted ? t.text.toLowerCase() : t.text));
  const value = (token: Token | undefined): string => (token !== undefined && token.kind === 'word' ? token.text : fail());
  if (words[0] === '=' && rest.length === 2) return { name, op: 'equals', value: value(rest[1]) };
  if (words[0] === '>=' && rest.length === 2) return { name, op: 'range', min: value(rest[1]) };
  if (words[0] === '<=' && rest.length === 2) return { name, op: 'range', max: value(rest[1]) };
  if (words[0] === 'is' && words[1] === 'missing' && rest.length === 2) return { name, op: 'missing' };
  if (words[0] === 'between' && words[2] === 'and' && rest.length === 4) return { name, op: 'range', min: value(rest[1]), max: value(rest[3]) };
  if (words[0] === 'in' && rest[1]?.kind === '(' && rest.at(-1)?.kind === ')') {
    const inside = rest.slice(2, -1);
    const values: string[] = [];
    for (let i = 0; i < inside.length; i += 2) {
      values.push(value(inside[i]));
      if (i + 1 < inside.length && inside[i + 1]!.kind !== ',') fail();
    }
    if (values.length === 0) fail();
    return { name, op: 'in', values };
  }
  return fail();
}

type Token = { kind: 'word'; text: string; quoted: boolean } | { kind: '(' | ')' | ','; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: ch, text: ch });
      i += 1;
    } else if (ch === '"') {
      let word = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw new FilterError(`where: a quote is not closed in ${JSON.stringify(text)}`);
        if (text[i] === '"' && text[i + 1] === '"') {
          word += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else {
          word += text[i];
          i += 1;
        }
      }
      tokens.push({ kind: 'word', text: word, quoted: true });
    } else if (text.startsWith('>=', i) || text.startsWith('<=', i)) {
      tokens.push({ kind: 'word', text: text.slice(i, i + 2), quoted: false });
      i += 2;
    } else if (ch === '=') {
      tokens.push({ kind: 'word', text: '=', quoted: false });
      i += 1;
    } else {
      let word = '';
      while (i < text.length && !/[\s(),"=]/.test(text[i]!) && !text.startsWith('>=', i) && !text.startsWith('<=', i)) {
        word += text[i];
        i += 1;
      }
      tokens.push({ kind: 'word', text: word, quoted: false });
    }
  }
  return tokens;
}
