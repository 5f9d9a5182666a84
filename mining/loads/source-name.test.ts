import { describe, expect, it } from 'vitest';
import { sourceName } from './index.ts';

describe('sourceName', () => {
  it('shows a load’s source by its file names, not the server’s folders', () => {
    expect(sourceName('/srv/data/orders.csv')).toBe('orders.csv');
    expect(sourceName('/a/orders.csv + /a/purchasing.csv')).toBe('orders.csv + purchasing.csv');
    expect(sourceName('C:\\drop\\x.xes.gz')).toBe('x.xes.gz');
    expect(sourceName('postgres job erp')).toBe('postgres job erp');
  });
});
