import { describe, expect, it } from 'vitest';
import { effectiveSetting, KPI_DEFAULTS, mergeKpiOptions, settingAt, withSetting } from './fields.ts';

describe('settings by path', () => {
  it('reads, sets and removes a setting, top-level or in a group, without changing the original', () => {
    const settings = { orderActivity: null, cycleTime: { start: 'a' } };
    expect(settingAt(settings, 'orderActivity')).toBeNull();
    expect(settingAt(settings, 'cycleTime.start')).toBe('a');
    expect(settingAt(settings, 'cycleTime.end')).toBeUndefined();
    expect(settingAt(settings, 'otif.lineKeys')).toBeUndefined();
    const next = withSetting(settings, 'cycleTime.end', 'b');
    expect(next).toEqual({ orderActivity: null, cycleTime: { start: 'a', end: 'b' } });
    expect(settings).toEqual({ orderActivity: null, cycleTime: { start: 'a' } });
    expect(withSetting(next, 'orderActivity', undefined)).toEqual({ cycleTime: { start: 'a', end: 'b' } });
    // An emptied group goes, so "all defaults" is {}.
    expect(withSetting(withSetting(settings, 'cycleTime.start', undefined), 'orderActivity', undefined)).toEqual({});
    expect(withSetting({}, 'fillRate.lineKeys', ['line'])).toEqual({ fillRate: { lineKeys: ['line'] } });
  });

  it('falls back to the distribution defaults', () => {
    expect(effectiveSetting({}, 'cycleTime.end')).toBe('Payment Received');
    expect(effectiveSetting({ cycleTime: { end: 'Closed' } }, 'cycleTime.end')).toBe('Closed');
    expect(effectiveSetting({ orderActivity: null }, 'orderActivity')).toBeNull();
    expect(effectiveSetting({}, 'otif.shipmentKeys')).toEqual(KPI_DEFAULTS.otif.shipmentKeys);
  });
});

describe('mergeKpiOptions', () => {
  it('lets each option given replace the saved setting, merging groups field by field', () => {
    const saved = { orderActivity: null, exceptionActivities: ['x'], cycleTime: { start: 'a', end: 'b' } };
    expect(mergeKpiOptions(saved, {})).toEqual(saved);
    expect(mergeKpiOptions(saved, { orderActivity: 'o', cycleTime: { end: 'c' }, otif: { horizonDays: 3 } })).toEqual({
      orderActivity: 'o',
      exceptionActivities: ['x'],
      cycleTime: { start: 'a', end: 'c' },
      otif: { horizonDays: 3 },
    });
    // A list replaces a list; undefined leaves the saved value.
    expect(mergeKpiOptions(saved, { exceptionActivities: [], orderActivity: undefined })).toEqual({ ...saved, exceptionActivities: [] });
  });
});
