import type { QueueAging } from '../../../mining/index.ts';

/**
 * Queue aging's settings on the operations page live in the URL, so a link shows the
 * same open work: `end` (repeated; one empty `end` for none), `silence` (`auto`,
 * `none` or a duration), `as-of` (an ISO date or instant) and `sla` (repeated,
 * `ACTIVITY=DURATION`): the API's own parameters, passed on as they are.
 */
export interface QueueAgingQuery {
  end?: string[];
  silence?: string;
  'as-of'?: string;
  sla?: string[];
}

export function queueAgingQuery(params: URLSearchParams): QueueAgingQuery {
  const query: QueueAgingQuery = {};
  if (params.has('end')) query.end = params.getAll('end');
  const silence = params.get('silence');
  if (silence !== null && silence.trim() !== '') query.silence = silence.trim();
  const asOf = params.get('as-of');
  if (asOf !== null && asOf.trim() !== '') query['as-of'] = asOf.trim();
  const sla = params.getAll('sla').filter((value) => value.trim() !== '');
  if (sla.length > 0) query.sla = sla;
  return query;
}

/** Settings to change (those left out stay): `end` null for the default end activities, [] for none; the others null for their default. */
export interface QueueAgingChange {
  end?: readonly string[] | null;
  silence?: string | null;
  asOf?: string | null;
  sla?: readonly string[] | null;
}

/** `url` with the changed settings. */
export function withQueueAgingSettings(url: URL, change: QueueAgingChange): URL {
  const next = new URL(url);
  if (change.end !== undefined) {
    next.searchParams.delete('end');
    if (change.end !== null) {
      if (change.end.length === 0) next.searchParams.append('end', '');
      for (const activity of change.end) next.searchParams.append('end', activity);
    }
  }
  const single = (name: string, value: string | null | undefined) => {
    if (value === undefined) return;
    next.searchParams.delete(name);
    if (value !== null && value !== '') next.searchParams.set(name, value);
  };
  single('silence', change.silence);
  single('as-of', change.asOf);
  if (change.sla !== undefined) {
    next.searchParams.delete('sla');
    for (const sla of change.sla ?? []) next.searchParams.append('sla', sla);
  }
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
