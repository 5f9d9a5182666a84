import { describe, expect, it } from 'vitest';
import { formatDateRange } from './date-range.ts';

describe('formatDateRange', () => {
  it('shows the first and last day of the log', () => {
    expect(formatDateRange('2010-10-02T09:13:00.000Z', '2012-01-23T16:02:00.000Z')).toBe('2 Oct 2010 – 23 Jan 2012');
  });

  it('reads the days in UTC, whatever the machine zone', () => {
    expect(formatDateRange('2026-01-05T23:30:00.000Z', '2026-01-06T00:30:00.000Z')).toBe('5 Jan 2026 – 6 Jan 2026');
  });

  it('collapses a single day, and says "–" for a log without events', () => {
    expect(formatDateRange('2026-01-05T08:00:00.000Z', '2026-01-05T17:00:00.000Z')).toBe('5 Jan 2026');
    expect(formatDateRange(null, null)).toBe('–');
    expect(formatDateRange('not a date', null)).toBe('–');
  });
});
