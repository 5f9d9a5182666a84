import { load as logLayout } from '../../routes/logs/[log]/+layout.ts';
import { load as mapPage } from '../../routes/logs/[log]/+page.ts';
import { load as operationsPage } from '../../routes/logs/[log]/operations/+page.ts';
import { load as bottlenecksPage } from '../../routes/logs/[log]/bottlenecks/+page.ts';
import { load as variantsPage } from '../../routes/logs/[log]/variants/+page.ts';
import { load as cycleTimesPage } from '../../routes/logs/[log]/cycle-times/+page.ts';
import { load as casesPage } from '../../routes/logs/[log]/cases/+page.ts';
import { load as reconciliationPage } from '../../routes/logs/[log]/reconciliation/+page.ts';
import { apiClient } from '../api/client.ts';
import { loadRolePage } from '../roles/load.ts';

/** A log's pages, in the order people most often open them; each is its route's own load function. */
const LOG_PAGES: [path: string, load: (event: never) => unknown][] = [
  ['', mapPage],
  ['/operations', operationsPage],
  ['/bottlenecks', bottlenecksPage],
  ['/variants', variantsPage],
  ['/cycle-times', cycleTimesPage],
  ['/cases', casesPage],
  ['/reconciliation', reconciliationPage],
];

/** Every page's component, to load its code (ECharts's among it: over a second the first time) before anyone waits for it. */
const PAGE_COMPONENTS = import.meta.glob('../../routes/**/+page.svelte');

/** How many logs had their pages opened, and how many pages (role start pages among them) were. */
export interface Opened {
  logs: number;
  pages: number;
}

/** Only to build the pages' addresses; nothing is sent anywhere. */
const ORIGIN = 'http://waybill.local';

/**
 * Opens every page of a log, and every role start page, the way a browser's first visit
 * would, but without drawing them: each page's own load function asks the API for exactly
 * what it shows, streamed panels included. The API remembers the answers by the log's
 * version, so whoever opens a page next finds its numbers waiting. The pages are opened
 * one after another, so this takes one core at a time. `fetcher` is the API as the
 * server itself (web/api/actor.ts's serverRequest).
 */
export class PagesAhead {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly fetcher: typeof fetch) {}

  /** Computes every log's pages, then the role start pages, after whatever is queued. */
  everything(): Promise<Opened> {
    return this.then(async () => {
      for (const load of Object.values(PAGE_COMPONENTS)) await load();
      const logs = (await apiClient(this.fetcher).logs()).filter((log) => log.objectTypes === null);
      let pages = 0;
      for (const log of logs) pages += await this.openLog(log.name);
      return { logs: logs.length, pages: pages + (await this.openRoles()) };
    });
  }

  /** Computes one log's pages (after a load changed it) and the role pages, after whatever is queued. */
  log(name: string): Promise<Opened> {
    return this.then(async () => ({ logs: 1, pages: (await this.openLog(name)) + (await this.openRoles()) }));
  }

  /** `work` after what is queued; its failure is nobody's (a page that cannot be opened ahead is computed when asked). */
  private then(work: () => Promise<Opened>): Promise<Opened> {
    const done = this.queue.then(work).catch(() => ({ logs: 0, pages: 0 }));
    this.queue = done.then(() => undefined);
    return done;
  }

  private async openLog(name: string): Promise<number> {
    const base = `/logs/${encodeURIComponent(name)}`;
    const params = { log: name };
    const layout = await logLayout({ fetch: this.fetcher, params, url: new URL(base, ORIGIN) } as never);
    let opened = 0;
    for (const [path, load] of LOG_PAGES) {
      try {
        await settled(await load({ fetch: this.fetcher, params, url: new URL(base + path, ORIGIN), parent: async () => layout } as never));
        opened++;
      } catch {
        // A page this log cannot show (its error page) has nothing to remember.
      }
    }
    return opened;
  }

  private async openRoles(): Promise<number> {
    let opened = 0;
    for (const role of await apiClient(this.fetcher).roles()) {
      await loadRolePage(this.fetcher, role.id).then(
        () => opened++,
        () => undefined,
      );
    }
    return opened;
  }
}

/** Waits for every promise among a page's data (the panels it streams in), two levels down. */
async function settled(data: unknown, depth = 0): Promise<void> {
  if (data === null || typeof data !== 'object' || depth > 2) return;
  for (const value of Object.values(data)) {
    if (value instanceof Promise) await value.then((inner) => settled(inner, depth + 1), () => undefined);
    else await settled(value, depth + 1);
  }
}
