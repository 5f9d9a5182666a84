import { afterEach, describe, expect, it } from 'vitest';
import { formatCount, formatDay, formatInstant, formatPercent, humanizeSeconds, preferredLocale, setDisplayLocale } from './format.ts';

describe('humanizeSeconds', () => {
  it('shows the two largest adjacent units', () => {
    expect(humanizeSeconds(3 * 86400 + 4 * 3600 + 59)).toBe('3d 4h');
    expect(humanizeSeconds(2 * 3600 + 5 * 60)).toBe('2h 5m');
    expect(humanizeSeconds(86400 + 180)).toBe('1d');
    expect(humanizeSeconds(45)).toBe('45s');
    expect(humanizeSeconds(400 * 86400)).toBe('1y 35d');
  });
  it('handles zero, fractions, negatives and missing values', () => {
    expect(humanizeSeconds(0)).toBe('0s');
    expect(humanizeSeconds(0.12)).toBe('120ms');
    expect(humanizeSeconds(-90)).toBe('-1m 30s');
    expect(humanizeSeconds(null)).toBe('–');
    expect(humanizeSeconds(Number.NaN)).toBe('–');
  });
});

describe('the display locale', () => {
  afterEach(() => setDisplayLocale(null));

  it('is en-US with ISO days until a page sets its reader’s, so the CLI reads the same everywhere', () => {
    expect([formatCount(1234567), formatPercent(0.4131), formatDay('2026-01-26T10:00:00Z'), formatInstant('2026-01-26T10:05:09Z')]).toEqual(['1,234,567', '41.3%', '2026-01-26', '2026-01-26 10:05 UTC']);
    expect(formatInstant(Date.UTC(2026, 0, 26, 10, 5, 9), { seconds: true, zone: false })).toBe('2026-01-26 10:05:09');
  });

  it('follows the reader’s locale for counts, percentages, days and instants (in UTC)', () => {
    setDisplayLocale('de-DE');
    expect(formatCount(1234567)).toBe('1.234.567');
    expect(formatPercent(0.4131)).toBe('41,3\u00a0%');
    expect(formatDay('2026-01-26T23:30:00Z')).toBe('26.01.2026');
    expect(formatInstant('2026-01-26T10:05:09Z')).toBe('26.01.2026, 10:05 UTC');
    setDisplayLocale('not a locale!');
    expect(formatCount(1234)).toBe('1,234');
  });

  it('takes the first language of Accept-Language that Intl knows', () => {
    expect(preferredLocale('de-CH,de;q=0.9,en;q=0.8')).toBe('de-CH');
    expect(preferredLocale('*, fr;q=0.5')).toBe('fr');
    expect(preferredLocale('x-nonsense-!!, en-GB')).toBe('en-GB');
    expect(preferredLocale(null)).toBeNull();
    expect(preferredLocale('')).toBeNull();
  });
});
