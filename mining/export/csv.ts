/**
 * CSV for people to open in a spreadsheet. A text cell starting with `=`, `+`,
 * `-`, `@` (or their full-width forms), a tab or a carriage return, also after
 * leading spaces, which spreadsheets may drop, could run as a formula in Excel,
 * LibreOffice or Google Sheets (CSV injection; event logs carry whatever users
 * typed), so such a cell is written with a leading apostrophe, which spreadsheets
 * show as text. Numbers stay numbers. Fields are quoted per RFC 4180.
 */

const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export type CsvCell = string | number | boolean | null | undefined;

/** One cell: neutralized if it could start a formula, quoted if it must be. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document: a header row, then the rows; CRLF line ends, as spreadsheets expect. */
export function toCsv(headers: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return [headers, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
