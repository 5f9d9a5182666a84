import { existsSync, readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { z } from 'zod';
import { FILTER_PARAMS } from '../../mining/filter/params.ts';
import type { ApiEnv } from './actor.ts';
import { DEFAULT_ROLES } from './default-roles.ts';

/**
 * Role start pages: for each role of the business (customer service, warehouse,
 * procurement, finance) the numbers and queues it watches, each panel one of the
 * dashboard's own components reading one analysis. A deployment replaces the built-in
 * set with a JSON file named by WAYBILL_ROLES (same shape, checked at start).
 */
/** A panel's filter: the filter's own parameters (mining/filter/params.ts), nothing else. */
const filterValue = z.union([z.string(), z.array(z.string())]);
const filterShape = z.record(z.string(), filterValue).refine((given) => Object.keys(given).every((name) => (FILTER_PARAMS as readonly string[]).includes(name)), {
  message: `a panel's filter takes only the filter's parameters: ${FILTER_PARAMS.join(', ')}`,
});
const filter = filterShape.optional();
const panel = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('kpis'), title: z.string(), log: z.string(), kpis: z.array(z.string()).min(1) }),
  z.object({ kind: z.literal('queue'), title: z.string(), log: z.string(), steps: z.array(z.string()).optional(), filter }),
  z.object({ kind: z.literal('cases'), title: z.string(), log: z.string(), filter: filterShape, note: z.string().optional() }),
  z.object({
    kind: z.literal('breakdown'),
    title: z.string(),
    log: z.string(),
    by: z.string(),
    from: z.string().optional(),
    to: z.string().optional(),
    sort: z.enum(['median', 'mean', 'p90', 'cases']).optional(),
    limit: z.number().int().min(1).max(100).optional(),
    filter,
  }),
  z.object({ kind: z.literal('reconciliation'), title: z.string(), log: z.string(), section: z.enum(['orderLines', 'purchaseLines', 'stock']) }),
]);
const role = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'a role id is lower-case letters, digits and dashes'),
  title: z.string(),
  summary: z.string(),
  panels: z.array(panel).min(1),
});
export const rolesSchema = z.array(role).min(1);

export type Role = z.infer<typeof role>;
export type RolePanel = z.infer<typeof panel>;

/** The deployment's roles: WAYBILL_ROLES's file when set (a bad file stops the server at start, naming the problem), else the built-in ones. */
export function loadRoles(file = process.env.WAYBILL_ROLES): Role[] {
  if (file === undefined || file === '') return rolesSchema.parse(DEFAULT_ROLES);
  if (!existsSync(file)) throw new Error(`WAYBILL_ROLES names ${file}, which does not exist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`WAYBILL_ROLES: ${file} is not JSON: ${(error as Error).message}`);
  }
  const checked = rolesSchema.safeParse(parsed);
  if (!checked.success) throw new Error(`WAYBILL_ROLES: ${file} is not a list of roles: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return checked.data;
}

export function roleRoutes(roles: Role[]) {
  return new Hono<ApiEnv>().get('/roles', (c) => c.json({ roles }));
}
