import { describe, expect, it } from 'vitest';
import { fileName } from './download.ts';

describe('downloads', () => {
  it('names a file after its title, in letters, digits and dashes', () => {
    expect(fileName('order-to-cash cycle time by Région', 'csv')).toBe('order-to-cash-cycle-time-by-region.csv');
    expect(fileName('distributor@order line / variances', 'png')).toBe('distributor-order-line-variances.png');
    expect(fileName('///', 'svg')).toBe('waybill.svg');
  });
});
