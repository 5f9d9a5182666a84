import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from './csv.ts';

describe('CSV export', () => {
  it('neutralizes every cell that could start a formula, and only those', () => {
    expect(['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\r=x'].map(csvCell)).toEqual(["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "'\tx", `"'\r=x"`]);
    expect(['plain', 'a=b', 'x-1', ''].map(csvCell)).toEqual(['plain', 'a=b', 'x-1', '']);
    // After leading spaces (plain, non-breaking, ideographic) or a line feed, and in full-width forms.
    expect([' =1+1', '   @SUM(A1)', '\u00a0-2', '\u3000+1', '\n=x', '＝1+1', ' ＠cmd'].map(csvCell)).toEqual(["' =1+1", "'   @SUM(A1)", "'\u00a0-2", "'\u3000+1", `"'\n=x"`, "'＝1+1", "' ＠cmd"]);
    expect([' plain', '  a = b'].map(csvCell)).toEqual([' plain', '  a = b']);
    // A real negative number stays a number.
    expect([-5, 0.5, true, null, undefined].map(csvCell)).toEqual(['-5', '0.5', 'true', '', '']);
  });

  it('quotes per RFC 4180, after neutralizing', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(toCsv(['line', 'value'], [[2, '=cmd|/C calc!A0'], [3, 'ok']])).toBe("line,value\r\n2,'=cmd|/C calc!A0\r\n3,ok\r\n");
  });
});
