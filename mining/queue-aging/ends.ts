import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import { queryRow, queryRows } from '../../store/db.ts';
import { humanizeSeconds } from '../format.ts';
import { OptionError } from '../errors.ts';

/**
 * What closes a case in queue aging: reaching an end activity, or — when the ends
 * are only inferred — a silence far longer than the log's cases ever pause.
 *
 * - `option`: the caller's end activities;
 * - `distribution`: the log has the order-to-cash activity 'Payment Received': an order
 *   ends when paid, credited ('Credit Memo') or cancelled ('Order Cancelled'), those of
 *   them the log has, save a credit or cancellation that some case is paid after (on an
 *   order case notion a return's credit memo is not the order's end); a shipment step
 *   after payment does not reopen it;
 * - `inferred`: otherwise, every activity after whose first occurrence in a case the
 *   case's last event comes within `END_WITHIN_SECONDS`, in at least `END_SHARE` of the
 *   cases it occurs in (over the whole log): once it happens the case is over, save for
 *   trailing bookkeeping such as closing a work item.
 */
export type EndActivitiesSource = 'option' | 'distribution' | 'inferred';

/** How strongly an activity ends the cases it occurs in, over the whole log. */
export interface EndEvidence {
  activity: string;
  /** Cases the activity occurs in. */
  cases: number;
  /** Of those, the cases whose last event comes at most `endWithinSeconds` after the activity's first occurrence. */
  endedWithin: number;
  /** endedWithin / cases. */
  share: number;
  /** One of the end activities used. */
  end: boolean;
}

/**
 * - `log`: the `SILENCE_PERCENTILE` of the log's cases' longest pause (the most time
 *   between two consecutive events of a case), over the whole log;
 * - `option`: given by the caller;
 * - `off`: silence closes no case (`none` was asked, or the end activities are given or
 *   known, so a case without one is open however quiet).
 */
export type SilenceSource = 'log' | 'option' | 'off';

export interface Silence {
  /** A case with no end activity whose last event is more than this many seconds before asOf is judged ended; null when off. */
  seconds: number | null;
  source: SilenceSource;
}

/** The silence option: seconds, `none`, or `auto` (the log's own threshold). */
export type SilenceOption = number | 'none' | 'auto';

/** Share of the cases an activity occurs in that must end soon after it for it to be inferred as an end activity. */
export const END_SHARE = 0.95;
/** How soon after an activity's first occurrence the case must end for that case to count as ended by it. */
export const END_WITHIN_SECONDS = 3_600;
/** Percentile of the log's longest pause per case above which silence judges a case ended. */
export const SILENCE_PERCENTILE = 0.99;
const DISTRIBUTION_MARKER = 'Payment Received';
const DISTRIBUTION_END = ['Payment Received', 'Credit Memo', 'Order Cancelled'];

/** Every activity of the log with its evidence of ending cases, highest share first, then by name. */
async function endEvidence(connection: DuckDBConnection, logId: number, names: string[]): Promise<Omit<EndEvidence, 'end'>[]> {
  // An activity's first occurrence is within the case's last `within` seconds exactly when all
  // of its occurrences are: count them in that tail and compare with the variant's count, so
  // only the tail events are grouped, and the cases an activity occurs in come from the variants.
  const rows = await queryRows<{ activity_id: number; cases: number; ended: number }>(
    connection,
    `WITH tail AS (
       SELECT e.case_id, e.activity_id, count(*) AS n, any_value(c.variant_id) AS variant_id
       FROM events e JOIN cases c ON c.log_id = $log AND c.case_id = e.case_id
       WHERE e.log_id = $log AND epoch(c.end_ts) - epoch(e.ts) <= $within
       GROUP BY e.case_id, e.activity_id),
     ended AS (
       SELECT t.activity_id, count(*) AS n FROM tail t
       JOIN variant_activities va ON va.log_id = $log AND va.variant_id = t.variant_id AND va.activity_id = t.activity_id
       WHERE t.n = va.occurrences GROUP BY t.activity_id),
     per_variant AS (SELECT variant_id, count(*) AS n FROM cases WHERE log_id = $log GROUP BY variant_id),
     occurring AS (
       SELECT va.activity_id, sum(p.n) AS cases FROM per_variant p
       JOIN variant_activities va ON va.log_id = $log AND va.variant_id = p.variant_id GROUP BY va.activity_id)
     SELECT o.activity_id, o.cases::BIGINT AS cases, coalesce(e.n, 0)::BIGINT AS ended FROM occurring o LEFT JOIN ended e USING (activity_id)`,
    { log: logId, within: END_WITHIN_SECONDS },
  );
  return rows
    .map((row) => ({ activity: names[row.activity_id] ?? `#${row.activity_id}`, cases: row.cases, endedWithin: row.ended, share: row.ended / row.cases }))
    .sort((a, b) => b.share - a.share || b.cases - a.cases || compare(a.activity, b.activity));
}

export interface EndChoice {
  names: string[];
  source: EndActivitiesSource;
  evidence: Omit<EndEvidence, 'end'>[] | null;
  /** Of the distribution's ends, those left out because cases are paid after them. */
  paidAfter?: PaidAfter[];
}

/** A distribution end activity, the cases it occurs in, and how many of them 'Payment Received' comes after. */
interface PaidAfter {
  activity: string;
  cases: number;
  paidAfter: number;
}

