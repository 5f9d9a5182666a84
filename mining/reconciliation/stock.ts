import { usedParams } from '../columns.ts';
import { ATTRIBUTES, ORDER_ACTIVITIES as ORDER, PURCHASE_ACTIVITIES as PURCHASE, QUANTITY_ATTRIBUTES as QUANTITY } from '../vocabulary.ts';
import { Needs, type Source, notComputable, rows } from './context.ts';
import type { Reconciliation, ReconciliationOptions, StockPosition, StockTotals, StockVariance } from './index.ts';

export async function stock(source: Source, o: NonNullable<ReconciliationOptions['stock']>, limit: number): Promise<Reconciliation['stock']> {
  const needs = new Needs(source);
  const warehouse = needs.text(o.warehouseAttribute ?? ATTRIBUTES.warehouse);
  const sku = needs.optionalText(o.skuAttribute ?? ATTRIBUTES.sku);
  const putAwayActs = needs.activities(o.putAwayActivities ?? [PURCHASE.putAway]);
  const allocationActs = needs.activities(o.allocationActivities ?? [ORDER.lineAllocated, ORDER.backorderAllocated]);
  const shippedActs = needs.activities(o.shippedActivities ?? [ORDER.shipped], true);
  const adjustmentActs = needs.activities(o.adjustmentActivities ?? [PURCHASE.cycleCountAdjusted]);
  const putAway = needs.number(o.putAwayAttribute ?? QUANTITY.received);
  const allocated = needs.number(o.allocatedAttribute ?? QUANTITY.allocated);
  const shipped = shippedActs === 'NULL' ? 'NULL' : needs.number(o.shippedAttribute ?? QUANTITY.shipped);
  const adjusted = needs.number(o.adjustedAttribute ?? QUANTITY.adjusted);
  if (needs.missing.length > 0) return notComputable(needs, { warehouses: [], trend: [] });
  const params = { ...source.params, ...needs.params, limit };
  const stockEvents = (activities: string) => `
    WITH ev AS (${needs.events(`${warehouse} AS warehouse, ${sku} AS sku,
                                CASE WHEN ev.activity IN (${putAwayActs}) THEN ${putAway} END AS put_away,
                                CASE WHEN ev.activity IN (${allocationActs}) THEN ${allocated} END AS allocated,
                                CASE WHEN ev.activity IN (${shippedActs}) THEN ${shipped} END AS shipped,
                                CASE WHEN ev.activity IN (${adjustmentActs}) THEN ${adjusted} END AS adjusted`)}
                WHERE ev.activity IN (${activities}))`;
  // The positions aggregate the events in one pass; only the adjustments (few) are kept for the trend and the list.
  const positions = `${stockEvents(`${putAwayActs}, ${allocationActs}, ${shippedActs}, ${adjustmentActs}`)} SELECT warehouse, coalesce(sum(put_away), 0)::DOUBLE AS "putAway", coalesce(sum(allocated), 0)::DOUBLE AS allocated,
                    coalesce(sum(shipped), 0)::DOUBLE AS shipped, coalesce(sum(adjusted), 0)::DOUBLE AS adjustments,
                    count(*) FILTER (WHERE adjusted <> 0)::BIGINT AS "adjustmentCount",
                    coalesce(-sum(adjusted) FILTER (WHERE adjusted < 0), 0)::DOUBLE AS shrinkage, coalesce(sum(adjusted) FILTER (WHERE adjusted > 0), 0)::DOUBLE AS found,
                    (coalesce(sum(put_away), 0) - coalesce(sum(allocated), 0) + coalesce(sum(adjusted), 0))::DOUBLE AS "bookMovement"
             FROM ev WHERE warehouse IS NOT NULL GROUP BY warehouse ORDER BY warehouse`;
  const warehouses = await rows<StockPosition>(source.connection, positions, params);
  const materialize = `CREATE OR REPLACE TEMP TABLE rec_stock_adjustments AS ${stockEvents(adjustmentActs)} SELECT ts, warehouse, sku, adjusted FROM ev WHERE adjusted IS NOT NULL AND adjusted <> 0`;
  await source.connection.run(materialize, usedParams(materialize, params));
  const adjustments = 'rec_stock_adjustments';
  const totals: StockTotals = {
    warehouses: warehouses.length,
    adjustmentCount: warehouses.reduce((s, w) => s + w.adjustmentCount, 0),
    adjustments: warehouses.reduce((s, w) => s + w.adjustments, 0),
    shrinkage: warehouses.reduce((s, w) => s + w.shrinkage, 0),
    found: warehouses.reduce((s, w) => s + w.found, 0),
  };
  const trend = await rows<Reconciliation['stock']['trend'][number]>(
    source.connection,
    `SELECT strftime(date_trunc('week', timezone('UTC', ts)), '%Y-%m-%d') AS week, warehouse, count(*)::BIGINT AS adjustments,
                    sum(adjusted)::DOUBLE AS units, coalesce(-sum(adjusted) FILTER (WHERE adjusted < 0), 0)::DOUBLE AS shrinkage,
                    coalesce(sum(adjusted) FILTER (WHERE adjusted > 0), 0)::DOUBLE AS found
             FROM ${adjustments} WHERE warehouse IS NOT NULL GROUP BY ALL ORDER BY week, warehouse`,
    params,
  );
  const variances = await rows<StockVariance>(
    source.connection,
    `SELECT strftime(ts, '%Y-%m-%dT%H:%M:%S.%gZ') AS at, warehouse, sku, adjusted::DOUBLE AS quantity FROM ${adjustments}
             ORDER BY abs(adjusted) DESC, ts, warehouse, sku LIMIT $limit`,
    params,
  );
  return { computable: true, reason: null, totals, variances, warehouses, trend };
}
