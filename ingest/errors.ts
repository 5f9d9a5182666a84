/** A problem with the input that the user can act on: names the file, and where known the line and column. */
export class IngestError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: string,
    readonly value?: string,
  ) {
    super(formatIngestError(file, problem, line, column, value));
    this.name = 'IngestError';
  }
}

function formatIngestError(file: string, problem: string, line?: number, column?: string, value?: string): string {
  const where = line === undefined ? file : `${file}, line ${line}`;
  const col = column === undefined ? '' : `, column ${JSON.stringify(column)}`;
  const val = value === undefined ? '' : ` (value ${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)})`;
  return `${where}${col}: ${problem}${val}`;
}
