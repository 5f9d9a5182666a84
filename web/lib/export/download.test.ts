import { describe, expect, it } from 'vitest';
import { fileName } from './download.ts';
import { sourceName } from '../loads/load.ts';

describe('downloads', () => {
  it('names a file after its title, in letters, digits and dashes', () => {
    expect(fileName('order-to-cash cycle time by Région', 'csv')).toBe('order-to-cash-cycle-time-by-region.csv');
    expect(fileName('distributor@order line / variances', 'png')).toBe('distributor-order-line-variances.png');
    expect(fileName('///', 'svg')).toBe('waybill.svg');
  });

  it('shows a load’s source by its file names, not the server’s folders', () => {
    expect(sourceName('/srv/data/orders.csv')).toBe('orders.csv');
    expect(sourceName('/a/orders.csv + /a/purchasing.csv')).toBe('orders.csv + purchasing.csv');
    expect(sourceName('C:\\drop\\x.xes.gz')).toBe('x.xes.gz');
    expect(sourceName('postgres job erp')).toBe('postgres job erp');
  });
});
