import { resolveKey } from '../columns.ts';
import { type Context, type KpiHead, Needs, computed, notComputable, pairDurations } from './context.ts';
import { KPI_DEFAULTS } from './fields.ts';
import type { Kpi } from './index.ts';

/**
 * Receipt-to-available time (purchasing): median time from each Goods Received to
 * the first Put Away after it in the same case naming the same PO line (the first
 * of `matchKeys` the log has, as an attribute or an object type; none: the same case).
 */
export async function receiptToAvailable(context: Context): Promise<Kpi> {
  const from = context.options.receiptToAvailable?.from ?? KPI_DEFAULTS.receiptToAvailable.from;
  const to = context.options.receiptToAvailable?.to ?? KPI_DEFAULTS.receiptToAvailable.to;
  const matchKeys = context.options.receiptToAvailable?.matchKeys ?? KPI_DEFAULTS.receiptToAvailable.matchKeys;
  const match = resolveKey(context.tables, matchKeys, 'match_key');
  const head: KpiHead = {
    id: 'receipt_to_available',
    name: 'Receipt-to-available time',
    unit: 'seconds',
    definition: `median time from each ${JSON.stringify(from)} to the first ${JSON.stringify(to)} after it in the same case${match === undefined ? '' : ` with the same ${match.key.label}`}; receipts not yet put away are left out`,
  };
  const needs = new Needs(context);
  const a = needs.activity(from);
  const b = needs.activity(to);
  if (!needs.ok) return notComputable(head, needs);
  const row = await pairDurations(context, a, b, match === undefined ? undefined : { relation: match.key.idRelation, params: match.params });
  return computed(head, row.median, row, `no ${JSON.stringify(from)} is followed by ${JSON.stringify(to)}`);
}
