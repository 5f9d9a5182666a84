import { afterEach, describe, expect, it } from 'vitest';
import { setDisplayLocale } from '../../../mining/format.ts';
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

  describe('in the reader’s locale', () => {
    afterEach(() => setDisplayLocale(null));
    it('writes the days the reader’s way once the page sets the locale', () => {
      setDisplayLocale('en-US');
      expect(formatDateRange('2010-10-02T09:13:00.000Z', '2012-01-23T16:02:00.000Z')).toBe('Oct 2, 2010 – Jan 23, 2012');
      setDisplayLocale('de-DE');
      expect(formatDateRange('2010-10-02T09:13:00.000Z', '2010-10-02T16:02:00.000Z')).toBe('2. Okt. 2010');
    });
  });
});
