import { FILTER_PARAMS } from '../../../mining/filter/params.ts';

/**
 * The filter lives in the page's URL, in the API's own query parameters (`from`, `where`,
 * `has`, …: mining/filter/params.ts), so a link shares it, Back and Forward walk it, and
 * every page passes it to the API as it is.
 */
export type FilterParam = (typeof FILTER_PARAMS)[number];
export type FilterQuery = Partial<Record<FilterParam, string | string[]>>;

/** Parameters a filter may give more than once. */
const REPEATABLE: ReadonlySet<FilterParam> = new Set(['where', 'has', 'without', 'repeats', 'has-any', 'follows', 'eventually', 'starts', 'ends', 'variant']);

/** The filter parameters of a URL, each repeatable one as the list of its values. */
export function filterQuery(url: URL): FilterQuery {
  const query: FilterQuery = {};
  for (const name of FILTER_PARAMS) {
    const values = url.searchParams.getAll(name);
    if (values.length === 0) continue;
    query[name] = REPEATABLE.has(name) ? values : values[0]!;
  }
  return query;
}

/** Whether the URL filters at all (a case notion alone picks a log; it keeps every case of it). */
export function isFiltered(url: URL): boolean {
  return FILTER_PARAMS.some((name) => name !== 'notion' && url.searchParams.has(name));
}

/** One condition of the filter as the bar shows it: its words, and the parameter values that make it. */
export interface FilterChip {
  label: string;
  /** What removing the chip deletes: each parameter with the value to take away (null: every value). */
  params: { name: FilterParam; value: string | null }[];
}

const MODE_WORDS: Record<string, string> = {
  intersecting: 'Cases active',
  contained: 'Cases within',
  started: 'Cases started',
  completed: 'Cases ended',
};

/** The filter's conditions as chips, in the order people read them: time, then attributes, activities, paths, duration, variants. */
export function filterChips(url: URL): FilterChip[] {
  const chips: FilterChip[] = [];
  const get = (name: FilterParam) => url.searchParams.get(name);
  const from = get('from');
  const to = get('to');
  if (from !== null || to !== null) {
    const mode = MODE_WORDS[get('timeframe') ?? 'intersecting'] ?? 'Cases active';
    const span = from !== null && to !== null ? `${from} to ${to}` : from !== null ? `from ${from}` : `until ${to}`;
    chips.push({ label: `${mode} ${span}`, params: [{ name: 'from', value: null }, { name: 'to', value: null }, { name: 'timeframe', value: null }] });
  }
  const each = (name: FilterParam, label: (value: string) => string) => {
    for (const value of url.searchParams.getAll(name)) chips.push({ label: label(value), params: [{ name, value }] });
  };
  each('where', (value) => value);
  each('has', (value) => `has ${value}`);
  each('without', (value) => `without ${value}`);
  each('repeats', (value) => `repeats ${value}`);
  each('counted-by', (value) => `counted by ${value.replaceAll('_', ' ')}`);
  each('not-counted-by', (value) => `not counted by ${value.replaceAll('_', ' ')}`);
  const any = url.searchParams.getAll('has-any');
  if (any.length > 0) chips.push({ label: `has any of ${any.join(', ')}`, params: [{ name: 'has-any', value: null }] });
  each('starts', (value) => `starts with ${value}`);
  each('ends', (value) => `ends with ${value}`);
  each('follows', (value) => value.replace('->', '→'));
  each('eventually', (value) => `${value.replace('->', '→')} (eventually)`);
  const min = get('min-duration');
  const max = get('max-duration');
  if (min !== null || max !== null) {
    const label = min !== null && max !== null ? `duration ${min} to ${max}` : min !== null ? `duration ≥ ${min}` : `duration ≤ ${max}`;
    chips.push({ label, params: [{ name: 'min-duration', value: null }, { name: 'max-duration', value: null }] });
  }
  each('variant', (value) => `variant ${value}`);
  return chips;
}

/** A copy of the URL to change the filter in: a list's page starts over with another filter. */
function refiltered(url: URL): URL {
  const next = new URL(url);
  next.searchParams.delete('page');
  return next;
}

/** The URL without a chip's conditions. */
export function withoutChip(url: URL, chip: FilterChip): URL {
  const next = refiltered(url);
  for (const { name, value } of chip.params) {
    if (value === null) next.searchParams.delete(name);
    else next.searchParams.delete(name, value);
  }
  return next;
}

/** Conditions to add to a filter: each parameter's value, or values for a repeatable one. */
export type Conditions = Partial<Record<FilterParam, string | readonly string[] | undefined>>;

/** The URL with conditions added (repeatable ones beside those there; the others replaced). */
export function withConditions(url: URL, conditions: Conditions): URL {
  const next = refiltered(url);
  for (const [name, given] of Object.entries(conditions) as [FilterParam, string | readonly string[] | undefined][]) {
    const values = (given === undefined ? [] : typeof given === 'string' ? [given] : [...given]).filter((value) => value !== '');
    for (const value of values) {
      if (REPEATABLE.has(name)) {
        if (!next.searchParams.getAll(name).includes(value)) next.searchParams.append(name, value);
      } else {
        next.searchParams.set(name, value);
      }
    }
  }
  return next;
}

/** The URL with no filter at all (a case notion stays: it picks the log). */
export function withoutFilter(url: URL): URL {
  const next = refiltered(url);
  for (const name of FILTER_PARAMS) if (name !== 'notion') next.searchParams.delete(name);
  return next;
}

/** The filter's part of the URL as a query string ('' or '?…'), to carry it from one page of a log to another. */
export function filterSearch(url: URL): string {
  const kept = new URLSearchParams();
  for (const name of FILTER_PARAMS) for (const value of url.searchParams.getAll(name)) kept.append(name, value);
  const text = kept.toString();
  return text === '' ? '' : `?${text}`;
}

/** The case list of a log, in the URL's filter narrowed by `conditions`: where every click-through lands. */
export function casesHref(url: URL, log: string, conditions: Conditions): string {
  return `/logs/${encodeURIComponent(log)}/cases${filterSearch(withConditions(url, conditions))}`;
}

/**
 * Runs a page's load beside its layout's (the filter bar's overview) rather than after it:
 * with the URL's filter, which is the page's unless the log cannot take it; then the layout
 * has said so and the page is loaded again with the layout's query (the whole log).
 */
export async function withPageFilter<T>(url: URL, parent: () => Promise<{ filter: { query: FilterQuery } }>, run: (query: FilterQuery) => Promise<T>): Promise<T> {
  const asked = filterQuery(url);
  const early = run(asked);
  // Awaited below, or superseded: never left to fail unheard.
  early.catch(() => {});
  const { filter } = await parent();
  return JSON.stringify(filter.query) === JSON.stringify(asked) ? early : run(filter.query);
}
