import { error } from '@sveltejs/kit';
import { apiClient, ApiError } from '$lib/api/client.ts';
import { loadOrFail } from '$lib/api/load.ts';
import type { RolePanel } from '../../api/roles.ts';
import type { FilterQuery } from '../filter/url-filter.ts';

/** The case-list address a panel's links start from: its log with its filter, so a count opens within it. */
export function panelBase(panel: { log: string; filter?: Record<string, string | readonly string[]> }): URL {
  const url = new URL(`http://waybill.local/logs/${encodeURIComponent(panel.log)}`);
  for (const [name, value] of Object.entries(panel.filter ?? {})) for (const one of typeof value === 'string' ? [value] : value) url.searchParams.append(name, one);
  return url;
}

/**
 * One panel's data: the analysis it reads, with its log and filter. A log the reader
 * cannot see or does not have, or a setting it cannot take (404 and 400), makes the
 * panel say so; the rest of the page still shows.
 */
async function loadPanel(fetcher: typeof fetch, panel: RolePanel) {
  const filter = (('filter' in panel && panel.filter) || {}) as FilterQuery;
  const client = apiClient(fetcher, filter);
  try {
    switch (panel.kind) {
      case 'kpis': {
        const [kpis, settings] = await Promise.all([client.kpis(panel.log), client.kpiSettings(panel.log)]);
        return { view: 'kpis', panel, kpis: panel.kpis.flatMap((id) => kpis.kpis.filter((kpi) => kpi.id === id)), settings } as const;
      }
      case 'queue':
        return { view: 'queue', panel, aging: await client.analysis('queue-aging', panel.log) } as const;
      case 'cases':
        return { view: 'cases', panel, overview: await client.analysis('overview', panel.log) } as const;
      case 'breakdown': {
        const milestone = panel.from !== undefined && panel.to !== undefined ? { 'milestone-from': panel.from, 'milestone-to': panel.to } : {};
        return { view: 'breakdown', panel, breakdown: await client.analysis('duration-breakdown', panel.log, { by: panel.by, sort: panel.sort, limit: panel.limit ?? 10, ...milestone }) } as const;
      }
      case 'reconciliation':
        return { view: 'reconciliation', panel, reconciliation: await client.analysis('reconciliation', panel.log, { limit: 10 }) } as const;
    }
  } catch (failure) {
    if (failure instanceof ApiError && (failure.status === 400 || failure.status === 404)) {
      return { view: 'problem', panel, problem: failure.status === 404 ? `There is no log named “${panel.log}” you can see.` : failure.message } as const;
    }
    throw failure;
  }
}

export type LoadedPanel = Awaited<ReturnType<typeof loadPanel>>;

/** A role's start page: the role and each of its panels' data, fetched in parallel. */
export async function loadRolePage(fetcher: typeof fetch, id: string) {
  const roles = await loadOrFail(apiClient(fetcher).roles());
  const role = roles.find((candidate) => candidate.id === id);
  if (!role) error(404, `There is no role page named “${id}”. The roles are: ${roles.map((r) => r.title).join(', ')}.`);
  return { role, roles, panels: await Promise.all(role.panels.map((panel) => loadPanel(fetcher, panel))) };
}
