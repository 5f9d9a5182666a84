import { Hono } from 'hono';
import { getKpiSettings, OptionError, saveKpiSettings, type Store } from '../../mining/index.ts';
import { audit } from '../../store/audit.ts';
import type { Context } from 'hono';
import { actorOf, needs, type ApiEnv } from './actor.ts';
import { jsonBodyLimit } from './json-body.ts';

/**
 * A log's saved settings: `GET /logs/:log/settings/kpis` answers the KPI settings with
 * the log's activities, attributes and object types to choose from; `PUT` replaces them
 * with the JSON body (`{}` clears them), checked by mining against its schema and the
 * log's own names. The KPIs and exception trends read them when no option is given.
 */
export function settingsRoutes(openStore: () => Promise<Store>, logOf: (c: Context<ApiEnv>, withNotion: boolean) => Promise<string>) {
  // Errors (OptionError 400, UnknownLogError 404) are answered by the API's onError.
  return new Hono<ApiEnv>()
    .get('/logs/:log/settings/kpis', async (c) => c.json(await getKpiSettings(await openStore(), await logOf(c, false))))
    .put(
      '/logs/:log/settings/kpis',
      needs('analyst'),
      jsonBodyLimit('the KPI settings'),
      async (c) => {
        // Read here rather than by a validator, so a body that is not JSON is a 400 in words, never an empty setting.
        const body: unknown = await c.req.json().catch(() => {
          throw new OptionError('the body must be the KPI settings as a JSON object');
        });
        const store = await openStore();
        const saved = await saveKpiSettings(store, await logOf(c, false), body);
        await audit(store, actorOf(c), 'settings', c.req.param('log'), `KPI settings saved: ${JSON.stringify(body)}`);
        return c.json(saved);
      },
    );
}
