import { queryRows, type Store } from '../../store/db.ts';
import { attributeTable } from '../../store/schema.ts';
import { quoteIdent } from '../../store/sql.ts';
import { runAnalysis } from '../analysis.ts';
import { isTemporalType, logTables } from '../columns.ts';
import { OptionError } from '../errors.ts';

/**
 * One case as it happened: its events in order with their times, the gap since the
 * event before, resource, lifecycle and every attribute value; for a case of a case
 * notion (an object of a linked log), the other objects its events touch, each with
 * the case notion that holds its own events.
 */
export interface CaseTimeline {
  log: string;
  case: string;
  start: string;
  end: string;
  durationSeconds: number;
  /** The variant's rank in the log, as `variant=` filters by it. */
  variant: number;
  events: { activity: string; timestamp: string; gapSeconds: number | null; resource: string | null; lifecycle: string | null; attributes: Record<string, string | null> }[];
  /** Objects of other types (or other objects of the case's type) that the case's events also touch; empty for a classic log. */
  objects: { type: string; id: string; events: number; notion: string | null }[];
}

/** The timeline of the case named `caseName` in a log; an OptionError when the log has no such case. */
export async function getCaseTimeline(store: Store, log: string, caseName: string): Promise<CaseTimeline> {
  return runAnalysis(store, log, {}, async ({ connection, log: ref, params }) => {
    const [found] = await queryRows<{ id: number; start: string; end: string; duration: number; variant: number }>(
      connection,
      `SELECT case_id AS id, strftime(start_ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS start, strftime(end_ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS "end",
              duration_s AS duration, variant_id + 1 AS variant
       FROM cases WHERE log_id = $log AND name = $name`,
      { ...params, name: caseName },
    );
    if (found === undefined) throw new OptionError(`the log ${JSON.stringify(ref.name)} has no case ${JSON.stringify(caseName)}`);
    const values = ref.attributes.map((a, i) => `${isTemporalType(a.type) ? `strftime(x.${quoteIdent(a.name)}, '%Y-%m-%dT%H:%M:%S.%gZ')` : `CAST(x.${quoteIdent(a.name)} AS VARCHAR)`} AS a${i}`);
    const rows = await queryRows<Record<string, string | number | null>>(
      connection,
      `SELECT act.name AS activity, strftime(e.ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS timestamp,
              epoch_ms(e.ts) - epoch_ms(lag(e.ts) OVER (ORDER BY e.position)) AS gap_ms, e.resource, e.lifecycle, e.event_no
              ${values.map((v) => `, ${v}`).join('')}
       FROM events e JOIN activities act ON act.log_id = e.log_id AND act.activity_id = e.activity_id
       ${values.length === 0 ? '' : `LEFT JOIN ${quoteIdent(attributeTable(ref.id))} x ON x.waybill_event_no = e.event_no`}
       WHERE e.log_id = $log AND e.case_id = $case ORDER BY e.position`,
      { ...params, case: found.id },
    );
    const events = rows.map((row) => ({
      activity: row.activity as string,
      timestamp: row.timestamp as string,
      gapSeconds: row.gap_ms === null ? null : Number(row.gap_ms) / 1000,
      resource: (row.resource as string | null) ?? null,
      lifecycle: (row.lifecycle as string | null) ?? null,
      attributes: Object.fromEntries(ref.attributes.map((a, i) => [a.name, (row[`a${i}`] as string | null) ?? null])),
    }));

    const tables = await logTables(connection, ref.id);
    let objects: CaseTimeline['objects'] = [];
    if (tables.objectLogId !== null && ref.caseNotion !== null) {
      // The case is an object of the linked log; its events are the linked log's, so their links name the other objects.
      const touched = await queryRows<{ type: string; id: string; events: number }>(
        connection,
        `SELECT o.object_type AS type, o.object_id AS id, count(DISTINCT eo.event_no)::BIGINT AS events
         FROM event_objects eo JOIN objects o ON o.log_id = eo.log_id AND o.object_id = eo.object_id
         WHERE eo.log_id = $objects AND eo.event_no IN (SELECT event_no FROM events WHERE log_id = $log AND case_id = $case)
           AND NOT (o.object_type = $type AND o.object_id = $name)
         GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`,
        { log: ref.id, case: found.id, objects: tables.objectLogId, type: ref.caseNotion, name: caseName },
      );
      const parent = ref.parent ?? ref.name;
      objects = touched.map((o) => ({ ...o, notion: tables.notionLogs.has(o.type) ? `${parent}@${o.type}` : null }));
    }
    return { log, case: caseName, start: found.start, end: found.end, durationSeconds: found.duration, variant: found.variant, events, objects };
  });
}
