import { Hono } from 'hono';
import { describeNotebooks, loadNotebook, notebooksDir } from '../../notebooks/render/files.ts';
import { runNotebook } from '../../notebooks/render/run.ts';
import type { Store } from '../../store/db.ts';
import { checkLogAccess } from './access.ts';
import { identityOf, needs, type ApiEnv } from './actor.ts';

/**
 * The notebooks of the notebooks folder (WAYBILL_NOTEBOOKS, else ./notebooks): listed,
 * and run with the query's parameters (analysts and admins, as jobs are). A notebook
 * reads only logs its reader may see. A notebook that cannot be read or run is a 400
 * naming its file, line and block (the API's onError answers NotebookError).
 */
export function notebookRoutes(openStore: () => Promise<Store>) {
  return new Hono<ApiEnv>()
    .get('/notebooks', needs('analyst'), (c) => c.json({ notebooks: describeNotebooks(notebooksDir()) }))
    .get('/notebooks/:name', needs('analyst'), async (c) => {
      const notebook = loadNotebook(notebooksDir(), c.req.param('name'));
      const store = await openStore();
      const identity = identityOf(c);
      const params = Object.fromEntries(Object.entries(c.req.queries()).map(([name, values]) => [name, values.at(-1) ?? '']));
      return c.json({ name: c.req.param('name'), ...(await runNotebook(store, notebook, { params, mayRead: (log) => checkLogAccess(store, identity, log) })) });
    });
}
