/**
 * The log name a file suggests when none is given: its base name without its
 * compression and format extensions ("orders.csv.gz" → "orders"). The one rule for
 * `waybill ingest`, uploads and the upload page (which imports it: no dependencies).
 */
export function defaultLogName(file: string): string {
  const base = file.split(/[\\/]/).at(-1) ?? file;
  return base.replace(/\.gz$/i, '').replace(/\.(csv|tsv|tab|txt|xes|parquet|jsonocel|xmlocel|json|xml|sqlite|sqlite3|db)$/i, '');
}
