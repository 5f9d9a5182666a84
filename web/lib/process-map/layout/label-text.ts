/** Width in pixels of `text` set in the map's font at `fontSize`, bold or regular. */
export type MeasureText = (text: string, fontSize: number, bold: boolean) => number;

// Advance widths in em of a typical sans-serif (Helvetica/Arial metrics, rounded up a
// little so that wider fallbacks such as DejaVu Sans still fit). Used where no canvas
// exists: the server lays maps out with it (web/api/map-layouts.ts).
const NARROW = new Set("iljt.,:;'|!()[]{}fr ");
const WIDE = new Set('mwMW@%');

/** A font-free estimate of a text's width, good to about ±10% for Latin text. */
export const estimateTextWidth: MeasureText = (text, fontSize, bold) => {
  let em = 0;
  for (const char of text) {
    if (NARROW.has(char)) em += 0.32;
    else if (WIDE.has(char)) em += 0.9;
    else if (char >= 'A' && char <= 'Z') em += 0.7;
    else if (char >= '0' && char <= '9') em += 0.58;
    else em += 0.57;
  }
  return em * fontSize * (bold ? 1.06 : 1);
};

/**
 * Breaks `text` into at most `maxLines` lines that each `fit`, at spaces where
 * possible (a word too long for a line is cut). Text that does not fit ends in "…".
 */
export function wrapText(text: string, maxLines: number, fit: (line: string) => boolean): string[] {
  const words = text.trim().split(/\s+/).filter((word) => word !== '');
  const lines: string[] = [];
  let current = '';
  const pieces = words.flatMap((word) => (fit(word) ? [word] : splitWord(word, fit)));
  for (const piece of pieces) {
    const candidate = current === '' ? piece : `${current} ${piece}`;
    if (fit(candidate)) {
      current = candidate;
    } else {
      lines.push(current);
      current = piece;
    }
  }
  if (current !== '') lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  kept[maxLines - 1] = ellipsize(`${kept[maxLines - 1]} ${lines[maxLines]}`, fit);
  return kept;
}

/** Wraps with a MeasureText at a given font, the usual way to call wrapText. */
export function wrapLabel(text: string, maxWidth: number, maxLines: number, measure: MeasureText, fontSize: number, bold: boolean): string[] {
  return wrapText(text, maxLines, (line) => measure(line, fontSize, bold) <= maxWidth);
}

function splitWord(word: string, fit: (line: string) => boolean): string[] {
  const parts: string[] = [];
  let current = '';
  for (const char of word) {
    if (current !== '' && !fit(current + char)) {
      parts.push(current);
      current = char;
    } else {
      current += char;
    }
  }
  if (current !== '') parts.push(current);
  return parts;
}

function ellipsize(line: string, fit: (line: string) => boolean): string {
  let chars = [...line];
  while (chars.length > 0 && !fit(`${chars.join('').trimEnd()}…`)) chars = chars.slice(0, -1);
  return `${chars.join('').trimEnd()}…`;
}
