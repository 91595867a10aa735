/**
 * The one CSV writer behind every export (RFC 4180: quoted when needed, CRLF line ends). Hand-written rather than
 * csv-stringify: quoting is three lines, and the part that matters, formula neutralisation, is not covered there
 * (its `escape_formulas` looks only at the first character, so ` =1+1` or `＝1+1` still reach the spreadsheet);
 * a row function also suits the streamed interventions export.
 *
 * Text whose first non-blank character starts a formula in Excel, LibreOffice or Google Sheets (= + - @, their
 * full-width and small forms) or that starts with a tab or carriage return is prefixed with `'`, so it is shown,
 * never run. Numbers are written as numbers (a negative rate stays -0.5). Dates are ISO 8601 UTC.
 */
export type CsvValue = string | number | boolean | Date | null | undefined;

// \s covers spaces, tabs, newlines, no-break and ideographic spaces.
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\uFE6B])/;

/** Whether a spreadsheet could read this text as a formula. */
export function isFormulaLike(s: string): boolean {
  return FORMULA_START.test(s);
}

/** ISO 8601 UTC (`2026-12-04T16:00:00.000Z`) for a Date or a timestamp string the database returned. */
export function isoUtc(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  // Not a time after all: written as it is (and neutralised like any text) rather than failing the export.
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = v instanceof Date ? v.toISOString() : v;
  if (isFormulaLike(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line, CRLF included. */
export function csvRow(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

export function toCsv(columns: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return csvRow(columns) + rows.map(csvRow).join('');
}

export const csvHeaders = (filename: string) => ({
  'content-type': 'text/csv; charset=utf-8',
  'content-disposition': `attachment; filename="${filename}"`,
  'cache-control': 'no-store',
});

/**
 * A CSV body streamed from an async row source, 200 rows per chunk, so an export of any size keeps memory flat;
 * a client that hangs up stops the query loop.
 */
export function csvStream(columns: readonly string[], rows: AsyncGenerator<readonly CsvValue[], void, undefined>) {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvRow(columns)));
    },
    async pull(controller) {
      let chunk = '';
      for (let i = 0; i < 200; i++) {
        const next = await rows.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += csvRow(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
}
