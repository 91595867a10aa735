import { describe, expect, it } from 'vitest';
import { csvCell, csvRow, isoUtc, toCsv } from './csv';

describe('CSV cells', () => {
  // [what, input, written] — a spreadsheet opening the file must show each as text, never run it.
  const injections: Array<[string, string, string]> = [
    ['equals', '=HYPERLINK("http://x.example","y")', `"'=HYPERLINK(""http://x.example"",""y"")"`],
    ['plus', '+1+cmd|"/c calc"!A0', `"'+1+cmd|""/c calc""!A0"`],
    ['minus', '-2+3', `'-2+3`],
    ['at', '@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['after spaces', '   =1+1', `'   =1+1`],
    ['after a newline', '\n=1+1', `"'\n=1+1"`],
    ['after CR LF', '\r\n@x', `"'\r\n@x"`],
    ['after a tab', '\t=1+1', `'\t=1+1`],
    ['after a no-break space', '\u00a0=1+1', `'\u00a0=1+1`],
    ['after an ideographic space', '\u3000＝1+1', `'\u3000＝1+1`],
    ['full-width equals', '＝1+1', `'＝1+1`],
    ['full-width plus', '＋1', `'＋1`],
    ['full-width minus', '－1', `'－1`],
    ['full-width at', '＠SUM(A1)', `'＠SUM(A1)`],
    ['small equals', '﹦1+1', `'﹦1+1`],
    ['leading tab alone', '\tx', `'\tx`],
    ['leading CR alone', '\rx', `"'\rx"`],
  ];
  it.each(injections)('neutralises a cell starting with %s', (_, input, written) => {
    expect(csvCell(input)).toBe(written);
  });

  const harmless: Array<[string, string, string]> = [
    ['plain text', 'web_search', 'web_search'],
    ['a formula sign later on', 'a=b', 'a=b'],
    ['an email', 'eve@example.com', 'eve@example.com'],
    ['spaces then text', '  hello', '  hello'],
    ['a separator', 'x,y', '"x,y"'],
    ['a quote', 'say "hi"', '"say ""hi"""'],
  ];
  it.each(harmless)('leaves %s as it is (quoted only when needed)', (_, input, written) => {
    expect(csvCell(input)).toBe(written);
  });

  it('writes numbers as numbers, empty for null, dates as ISO 8601 UTC', () => {
    expect(csvRow([-0.5, 3, null, undefined, true, new Date(Date.UTC(2026, 11, 4, 16, 5))])).toBe('-0.5,3,,,true,2026-12-04T16:05:00.000Z\r\n');
  });

  it('turns any timestamp the database returns into ISO 8601 UTC', () => {
    expect(isoUtc('2026-12-04 17:05:00+01')).toBe('2026-12-04T16:05:00.000Z');
    expect(isoUtc(new Date('2026-12-04T16:05:00Z'))).toBe('2026-12-04T16:05:00.000Z');
    expect(isoUtc(null)).toBeNull();
  });

  it('writes a header and rows with CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [['x,y', '=cmd()'], [null, 1.5]])).toBe('a,b\r\n"x,y",\'=cmd()\r\n,1.5\r\n');
  });
});
