import { describe, expect, it } from 'vitest';
import { isNumericType } from './column-types.ts';
import { compileFilter } from './filter/index.ts';

describe('isNumericType', () => {
  it('knows every DuckDB number type, REAL among them, and nothing else', () => {
    for (const type of ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'REAL', 'DOUBLE', 'DECIMAL(18,3)', 'DECIMAL']) {
      expect(isNumericType(type), type).toBe(true);
    }
    for (const type of ['VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP WITH TIME ZONE', 'INTERVAL', 'BLOB', 'DOUBLE[]']) expect(isNumericType(type), type).toBe(false);
  });

  it('lets the filter compare a REAL attribute as numbers (it refused a range on one)', () => {
    const target = { logId: 1, attributes: [{ name: 'weight', type: 'REAL' }] };
    const compiled = compileFilter({ attributes: [{ name: 'weight', op: 'range', min: 1.5, max: 2.5 }] }, target);
    expect(compiled.caseWhere).toMatch(/weight/);
  });
});
