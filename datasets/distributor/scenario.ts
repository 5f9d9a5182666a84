import { readFile } from 'node:fs/promises';

/**
 * What the simulated distributor plants on purpose (`default-scenario.json`
 * beside this file holds the defaults, to copy and edit for `--scenario`). Every effect that
 * `ground-truth.json` states is driven by one of these numbers, so a scenario
 * file can move an effect and the manifest moves with it. Durations are
 * medians in minutes of working time unless named otherwise.
 */
export interface Scenario {
  /** Credit review: holds wait for the customer, then queue for an analyst; few analysts work Mondays. */
  credit: {
    holdRate: { A: number; B: number; C: number };
    customerResponseHours: number;
    reviewMinutes: number;
    /** Share of the credit team at work on Mondays (the planted understaffing). */
    mondayStaffShare: number;
    utilization: number;
  };
  /** Pricing discrepancies: the share of orders with one steps up from week `stepWeek` (1 = the first week). */
  pricing: { rateBefore: number; rateAfter: number; stepWeek: number };
  /** EDI orders with a pricing discrepancy are validated again by the order desk (the rework loop). */
  ediRevalidation: { revalidateMinutes: number };
  /** Warehouse picking: minutes per line; `slowWarehouse` picks `slowFactor` times slower, on one shift ending at `slowShiftEndHour` (UTC). */
  picking: { minutesPerLine: number; slowWarehouse: string; slowFactor: number; slowShiftEndHour: number; utilization: number; shortPickRate: number };
  /** Purchasing: one supplier ships late on `lateRate` of its POs by `lateDays` extra days. */
  suppliers: { count: number; leadDays: number; lateSupplier: string; lateRate: number; lateDays: number; otherLateRate: number };
  /** Receipts: over/short/damaged chances per PO line; `shortSku` is always received short, which the invoice then mismatches. */
  receipts: { overRate: number; shortRate: number; damagedRate: number; shortSku: string };
  /** POs at or above this value need a manager's approval; smaller ones are approved automatically. */
  approvalThreshold: number;
  /** Returns: chance that a delivered shipment has a line returned, and median days from delivery to the request. */
  returns: { rate: number; requestDays: number };
  /** Carriers: chance that a delivery attempt fails and is rescheduled. */
  carriers: { failureRate: number };
  /** Inventory policy: days of demand held above the lead time (reorder point), days ordered per PO, at least `minimumUnits` per PO. */
  inventory: { safetyDays: number; reviewDays: number; initialDays: number; minimumUnits: number; substitutionRate: number };
  /**
   * Cycle counts: each weekday at `hour` (UTC) a warehouse counts `skusPerDay` SKUs (fast movers more often);
   * a count finds a discrepancy with chance `discrepancyRate`, found stock in `foundShare` of those and shrinkage otherwise.
   */
  cycleCounts: { hour: number; skusPerDay: number; discrepancyRate: number; foundShare: number };
}

export const DEFAULT_SCENARIO: Scenario = {
  credit: { holdRate: { A: 0.02, B: 0.06, C: 0.2 }, customerResponseHours: 60, reviewMinutes: 60, mondayStaffShare: 0.2, utilization: 0.85 },
  pricing: { rateBefore: 0.03, rateAfter: 0.12, stepWeek: 4 },
  ediRevalidation: { revalidateMinutes: 20 },
  picking: { minutesPerLine: 5, slowWarehouse: 'ATL', slowFactor: 2, slowShiftEndHour: 14, utilization: 0.65, shortPickRate: 0.015 },
  suppliers: { count: 12, leadDays: 4, lateSupplier: 'SUP-103', lateRate: 0.4, lateDays: 5, otherLateRate: 0.05 },
  receipts: { overRate: 0.02, shortRate: 0.03, damagedRate: 0.02, shortSku: 'SKU-100004' },
  approvalThreshold: 25_000,
  returns: { rate: 0.03, requestDays: 1.5 },
  carriers: { failureRate: 0.04 },
  inventory: { safetyDays: 3, reviewDays: 10, initialDays: 14, minimumUnits: 40, substitutionRate: 0.3 },
  cycleCounts: { hour: 7, skusPerDay: 20, discrepancyRate: 0.08, foundShare: 0.25 },
};

/** A scenario that cannot be used: names the file and the offending key. */
export class ScenarioError extends Error {}

/**
 * Overlays `overrides` (parsed JSON) on `base`: objects merge key by key, other
 * values replace. Unknown keys and values of another type are refused, so a
 * typo in a scenario file is an error instead of a silently ignored effect.
 */
export function mergeScenario(base: Scenario, overrides: unknown, source = 'scenario'): Scenario {
  return merge(base, overrides, source) as Scenario;
}

function merge(base: unknown, override: unknown, path: string): unknown {
  if (typeof base === 'object' && base !== null) {
    if (typeof override !== 'object' || override === null || Array.isArray(override)) {
      throw new ScenarioError(`${path} must be an object`);
    }
    const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [key, value] of Object.entries(override)) {
      if (!(key in result)) throw new ScenarioError(`${path}.${key} is not a scenario setting (known: ${Object.keys(result).join(', ')})`);
      result[key] = merge(result[key], value, `${path}.${key}`);
    }
    return result;
  }
  if (typeof override !== typeof base || (typeof override === 'number' && !Number.isFinite(override))) {
    throw new ScenarioError(`${path} must be a ${typeof base}, got ${JSON.stringify(override)}`);
  }
  return override;
}

/** Reads a JSON scenario file and overlays it on the defaults. */
export async function loadScenario(path: string): Promise<Scenario> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError(`cannot read scenario ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return mergeScenario(DEFAULT_SCENARIO, parsed, path);
}
