import { type Context, type KpiHead, Needs, computed, notComputable, pairDurations } from './context.ts';
import { KPI_DEFAULTS } from './fields.ts';
import type { Kpi } from './index.ts';

/** Credit (approval) turnaround: median time from each Credit Hold to the first Credit Released after it in the same case. */
export async function creditTurnaround(context: Context): Promise<Kpi> {
  const from = context.options.creditTurnaround?.from ?? KPI_DEFAULTS.creditTurnaround.from;
  const to = context.options.creditTurnaround?.to ?? KPI_DEFAULTS.creditTurnaround.to;
  const head: KpiHead = {
    id: 'credit_turnaround',
    name: 'Credit / approval turnaround',
    unit: 'seconds',
    definition: `median time from each ${JSON.stringify(from)} to the first ${JSON.stringify(to)} after it in the same case; holds not yet released are left out`,
  };
  const needs = new Needs(context);
  const a = needs.activity(from);
  const b = needs.activity(to);
  if (!needs.ok) return notComputable(head, needs);
  const row = await pairDurations(context, a, b, undefined);
  return computed(head, row.median, row, `no ${JSON.stringify(from)} is followed by ${JSON.stringify(to)}`);
}
