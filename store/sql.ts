/** Quotes an identifier (table or column name) for DuckDB: the one place this is done. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error(`identifier contains a NUL character: ${JSON.stringify(name)}`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal, for the few statements DuckDB cannot bind (table functions' file paths, PRAGMAs). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error(`value contains a NUL character: ${JSON.stringify(value)}`);
  return `'${value.replaceAll("'", "''")}'`;
}
