import { type Context, type KpiHead, Needs, computed, notComputable, ratio } from './context.ts';
import type { Kpi } from './index.ts';
import { orderOutcomes } from './outcomes.ts';

/**
 * On time in full: of the judged orders (promised on or before the judging date,
 * by default `horizonDays` = 7 days before the day after the log's last event, so a
 * late delivery has had time to show), the share that are OTIF: every line shipped
 * in full (total shipped = ordered) and every shipment of the order delivered
 * before the end (midnight UTC) of the promised date. Needs the Delivered events,
 * which a carrier stream holds: on an orders log alone it is not computable.
 */
export async function otif(context: Context): Promise<Kpi> {
  const { definitions, facts, missing } = await orderOutcomes(context);
  const needs = new Needs(context);
  needs.missing.push(...missing);
  const head: KpiHead = { id: 'otif', name: 'On time in full (OTIF)', unit: 'ratio', definition: `${definitions.judged} that are OTIF: ${definitions.otif}; over judged orders` };
  if (facts === undefined) return notComputable(head, needs);
  return { ...computed(head, ratio(facts.otif, facts.judged), { judged: facts.judged, otif: facts.otif }, 'no judged orders'), definition: `${head.definition} (judged by ${facts.judgedPromisedBy})` };
}
