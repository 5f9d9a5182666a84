import { toCsv } from '../../../mining/export/csv.ts';
import { numberSeparators } from '../../../mining/format.ts';

/** Hands a file to the browser as a download, named `name`. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once click() returns; the next task may free ours.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** A file name from a title: letters, digits and dashes, never empty. */
export function fileName(title: string, extension: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
  return `${stem || 'waybill'}.${extension}`;
}


/**
 * A shown table as CSV, as the reader sees it: the header row's words, then each body
 * row's cell text (a cell's `data-csv` attribute wins, for a raw number behind a
 * formatted one), a grouped count in a number column without its grouping commas so
 * spreadsheets read it as a number. Columns whose header says `data-export="skip"`
 * (links, buttons) are left out. The one CSV writer neutralizes formula-like cells.
 */
export function tableCsv(table: HTMLTableElement): string {
  const headRow = table.tHead?.rows[0];
  const headers = headRow ? [...headRow.cells] : [];
  const kept = headers.map((cell, i) => ({ i, skip: cell.dataset.export === 'skip' })).filter((c) => !c.skip).map((c) => c.i);
  const { group, decimal } = numberSeparators();
  const text = (cell: HTMLTableCellElement | undefined): string => {
    if (cell === undefined) return '';
    if (cell.dataset.csv !== undefined) return cell.dataset.csv;
    // textContent, not innerText: a header's text-transform must not reach the file.
    return (cell.textContent ?? '').replace(/\s+/g, ' ').trim();
  };
  // A number column's counts go out as numbers (a signed one too, which the formula guard would otherwise mark as text).
  const value = (cell: HTMLTableCellElement | undefined): string | number => {
    const shown = text(cell);
    if (cell === undefined || cell.dataset.csv !== undefined || !cell.classList.contains('num')) return shown;
    const plain = shown.replaceAll(group, '').replace(decimal, '.').replace('−', '-');
    return /^[+-]?\d+(\.\d+)?$/.test(plain) ? Number(plain) : shown;
  };
  const rows = [...table.tBodies].flatMap((body) => [...body.rows]).map((row) => kept.map((i) => value(row.cells[i])));
  return toCsv(kept.map((i) => text(headers[i])), rows);
}

/** Renders an SVG document to PNG at `scale` (2: sharp on high-density screens and in slides), over `background`. */
export async function svgToPng(svg: string, width: number, height: number, background: string, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const context = canvas.getContext('2d')!;
    context.fillStyle = background;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the browser could not make a PNG'))), 'image/png'));
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Downloads rows the page holds (not a drawn table) as CSV. */
export function downloadCsv(title: string, headers: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): void {
  downloadBlob(new Blob([toCsv(headers, rows)], { type: 'text/csv;charset=utf-8' }), fileName(title, 'csv'));
}
