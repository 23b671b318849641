/**
 * RFC 4180 records with the 1-based file line each starts on, read with `csv-parse/sync`.
 *
 * Line endings are normalised to `\n` first (so CRLF, LF and CR files count lines alike and a
 * CRLF inside a quoted field reads as `\n`); each record's line is counted from the raw text
 * csv-parse hands back. A syntax error is reported on the line its record starts on (for an
 * unterminated quote: where the quote opened, not the end of the file as csv-parse says).
 * @module
 */
import { parse } from "csv-parse/sync";

/** One record: its fields and the line it starts on. Blank lines come back as `[""]`. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** Called with the line and a phrase when the text is not valid CSV; returns what to throw. */
export type CsvFailure = (line: number, problem: string) => Error;

const PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed",
  CSV_INVALID_CLOSING_QUOTE: "a closing quote is followed by something other than a delimiter",
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    "a closing quote is followed by something other than a delimiter",
};

function newlines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/**
 * Reads `text` as CSV.
 *
 * @example
 * ```ts
 * readCsvRecords('q,a\n"multi\nline",x\n', (line, p) => new Error(`line ${line}: ${p}`));
 * // [{ fields: ["q", "a"], line: 1 }, { fields: ["multi\nline", "x"], line: 2 }]
 * ```
 */
export function readCsvRecords(
  text: string,
  fail: CsvFailure,
  { delimiter = "," }: { delimiter?: string } = {},
): CsvRecord[] {
  const records: CsvRecord[] = [];
  let nextLine = 1;
  try {
    parse(text.replace(/\r\n?/g, "\n"), {
      bom: true,
      delimiter,
      raw: true,
      relax_column_count: true,
      record_delimiter: "\n",
      // With `raw`, csv-parse hands on_record `{ record, raw }` (its typings say `string[]`).
      on_record: (record: unknown, { raw = "" }) => {
        const { record: fields } = record as { record: string[] };
        records.push({ fields, line: nextLine });
        nextLine += newlines(raw);
        return null;
      },
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    const problem = PROBLEMS[code] ?? (error as Error).message.replace(/ at line \d+.*$/s, "");
    throw fail(nextLine, problem);
  }
  return records;
}
