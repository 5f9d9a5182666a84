import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getKpiSettings, OptionError, saveKpiSettings, type Store } from '../../mining/index.ts';

const SETTINGS_LIMIT = 1024 * 1024;

/**
 * A log's saved settings: `GET /logs/:log/settings/kpis` answers the KPI settings with
 * the log's activities, attributes and object types to choose from; `PUT` replaces them
 * with the JSON body (`{}` clears them), checked by mining against its schema and the
 * log's own names. The KPIs and exception trends read them when no option is given.
 */
export function settingsRoutes(openStore: () => Promise<Store>) {
  // Errors (OptionError 400, UnknownLogError 404) are answered by the API's onError.
  return new Hono()
    .get('/logs/:log/settings/kpis', async (c) => c.json(await getKpiSettings(await openStore(), c.req.param('log'))))
    .put(
      '/logs/:log/settings/kpis',
      // Settings are names, a few kilobytes; the server lets uploads through unbounded, so this route bounds its own body.
      bodyLimit({ maxSize: SETTINGS_LIMIT, onError: (c) => c.json({ error: `the KPI settings may be at most ${SETTINGS_LIMIT / 1024 / 1024} MiB` }, 413) }),
      async (c) => {
        // Read here rather than by a validator, so a body that is not JSON is a 400 in words, never an empty setting.
        const body: unknown = await c.req.json().catch(() => {
          throw new OptionError('the body must be the KPI settings as a JSON object');
        });
        return c.json(await saveKpiSettings(await openStore(), c.req.param('log'), body));
      },
    );
}
