import { describe, expect, it } from 'vitest';
import type { Params } from '../store/db.ts';
import { Bindings, comparableColumn, isNumericType } from './columns.ts';
import { FilterError } from './errors.ts';
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

describe('Bindings', () => {
  const typed = (type: string, value: string | number | boolean) => {
    const params: Params = {};
    const sql = new Bindings(params, 'p').typed({ name: 'col', type }, value);
    return { sql, params };
  };

  it('binds each value as its own numbered parameter, never into the SQL', () => {
    const params: Params = {};
    const bindings = new Bindings(params, 'x_');
    expect([bindings.bind("a'; DROP TABLE events; --"), bindings.bind(7)]).toEqual(['$x_0', '$x_1']);
    expect(params).toEqual({ x_0: "a'; DROP TABLE events; --", x_1: 7 });
  });

  it('types a value to its column: numbers as DOUBLE text, times as TIMESTAMPTZ, truth values as booleans, the rest as text', () => {
    expect(typed('DECIMAL(18,3)', ' 1e23 ')).toEqual({ sql: '$p0::DOUBLE', params: { p0: '1e+23' } });
    expect(typed('BIGINT', 42)).toEqual({ sql: '$p0::DOUBLE', params: { p0: '42' } });
    expect(typed('DATE', '2026-01-31')).toEqual({ sql: '$p0::TIMESTAMPTZ', params: { p0: '2026-01-31' } });
    expect(typed('TIMESTAMP WITH TIME ZONE', '2026-01-31T08:00:00Z')).toEqual({ sql: '$p0::TIMESTAMPTZ', params: { p0: '2026-01-31T08:00:00Z' } });
    expect(typed('BOOLEAN', 'Yes')).toEqual({ sql: '$p0', params: { p0: true } });
    expect(typed('BOOLEAN', '0')).toEqual({ sql: '$p0', params: { p0: false } });
    expect(typed('VARCHAR', 12)).toEqual({ sql: '$p0', params: { p0: '12' } });
  });

  it('refuses a value its column cannot hold, saying which column, which value and what it holds', () => {
    expect(() => typed('DOUBLE', 'ten')).toThrow(new FilterError('col holds numbers; value "ten" is not one'));
    expect(() => typed('INTEGER', '')).toThrow(FilterError);
    expect(() => typed('INTEGER', true)).toThrow(/holds numbers/);
    expect(() => typed('DATE', '2026-02-30')).toThrow(/col holds dates; value "2026-02-30" is not one: write an ISO-8601 date/);
    expect(() => typed('TIMESTAMP', 5)).toThrow(/col holds times; value 5 is not one/);
    expect(() => typed('BOOLEAN', 'maybe')).toThrow(/col holds true or false; value "maybe" is neither/);
  });

  it('compares a type no value is written in as its text', () => {
    expect(comparableColumn({ name: 'amount', type: 'DOUBLE' }, 'x')).toBe('x."amount"');
    expect(comparableColumn({ name: 'at "dock"', type: 'TIME' }, 'x')).toBe('CAST(x."at ""dock""" AS VARCHAR)');
  });
});
