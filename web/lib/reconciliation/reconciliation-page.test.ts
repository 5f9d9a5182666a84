import { describe, expect, it } from 'vitest';
import { lineTimeline, linesWhere, linkedLog, notionLog } from './links.ts';
import { stockTrendOption } from './stock-option.ts';

describe('reconciliation page', () => {
  it('opens a line as a case of its type’s notion of the linked log', () => {
    expect(linkedLog('distributor')).toBe('distributor');
    expect(linkedLog('distributor@order')).toBe('distributor');
    expect(notionLog('distributor@order', 'order line')).toBe('distributor@order line');
    expect(lineTimeline('distributor', 'order line', 'SO-1/2')).toBe('/logs/distributor%40order%20line/cases/SO-1%2F2');
  });

  it('opens the lines of a SKU at a warehouse through the filter’s own condition syntax', () => {
    const href = linesWhere('distributor', 'PO line', { warehouse: 'ATL', sku: 'SKU 1' });
    const url = new URL(href, 'http://x');
    expect(url.pathname).toBe('/logs/distributor%40PO%20line/cases');
    expect(url.searchParams.getAll('where')).toEqual(['warehouse = ATL', 'sku = "SKU 1"']);
  });

  it('draws a bar per warehouse per week, a week without counts at zero', () => {
    const option = stockTrendOption([
      { week: '2026-01-12', warehouse: 'DAL', adjustments: 1, units: 5, shrinkage: 0, found: 5 },
      { week: '2026-01-05', warehouse: 'ATL', adjustments: 2, units: -3, shrinkage: 3, found: 0 },
    ]);
    expect((option.xAxis as { data: string[] }).data).toEqual(['2026-01-05', '2026-01-12']);
    expect((option.series as { name: string; data: number[] }[]).map((s) => [s.name, s.data])).toEqual([
      ['ATL', [-3, 0]],
      ['DAL', [0, 5]],
    ]);
  });
});
