/** DuckDB's number types, as DESCRIBE names them: one list for the filter, the KPIs, reconciliation and exception trends. */
const NUMERIC_TYPE = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/i;

/** Whether a column of this DuckDB type holds numbers. */
export function isNumericType(type: string): boolean {
  return NUMERIC_TYPE.test(type.trim());
}
