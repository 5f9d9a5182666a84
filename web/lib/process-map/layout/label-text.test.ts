import { describe, expect, it } from 'vitest';
import { estimateTextWidth, wrapLabel, wrapText } from './label-text.ts';

// A monospace "font": every character is 1 wide, so expectations can be counted by hand.
const fitsIn = (width: number) => (line: string) => [...line].length <= width;

describe('wrapText', () => {
  it('keeps a short label on one line', () => {
    expect(wrapText('Ship goods', 3, fitsIn(20))).toEqual(['Ship goods']);
  });

  it('breaks at spaces, filling each line greedily', () => {
    expect(wrapText('T05 Print and send confirmation of receipt', 3, fitsIn(20))).toEqual(['T05 Print and send', 'confirmation of', 'receipt']);
  });

  it('ends a label that needs more lines than allowed in an ellipsis', () => {
    const lines = wrapText('one two three four five six seven', 2, fitsIn(9));
    expect(lines).toEqual(['one two', 'three fo…']);
    expect(lines.every(fitsIn(9))).toBe(true);
  });

  it('cuts a single word too long for a line', () => {
    expect(wrapText('Supercalifragilistic', 3, fitsIn(8))).toEqual(['Supercal', 'ifragili', 'stic']);
  });

  it('collapses runs of whitespace', () => {
    expect(wrapText('  a \t b  ', 2, fitsIn(10))).toEqual(['a b']);
  });
});

describe('estimateTextWidth', () => {
  it('grows with length and font size, and bold is wider', () => {
    expect(estimateTextWidth('Invoice sent', 13, false)).toBeGreaterThan(estimateTextWidth('Invoice', 13, false));
    expect(estimateTextWidth('Invoice', 26, false)).toBeCloseTo(2 * estimateTextWidth('Invoice', 13, false));
    expect(estimateTextWidth('Invoice', 13, true)).toBeGreaterThan(estimateTextWidth('Invoice', 13, false));
  });

  it('treats narrow letters as narrower than wide ones', () => {
    expect(estimateTextWidth('iiii', 12, false)).toBeLessThan(estimateTextWidth('MMMM', 12, false));
  });

  it('drives wrapLabel so no line is wider than allowed', () => {
    const lines = wrapLabel('T07-3 Draft intern advice hold for aspect 3', 150, 3, estimateTextWidth, 13, true);
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(estimateTextWidth(line, 13, true)).toBeLessThanOrEqual(150);
    expect(lines.join(' ')).toBe('T07-3 Draft intern advice hold for aspect 3');
  });
});
