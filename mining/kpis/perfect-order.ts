import { type Context, type KpiHead, Needs, computed, notComputable, ratio } from './context.ts';
import type { Kpi } from './index.ts';
import { orderOutcomes } from './outcomes.ts';

/** Perfect-order rate: of the judged orders (as for OTIF), the share that are perfect: OTIF, no exception, no failed delivery, invoiced in full, not returned. */
export async function perfectOrderRate(context: Context): Promise<Kpi> {
  const { definitions, facts, missing, perfectMissing } = await orderOutcomes(context);
  const needs = new Needs(context);
  needs.missing.push(...missing, ...perfectMissing);
  const head: KpiHead = { id: 'perfect_order_rate', name: 'Perfect-order rate', unit: 'ratio', definition: `${definitions.judged} that are perfect: ${definitions.perfect}; OTIF meaning ${definitions.otif}; over judged orders` };
  if (facts === undefined || !needs.ok) return notComputable(head, needs);
  return computed(head, ratio(facts.perfect, facts.judged), { judged: facts.judged, perfect: facts.perfect }, 'no judged orders');
}
