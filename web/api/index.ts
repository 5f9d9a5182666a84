import { Hono, type Context } from 'hono';
import { discoverProcessMap, FilterError, filterFromParams, getCaseDurations, getVariants, UnknownLogError, type Filter } from '../../mining/index.ts';
import type { Store } from '../../store/db.ts';
import { listLogs } from '../../store/logs.ts';

/**
 * The HTTP API, mounted at /api. It validates, calls mining/, and returns JSON; the
 * response types are mining's own. Errors are `{ error }` with 400 (bad parameter)
 * or 404 (unknown log).
 */
export function createApi(openStore: () => Promise<Store>) {
  const filterOf = (c: Context): Filter => filterFromParams({ from: c.req.query('from'), to: c.req.query('to'), timeframe: c.req.query('timeframe') });

  return new Hono()
    .basePath('/api')
    .onError((error, c) => {
      if (error instanceof UnknownLogError) return c.json({ error: error.message }, 404);
      if (error instanceof FilterError || error instanceof BadParameter || error instanceof RangeError) return c.json({ error: error.message }, 400);
      console.error(error);
      return c.json({ error: 'internal error; the server log has the details' }, 500);
    })
    .notFound((c) => c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}` }, 404))
    .get('/logs', async (c) => c.json({ logs: await listLogs(await openStore()) }))
    .get('/logs/:log/process-map', async (c) => c.json(await discoverProcessMap(await openStore(), c.req.param('log'), filterOf(c))))
    .get('/logs/:log/variants', async (c) => {
      const limit = optionalInteger(c.req.query('limit'), 'limit', 1);
      return c.json(await getVariants(await openStore(), c.req.param('log'), filterOf(c), limit === undefined ? {} : { limit }));
    })
    .get('/logs/:log/case-durations', async (c) => {
      const bins = optionalInteger(c.req.query('bins'), 'bins', 1, 500);
      return c.json(await getCaseDurations(await openStore(), c.req.param('log'), filterOf(c), bins === undefined ? {} : { bins }));
    });
}

export type Api = ReturnType<typeof createApi>;

class BadParameter extends Error {}

function optionalInteger(text: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadParameter(`${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? ' up' : ` to ${max}`}, not ${JSON.stringify(text)}`);
  }
  return value;
}
