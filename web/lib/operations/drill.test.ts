import { describe, expect, it } from 'vitest';
import { exceptionCases, kpiCases, queueCases } from './drill.ts';

const aging = (silence: number | null) => ({
  asOf: '2026-02-15T22:07:44.000Z',
  endActivities: ['Paid', 'Cancelled'],
  rule: { silence: { seconds: silence } } as never,
});

describe('the cases behind an operations number', () => {
  it('keeps a queue bucket’s open cases: their current step, no end activity, the last event within the bucket’s ages of asOf', () => {
    const day = 86_400;
    expect(queueCases(aging(null), 'Credit Hold', { fromSeconds: day, toSeconds: 3 * day })).toEqual({
      ends: 'Credit Hold',
      without: ['Paid', 'Cancelled'],
      timeframe: 'completed',
      from: '2026-02-12T22:07:44.001Z',
      to: '2026-02-14T22:07:44.000Z',
    });
    // The last bucket has no upper age; with a silence, older than it is silent, not open (the bound itself still open).
    expect(queueCases(aging(10 * day), 'Invoiced', { fromSeconds: 7 * day, toSeconds: null })).toMatchObject({ from: '2026-02-05T22:07:44.000Z', to: '2026-02-08T22:07:44.000Z' });
    expect(queueCases(aging(null), 'Invoiced', null)).toEqual({ ends: 'Invoiced', without: ['Paid', 'Cancelled'], timeframe: 'completed', to: '2026-02-15T22:07:44.000Z' });
    // At a chosen moment the cases that went on after it cannot be cut there by a filter.
    expect(queueCases(aging(null), 'Invoiced', null, { asOfChosen: true })).toBeNull();
    // Nor can a page already filtered by time take the bucket's window beside its own.
    expect(queueCases(aging(null), 'Invoiced', null, { timeWindow: true })).toBeNull();
  });

  it('keeps an exception point’s cases when the type is one activity, by case start', () => {
    const trends = {
      period: 'week' as const,
      periodBy: 'case-start' as const,
      definitions: { exceptions: [{ type: 'Credit hold', activities: ['Credit Hold'] }, { type: 'Receipt', activities: ['Goods Received'], attribute: { name: 'discrepancy', values: ['short'] } }] } as never,
    };
    expect(exceptionCases(trends, 'Credit hold', '2026-01-05T00:00:00.000Z')).toEqual({ has: 'Credit Hold', timeframe: 'started', from: '2026-01-05T00:00:00.000Z', to: '2026-01-11T23:59:59.999Z' });
    expect(exceptionCases({ ...trends, period: 'month' }, 'Credit hold', '2026-01-01T00:00:00.000Z')).toMatchObject({ to: '2026-01-31T23:59:59.999Z' });
    expect(exceptionCases(trends, 'Credit hold', null)).toEqual({ has: 'Credit Hold' });
    expect(exceptionCases(trends, 'Credit hold', null, true)).toEqual({ has: 'Credit Hold' });
    expect(exceptionCases(trends, 'Credit hold', '2026-01-05T00:00:00.000Z', true)).toBeNull();
    expect(exceptionCases(trends, 'Receipt', null)).toBeNull();
    expect(exceptionCases({ ...trends, periodBy: 'event' }, 'Credit hold', '2026-01-05T00:00:00.000Z')).toBeNull();
  });

  it('opens a KPI’s counted and other cases through the KPI itself, for the KPIs that count cases', () => {
    expect(kpiCases('otif', 'counted')).toEqual({ 'counted-by': 'otif' });
    expect(kpiCases('exception_rate', 'uncounted')).toEqual({ 'not-counted-by': 'exception_rate' });
    // The fill rate counts units, not cases: there is no list to open.
    expect(kpiCases('fill_rate', 'counted')).toBeNull();
  });
});
