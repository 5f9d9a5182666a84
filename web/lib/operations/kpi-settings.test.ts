import { describe, expect, it } from 'vitest';
import { kpiField } from '../../../mining/kpis/fields.ts';
import {
  checkedActivities,
  defaultLabel,
  DEFAULT_CHOICE,
  describeException,
  EVERY_CASE,
  logHas,
  missingText,
  namesFor,
  selectValue,
  tileColumns,
  withPrefixes,
  withSelect,
} from './kpi-settings.ts';

const choices = {
  activities: ['Closed', 'Escalated', 'Opened'],
  attributes: [{ name: 'priority', type: 'VARCHAR' }],
  objectTypes: ['ticket'],
};

describe('KPI settings on the page', () => {
  it('says what a KPI lacks without repeating "not computable"', () => {
    expect(missingText('not computable: missing activity "Order Captured"; activity "Payment Received"')).toBe('activity "Order Captured"; activity "Payment Received"');
    expect(missingText(null)).toBe('not computable');
  });

  it('keeps four tiles to a row (five for five), more in rows of three or four', () => {
    expect([1, 3, 4, 5, 6, 7, 8, 9].map(tileColumns)).toEqual([4, 4, 4, 5, 3, 4, 4, 3]);
  });

  it('offers the log’s own names for each kind of setting', () => {
    expect(namesFor(kpiField('orderActivity'), choices).map((n) => n.label)).toEqual(['every case', 'Closed', 'Escalated', 'Opened']);
    expect(namesFor(kpiField('cycleTime.end'), choices).map((n) => n.value)).toEqual(['Closed', 'Escalated', 'Opened']);
    expect(namesFor(kpiField('otif.promisedAttribute'), choices).map((n) => n.value)).toEqual(['priority']);
    expect(namesFor(kpiField('otif.lineKeys'), choices)).toEqual([
      { value: 'priority', label: 'priority' },
      { value: 'ticket', label: 'object type ticket' },
    ]);
    expect(defaultLabel(kpiField('cycleTime.end'), choices)).toBe('Payment Received (default, not in this log)');
    expect(defaultLabel(kpiField('otif.lineKeys'), { ...choices, objectTypes: ['order line'] })).toBe('order_line_id or order line (default)');
    expect(logHas(kpiField('otif.lineKeys'), ['line', 'ticket'], choices)).toBe(true);
    expect(logHas(kpiField('exceptionActivities'), ['Escalated', 'Nope'], choices)).toBe(false);
  });

  it('maps a select to a setting and back: default unsets, every case is null, a key is a list of one', () => {
    const orders = kpiField('orderActivity');
    expect(selectValue({}, orders)).toBe(DEFAULT_CHOICE);
    const everyCase = withSelect({}, orders, EVERY_CASE);
    expect(everyCase).toEqual({ orderActivity: null });
    expect(selectValue(everyCase, orders)).toBe(EVERY_CASE);
    expect(withSelect(everyCase, orders, DEFAULT_CHOICE)).toEqual({});
    const line = kpiField('fillRate.lineKeys');
    const keyed = withSelect({}, line, 'ticket');
    expect(keyed).toEqual({ fillRate: { lineKeys: ['ticket'] } });
    expect(selectValue(keyed, line)).toBe('ticket');
  });

  it('checks the activities a list setting reads, and keeps typed prefixes unless they are the default', () => {
    const exceptions = kpiField('exceptionActivities');
    expect(checkedActivities({}, exceptions, choices)).toEqual([]);
    expect(checkedActivities({ exceptionActivities: ['Escalated', 'Gone'] }, exceptions, choices)).toEqual(['Escalated']);
    const manual = kpiField('manualResourcePrefixes');
    expect(withPrefixes({}, manual, ' ann, bob ,')).toEqual({ manualResourcePrefixes: ['ann', 'bob'] });
    expect(withPrefixes({}, manual, '')).toEqual({ manualResourcePrefixes: [] });
    expect(withPrefixes({ manualResourcePrefixes: ['x'] }, manual, 'sales.rep, orderdesk.clerk, pricing.analyst, credit.analyst')).toEqual({});
  });

  it('describes exception types in words', () => {
    expect(describeException({ type: 'Credit Hold', activities: ['Credit Hold'] })).toEqual({ type: 'Credit Hold', detail: '' });
    expect(describeException({ type: 'Credit hold', activities: ['Credit Hold'] })).toEqual({ type: 'Credit hold', detail: '' });
    expect(describeException({ type: 'Backorder', activities: ['Backordered'] })).toEqual({ type: 'Backorder', detail: 'Backordered' });
    expect(describeException({ type: 'Receipt discrepancy', activities: ['Goods Received'], attribute: { name: 'discrepancy', values: ['over', 'short', 'damaged'] } })).toEqual({
      type: 'Receipt discrepancy',
      detail: 'Goods Received with discrepancy over, short or damaged',
    });
    expect(describeException({ type: 'Late', activities: ['A', 'B'] }).detail).toBe('A or B');
    expect(describeException({ type: 'Big', attribute: { name: 'size', values: [10] } }).detail).toBe('size 10');
  });
});
