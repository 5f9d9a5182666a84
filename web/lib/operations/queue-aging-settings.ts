import type { QueueAging } from '../../../mining/index.ts';

/**
 * Queue aging's settings on the operations page live in the URL, so a link shows the
 * same open work: `end` (repeated; one empty `end` for none) and `silence` (`auto`,
 * `none` or a duration), the API's own parameters, passed on as they are.
 */
export interface QueueAgingQuery {
  end?: string[];
  silence?: string;
}

export function queueAgingQuery(params: URLSearchParams): QueueAgingQuery {
  const query: QueueAgingQuery = {};
  if (params.has('end')) query.end = params.getAll('end');
  const silence = params.get('silence');
  if (silence !== null && silence.trim() !== '') query.silence = silence.trim();
  return query;
}

/** `url` with the chosen settings: `end` null for the default end activities, [] for none; `silence` null for its default. */
export function withQueueAgingSettings(url: URL, settings: { end: readonly string[] | null; silence: string | null }): URL {
  const next = new URL(url);
  next.searchParams.delete('end');
  next.searchParams.delete('silence');
  if (settings.end !== null) {
    if (settings.end.length === 0) next.searchParams.append('end', '');
    for (const activity of settings.end) next.searchParams.append('end', activity);
  }
  if (settings.silence !== null) next.searchParams.set('silence', settings.silence);
  return next;
}

/** One activity to tick or not as an end activity, with its evidence when the result has some. */
export interface EndChoice {
  activity: string;
  end: boolean;
  cases: number | null;
  share: number | null;
}

/** Every activity of the log: by evidence (strongest first) when there is some, else by name. */
export function endChoices(aging: Pick<QueueAging, 'endActivities' | 'rule'>): EndChoice[] {
  const ends = new Set(aging.endActivities);
  if (aging.rule.evidence !== null) return aging.rule.evidence.map((e) => ({ activity: e.activity, end: ends.has(e.activity), cases: e.cases, share: e.share }));
  return aging.rule.activities.map((activity) => ({ activity, end: ends.has(activity), cases: null, share: null }));
}

export type SilenceMode = 'auto' | 'none' | 'custom';

/** The silence control's state for a result: `custom` with the URL's text when a duration was given. */
export function silenceSetting(silence: QueueAging['rule']['silence'], param: string | null): { mode: SilenceMode; custom: string } {
  if (silence.source === 'option') return { mode: 'custom', custom: param ?? `${silence.seconds}s` };
  return { mode: silence.source === 'log' ? 'auto' : 'none', custom: '' };
}