/** For each of the distribution's ends but payment, the cases paid after its first occurrence; from the variants, no event scan. */
async function casesPaidAfter(connection: DuckDBConnection, logId: number, names: string[]): Promise<PaidAfter[]> {
  const others = DISTRIBUTION_END.filter((name) => name !== DISTRIBUTION_MARKER && names.includes(name));
  if (others.length === 0) return [];
  const rows = await queryRows<{ activity_id: number; cases: number; paid_after: number }>(
    connection,
    `WITH per_variant AS (SELECT variant_id, count(*) AS n FROM cases WHERE log_id = $log GROUP BY variant_id),
          candidate AS (SELECT unnest($candidates::INTEGER[]) AS activity_id)
     SELECT k.activity_id, sum(p.n)::BIGINT AS cases,
            coalesce(sum(p.n) FILTER (WHERE list_contains(v.activity_ids, $paid)
              AND list_position(v.activity_ids, k.activity_id) < len(v.activity_ids) + 1 - list_position(list_reverse(v.activity_ids), $paid)), 0)::BIGINT AS paid_after
     FROM candidate k JOIN variants v ON v.log_id = $log AND list_contains(v.activity_ids, k.activity_id)
     JOIN per_variant p ON p.variant_id = v.variant_id
     GROUP BY k.activity_id`,
    { log: logId, candidates: listValue(others.map((name) => names.indexOf(name))), paid: names.indexOf(DISTRIBUTION_MARKER) },
  );
  return rows.map((row) => ({ activity: names[row.activity_id]!, cases: row.cases, paidAfter: row.paid_after }));
}

/**
 * The end activities and, unless they are the distribution's known vocabulary, every
 * activity's evidence (one pass over the events, which the known vocabulary does not need).
 */
export async function chooseEndActivities(
  connection: DuckDBConnection,
  logId: number,
  names: string[],
  given: string[] | undefined,
): Promise<EndChoice> {
  if (given !== undefined) {
    if (!Array.isArray(given) || given.some((name) => typeof name !== 'string')) throw new OptionError('endActivities must be a list of activity names');
    return { names: [...new Set(given)], source: 'option', evidence: await endEvidence(connection, logId, names) };
  }
  if (names.includes(DISTRIBUTION_MARKER)) {
    const paidAfter = await casesPaidAfter(connection, logId, names);
    const ends = DISTRIBUTION_END.filter((name) => names.includes(name) && !paidAfter.some((p) => p.activity === name && p.paidAfter > 0));
    return { names: ends, source: 'distribution', evidence: null, paidAfter: paidAfter.filter((p) => p.paidAfter > 0) };
  }
  const evidence = await endEvidence(connection, logId, names);
  return { names: evidence.filter((e) => e.share >= END_SHARE).map((e) => e.activity), source: 'inferred', evidence };
}

/** The silence threshold: given, off, or (by default only for inferred ends) the log's percentile of its cases' longest pause. */
export async function chooseSilence(connection: DuckDBConnection, logId: number, option: SilenceOption | undefined, ends: EndActivitiesSource): Promise<Silence> {
  if (option === 'none' || (option === undefined && ends !== 'inferred')) return { seconds: null, source: 'off' };
  if (typeof option === 'number') {
    if (!Number.isFinite(option) || option < 0) throw new OptionError(`silence must be a number of seconds ≥ 0, none or auto, not ${JSON.stringify(option)}`);
    return { seconds: option, source: 'option' };
  }
  if (option !== undefined && option !== 'auto') throw new OptionError(`silence must be a number of seconds ≥ 0, none or auto, not ${JSON.stringify(option)}`);
  const row = await queryRow<{ seconds: number | null }>(
    connection,
    `SELECT quantile_cont(longest, $p) AS seconds FROM (SELECT max(next_seconds) AS longest FROM events WHERE log_id = $log GROUP BY case_id)`,
    { log: logId, p: SILENCE_PERCENTILE },
  );
  // A log whose cases are all single events has no pause to compare with.
  return row?.seconds === null || row?.seconds === undefined ? { seconds: null, source: 'off' } : { seconds: row.seconds, source: 'log' };
}

/** The rule in words, for the page and the terminal. */
export function describeRule(ends: EndChoice, silence: Silence): string {
  const left = (ends.paidAfter ?? []).map((p) => ` ${p.activity} is no end here: ${p.paidAfter} of the ${p.cases} cases it occurs in are paid after it.`).join('');
  const closed =
    ends.source === 'option'
      ? 'A case is closed once it reaches one of the given end activities.'
      : ends.source === 'distribution'
        ? `A case is closed once it reaches the order's own end (${ends.names.join(', ')}); later events, such as a delivery after payment, do not reopen it.${left}`
        : `A case is closed once it reaches an end activity. End activities are inferred from the log: those after whose first occurrence the case ends within ${humanizeSeconds(END_WITHIN_SECONDS)} in at least ${Math.round(END_SHARE * 100)} % of the cases they occur in${ends.names.length === 0 ? '; none qualifies here' : ''}.`;
  const quiet =
    silence.seconds === null
      ? ' A case without one is open however long it has been quiet.'
      : ` A case without one whose last event is more than ${humanizeSeconds(silence.seconds)} old${
          silence.source === 'log' ? ` (longer than ${Math.round(SILENCE_PERCENTILE * 100)} % of this log's cases ever paused between two events)` : ''
        } is judged ended without a recorded end, not open.`;
  return closed + quiet;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
