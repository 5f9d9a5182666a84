import { type Context, type KpiHead, Needs, activityIn, computed, keyed, list, notComputable, quantityCtes, ratio, kpiRow } from './context.ts';
import { KPI_DEFAULTS } from './fields.ts';
import type { Kpi } from './index.ts';

/**
 * Fill rate: units allocated at promise (the allocated quantity on the allocation
 * activities, default Line Allocated) over units ordered (the ordered quantity
 * once per order line: its largest value on the line's events), over the orders.
 */
export async function fillRate(context: Context): Promise<Kpi> {
  const o = context.options.fillRate ?? {};
  const activities = o.allocationActivities ?? KPI_DEFAULTS.fillRate.allocationActivities;
  const allocatedName = o.allocatedAttribute ?? KPI_DEFAULTS.fillRate.allocatedAttribute;
  const orderedName = o.orderedAttribute ?? KPI_DEFAULTS.fillRate.orderedAttribute;
  const lineKeys = o.lineKeys ?? KPI_DEFAULTS.fillRate.lineKeys;
  const needs = new Needs(context).orders();
  const allocationIds = needs.someActivities(activities, 'allocation activities');
  const allocated = needs.number(allocatedName);
  const ordered = needs.number(orderedName);
  const line = needs.key(lineKeys, 'line_key', 'order lines');
  const head: KpiHead = {
    id: 'fill_rate',
    name: 'Fill rate',
    unit: 'ratio',
    definition: `units allocated at promise (${JSON.stringify(allocatedName)} on ${list(activities)}) over units ordered (${JSON.stringify(orderedName)} once per order line${line.label === '' ? '' : `, lines by ${line.label}`})`,
  };
  if (!needs.ok) return notComputable(head, needs);
  const lineKey = keyed(line, 'j');
  const row = (await kpiRow<{ unitsOrdered: number | null; unitsAllocated: number | null }>(
    context,
    `WITH ${quantityCtes(context, { ordered, allocated }, line)},
          j AS (SELECT ev.case_id, ev.event_no, ev.activity_id, qa.* EXCLUDE (event_no) FROM ev JOIN qa USING (event_no)),
          lines AS (SELECT j.case_id, ${lineKey.key} AS key, max(j.ordered) AS ordered FROM ${lineKey.from} WHERE j.ordered IS NOT NULL AND ${lineKey.key} IS NOT NULL GROUP BY ALL)
     SELECT (SELECT sum(ordered) FROM lines)::DOUBLE AS "unitsOrdered",
            (SELECT sum(allocated) FROM j WHERE ${activityIn(context, 'activity_id', allocationIds)})::DOUBLE AS "unitsAllocated"`,
    line.params,
  ))!;
  const counts = { unitsOrdered: row.unitsOrdered ?? 0, unitsAllocated: row.unitsAllocated ?? 0 };
  return computed(head, ratio(counts.unitsAllocated, counts.unitsOrdered), counts, 'no units ordered');
}
