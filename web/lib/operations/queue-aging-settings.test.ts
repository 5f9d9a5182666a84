import { describe, expect, it } from 'vitest';
import { endChoices, queueAgingQuery, silenceSetting, withQueueAgingSettings } from './queue-aging-settings.ts';

const RULE = {
  text: '',
  endShare: 0.95,
  endWithinSeconds: 3600,
  activities: ['Captured', 'Paid', 'Shipped'],
  silence: { seconds: null, source: 'off' as const },
  cases: { started: 0, ended: 0, silent: 0 },
};

describe('queue aging settings in the URL', () => {
  it('reads end (repeated, or one empty for none) and silence', () => {
    expect(queueAgingQuery(new URLSearchParams(''))).toEqual({});
    expect(queueAgingQuery(new URLSearchParams('end=Paid&end=Credit%20Memo&silence=30d'))).toEqual({ end: ['Paid', 'Credit Memo'], silence: '30d' });
    expect(queueAgingQuery(new URLSearchParams('end=&silence='))).toEqual({ end: [''] });
  });

  it('writes them, keeping the other parameters', () => {
    const url = new URL('http://x/logs/a%20b/operations?view=1&end=Old&silence=none');
    expect(withQueueAgingSettings(url, { end: ['Paid', 'A & B'], silence: '2d' }).search).toBe('?view=1&end=Paid&end=A+%26+B&silence=2d');
    expect(withQueueAgingSettings(url, { end: [], silence: 'auto' }).search).toBe('?view=1&end=&silence=auto');
    expect(withQueueAgingSettings(url, { end: null, silence: null }).search).toBe('?view=1');
    // What is written reads back the same.
    const written = withQueueAgingSettings(url, { end: ['Paid', 'A & B'], silence: '2d' });
    expect(queueAgingQuery(written.searchParams)).toEqual({ end: ['Paid', 'A & B'], silence: '2d' });
  });

  it('offers every activity, by evidence when there is some', () => {
    const evidence = [
      { activity: 'Paid', cases: 2, endedWithin: 2, share: 1, end: true },
      { activity: 'Shipped', cases: 4, endedWithin: 2, share: 0.5, end: false },
      { activity: 'Captured', cases: 6, endedWithin: 1, share: 1 / 6, end: false },
    ];
    expect(endChoices({ endActivities: ['Paid'], rule: { ...RULE, evidence } }).map((c) => [c.activity, c.end, c.share])).toEqual([
      ['Paid', true, 1],
      ['Shipped', false, 0.5],
      ['Captured', false, 1 / 6],
    ]);
    expect(endChoices({ endActivities: ['Paid'], rule: { ...RULE, evidence: null } })).toEqual([
      { activity: 'Captured', end: false, cases: null, share: null },
      { activity: 'Paid', end: true, cases: null, share: null },
      { activity: 'Shipped', end: false, cases: null, share: null },
    ]);
  });

  it('shows the silence in force', () => {
    expect(silenceSetting({ seconds: 86_400, source: 'log' }, null)).toEqual({ mode: 'auto', custom: '' });
    expect(silenceSetting({ seconds: null, source: 'off' }, 'none')).toEqual({ mode: 'none', custom: '' });
    expect(silenceSetting({ seconds: 86_400, source: 'option' }, '1d')).toEqual({ mode: 'custom', custom: '1d' });
  });
});
