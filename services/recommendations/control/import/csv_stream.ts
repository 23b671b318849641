/**
 * A CSV byte stream → batches of records with their 1-based line, read as the bytes arrive
 * (never the whole file in memory): UTF-8 decoding (a BOM is dropped), record boundaries and
 * line numbers from `record_splitter.ts`, fields by csv-parse (RFC 4180: `"` quotes, `""`
 * escapes) over a batch of records at a time (records without a quote are cut at their commas,
 * which is what csv-parse would give, faster). A record csv-parse refuses (a stray quote, a
 * quote left open, a record over 4 MiB) comes back as a `problem` on its line, and the records
 * after it are read as usual.
 *
 * @example
 * ```ts
 * for await (const batch of streamCsvRecords(file.readable)) {
 *   for (const record of batch) {
 *     if ("problem" in record) console.log(record.line, record.problem);
 *     else console.log(record.line, record.fields);
 *   }
 * }
 * ```
 * @module
 */
import { parse } from "csv-parse/sync";
import { MAX_RECORD_CHARS, type RawRecord, recordSplitter } from "./record_splitter.ts";

export type CsvRecord = { line: number; fields: string[] } | { line: number; problem: string };

export interface CsvStreamOptions {
  /** Called with the bytes read so far, after each chunk (for progress). */
  onBytes?: (bytes: number) => void;
}

const PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed (the rest of the file is inside it)",
  CSV_INVALID_CLOSING_QUOTE: "a closing quote is followed by something other than a delimiter",
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE:
    "a closing quote is followed by something other than a delimiter",
  INVALID_OPENING_QUOTE: 'a quote inside an unquoted field (quote the field and double the ")',
};

function problemOf(error: unknown): string {
  const code = (error as { code?: string }).code ?? "";
  return PROBLEMS[code] ??
    `not valid CSV: ${(error as Error).message.replace(/ at line \d+.*$/s, "")}`;
}

/** Parses `raw` records, which the splitter made whole, one result per record. */
function parseBatch(raw: readonly RawRecord[]): CsvRecord[] {
  const out: CsvRecord[] = [];
  let from = 0;
  while (from < raw.length) {
    const slice = raw.slice(from);
    const tooLong = slice.findIndex((record) => record.tooLong);
    const parsed: string[][] = [];
    const batch = tooLong === -1 ? slice : slice.slice(0, tooLong);
    let failed: unknown;
    try {
      parse(batch.map((record) => record.text).join("\n"), {
        record_delimiter: "\n",
        relax_column_count: true,
        on_record: (fields: string[]) => {
          parsed.push(fields);
          return null;
        },
      });
    } catch (error) {
      failed = error;
    }
    const good = Math.min(parsed.length, batch.length);
    if (failed === undefined && parsed.length !== batch.length) {
      // Never expected (the splitter and csv-parse agree on boundaries); read one at a time.
      for (const record of batch) {
        out.push(
          batch.length > 1
            ? parseBatch([record])[0]
            : { line: record.line, problem: "not valid CSV: the record does not read as one" },
        );
      }
      from += batch.length;
      continue;
    }
    for (let i = 0; i < good; i++) out.push({ line: batch[i].line, fields: parsed[i] });
    from += good;
    if (failed !== undefined && good < batch.length) {
      out.push({ line: batch[good].line, problem: problemOf(failed) });
      from += 1;
    } else if (tooLong !== -1) {
      out.push({
        line: slice[tooLong].line,
        problem: `the record is longer than ${MAX_RECORD_CHARS} characters (a quote left open?)`,
      });
      from += 1;
    }
  }
  return out;
}

/**
 * One result per record, in order. A record without a quote character is cut at its commas
 * (exactly what RFC 4180 parsing gives for it, and 6x faster than csv-parse on such rows); the
 * rest go through csv-parse.
 */
function readBatch(raw: readonly RawRecord[]): CsvRecord[] {
  const out: CsvRecord[] = new Array(raw.length);
  const quoted: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const { text, line, tooLong } = raw[i];
    if (!tooLong && !text.includes('"')) out[i] = { line, fields: text.split(",") };
    else quoted.push(i);
  }
  if (quoted.length > 0) {
    const parsed = parseBatch(quoted.map((i) => raw[i]));
    quoted.forEach((i, k) => out[i] = parsed[k]);
  }
  return out;
}

/** Reads `body` as CSV, a batch of records per chunk of bytes. */
export async function* streamCsvRecords(
  body: ReadableStream<Uint8Array>,
  { onBytes }: CsvStreamOptions = {},
): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder("utf-8");
  const split = recordSplitter();
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.byteLength;
    const records = split.push(decoder.decode(chunk, { stream: true }));
    onBytes?.(bytes);
    if (records.length > 0) yield readBatch(records);
  }
  const records = [...split.push(decoder.decode()), ...split.end()];
  if (records.length > 0) yield readBatch(records);
}
