import { describe, expect, it } from 'vitest';
import { detectTimestampFormat, parseTimestampText } from './timestamp-format.ts';

describe('detectTimestampFormat', () => {
  it('reads a day-first file from a first part above 12', () => {
    const format = detectTimestampFormat(['01/04/2026 08:00', '', '23/04/2026 09:15', '30/04/2026 17:45:10']);
    expect(format).toMatchObject({ kind: 'day-first', separator: '/', twoDigitYear: false, zone: 'naive', matched: 3, total: 3 });
    expect(format!.confidence).toBeGreaterThan(0.9);
    expect(format!.reason).toBe('day-first: "23/04/2026 09:15" has a first part above 12');
  });

  it('reads a month-first file from a second part above 12', () => {
    const format = detectTimestampFormat(['04/01/2026 8:00 AM', '04/23/2026 3:15 PM', '05/02/2026 11:59 pm']);
    expect(format).toMatchObject({ kind: 'month-first', separator: '/', matched: 3 });
    expect(format!.reason).toBe('month-first: "04/23/2026 3:15 PM" has a second part above 12');
    expect(parseTimestampText(format!, '04/23/2026 3:15 PM')).toBe(Date.UTC(2026, 3, 23, 15, 15));
    expect(parseTimestampText(format!, '05/02/2026 11:59 pm')).toBe(Date.UTC(2026, 4, 2, 23, 59));
  });

  it('picks an order for ambiguous dates with lower confidence, and says so', () => {
    // Read day-first these are 1, 2, 3 and 5 February (4 days of steps); month-first, 2 January to 2 May.
    const format = detectTimestampFormat(['01.02.26', '02.02.26', '03.02.26', '05.02.26']);
    expect(format).toMatchObject({ kind: 'day-first', separator: '.', twoDigitYear: true });
    expect(format!.confidence).toBeLessThan(0.7);
    expect(format!.reason).toMatch(/^ambiguous day\/month order: every date part is 12 or less; day-first puts consecutive values closer together \(4 days/);
    expect(parseTimestampText(format!, '05.02.26')).toBe(Date.UTC(2026, 1, 5));

    const tie = detectTimestampFormat(['03-04-2026']);
    expect(tie).toMatchObject({ kind: 'day-first', separator: '-', confidence: 0.5 });
    expect(tie!.reason).toContain('both orders fit equally, so day-first');
  });

  it('reads the month-first order of ambiguous dates when that order is closer in time', () => {
    const format = detectTimestampFormat(['02/01/2026', '02/02/2026', '02/03/2026', '02/05/2026']);
    expect(format).toMatchObject({ kind: 'month-first', confidence: 0.65 });
  });

  it('reads year-first dates with slashes', () => {
    expect(detectTimestampFormat(['2026/04/23 10:00', '2026/4/3'])).toMatchObject({ kind: 'year-first', separator: '/', matched: 2 });
  });

  it('reads ISO 8601 with and without zones', () => {
    expect(detectTimestampFormat(['2026-04-23T10:00:00Z', '2026-04-23T12:00:00.5+02:00', '2026-04-23 12:00:00+0200'])).toMatchObject({ kind: 'iso', zone: 'offset', matched: 3 });
    expect(detectTimestampFormat(['2026-04-23', '2026-04-23T10:00', '2026-04-23 10:00:00.123456'])).toMatchObject({ kind: 'iso', zone: 'naive', matched: 3 });
    expect(detectTimestampFormat(['2026-04-23T10:00:00Z', '2026-04-23 10:00'])).toMatchObject({ kind: 'iso', zone: 'mixed' });
    const iso = { kind: 'iso' as const };
    expect(parseTimestampText(iso, '2026-04-23T12:00:00.5+02:00')).toBe(Date.UTC(2026, 3, 23, 10, 0, 0, 500));
    expect(parseTimestampText(iso, '2026-04-23 12:00:00-0330')).toBe(Date.UTC(2026, 3, 23, 15, 30));
    expect(parseTimestampText(iso, '2026-02-30')).toBeUndefined();
  });

  it('tells epoch seconds from milliseconds by magnitude', () => {
    const seconds = detectTimestampFormat(['1767225600', '1767229200.5']);
    expect(seconds).toMatchObject({ kind: 'epoch-seconds', confidence: 0.7 });
    expect(seconds!.reason).toBe('numbers read as epoch seconds (1973–2100) by magnitude: 1767225600 to 1767229200.5 is 2026-01-01T00:00:00.000Z to 2026-01-01T01:00:00.500Z');
    expect(detectTimestampFormat(['1767225600000', '1767225600123'])).toMatchObject({ kind: 'epoch-milliseconds' });
    expect(parseTimestampText({ kind: 'epoch-milliseconds' }, '1767225600123')).toBe(Date.UTC(2026, 0, 1, 0, 0, 0, 123));
  });

  it('reads Excel serial days, more surely with a time of day', () => {
    const serial = detectTimestampFormat(['45292.5', '45293.25']);
    expect(serial).toMatchObject({ kind: 'excel-serial', confidence: 0.6 });
    expect(parseTimestampText(serial!, '45292.5')).toBe(Date.UTC(2024, 0, 1, 12));
    expect(detectTimestampFormat(['45292', '45300'])).toMatchObject({ kind: 'excel-serial', confidence: 0.4 });
  });

  it('gives up on text, small numbers and mixed junk, and notes the values that do not read', () => {
    expect(detectTimestampFormat(['apple', 'pear'])).toBeUndefined();
    expect(detectTimestampFormat(['1', '2', '15'])).toBeUndefined();
    expect(detectTimestampFormat(['', '  '])).toBeUndefined();
    expect(detectTimestampFormat(['2026-04-23', 'soon', 'later'])).toBeUndefined();
    const mostly = detectTimestampFormat(['2026-04-23', '2026-04-24', '2026-04-25', '2026-04-26', 'N/A']);
    expect(mostly).toMatchObject({ kind: 'iso', matched: 4, total: 5, confidence: 0.78 });
    expect(mostly!.reason).toBe('ISO 8601 (e.g. "2026-04-23"); 1 of 5 values do not read (e.g. "N/A")');
  });
});
