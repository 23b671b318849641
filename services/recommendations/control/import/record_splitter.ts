/**
 * Cuts decoded CSV text, chunk by chunk, into the text of each record and the 1-based line it
 * starts on, without parsing fields. A newline ends a record unless it is inside quotes; a quote
 * opens a quoted field only where RFC 4180 allows one (at the start of a field, or right after a
 * closing quote: the `""` escape), and inside one the next quote closes it. These are the record
 * boundaries a CSV parser finds in a valid file, found in one `indexOf` pass; a stray quote in an
 * unquoted field (`ab"c`) stays inside its own record. What it buys is recovery: a malformed record spoils only itself, never the records after it (csv-parse's own
 * skip-on-error mode loses the rows after a bad quote without a word). A quote opened and never
 * closed still runs to the end of the file, as in every CSV reader; that one record is reported.
 *
 * A record longer than {@link MAX_RECORD_CHARS} is not kept (memory stays bounded even when a
 * stray quote swallows the file): it comes out with `tooLong` and no text.
 *
 * Line endings are normalised to `\n` (CRLF, LF and CR files count lines alike; a CRLF inside a
 * quoted field reads as `\n`). Empty lines are skipped, but counted.
 *
 * @example
 * ```ts
 * const split = recordSplitter();
 * split.push('a,b\r\n"x\r\ny",2\r\n\r\n3,'); // [{ text: "a,b", line: 1 }, { text: '"x\ny",2', line: 2 }]
 * split.end(); // [{ text: "3,", line: 5 }]
 * ```
 * @module
 */

/** One record's raw text (no trailing newline) and the line it starts on. */
export interface RawRecord {
  text: string;
  line: number;
  /** Longer than {@link MAX_RECORD_CHARS}; `text` is empty. */
  tooLong?: true;
}

export const MAX_RECORD_CHARS = 4 * 1024 * 1024;

export interface RecordSplitter {
  /** Records completed by `chunk`. */
  push(chunk: string): RawRecord[];
  /** The last record, if the text did not end with a newline (or a quote was left open). */
  end(): RawRecord[];
}

export function recordSplitter(): RecordSplitter {
  let pending = ""; // the unfinished record's text so far
  let inQuotes = false;
  let line = 1; // the line at the start of the next unread character
  let start = 1; // the line the unfinished record starts on
  let before = "\n"; // the character before this chunk ("\n": a record starts)
  let closedBefore = false; // that character was a closing quote
  let carriageReturn = false; // the last chunk ended with \r: drop a \n that starts the next
  let tooLong = false; // the unfinished record passed MAX_RECORD_CHARS: its text is dropped
  const keep = (part: string) => {
    if (tooLong) return;
    pending += part;
    if (pending.length > MAX_RECORD_CHARS) [pending, tooLong] = ["", true];
  };
  const finish = (): RawRecord | undefined => {
    const record: RawRecord | undefined = tooLong
      ? { text: "", line: start, tooLong: true }
      : pending === ""
      ? undefined
      : { text: pending, line: start };
    [pending, tooLong] = ["", false];
    return record;
  };

  return {
    push(raw) {
      let text = raw;
      if (carriageReturn && text.startsWith("\n")) text = text.slice(1);
      carriageReturn = text.endsWith("\r");
      if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
      const out: RawRecord[] = [];
      let pos = 0;
      let quote = text.indexOf('"');
      let lastClose = -2;
      while (pos < text.length) {
        const newline = text.indexOf("\n", pos);
        const end = newline === -1 ? text.length : newline;
        while (quote !== -1 && quote < end) {
          if (inQuotes) {
            inQuotes = false;
            lastClose = quote;
          } else {
            const prev = quote > 0 ? text[quote - 1] : before;
            const afterClose = quote > 0 ? lastClose === quote - 1 : closedBefore;
            if (prev === "," || prev === "\n" || afterClose) inQuotes = true;
          }
          quote = text.indexOf('"', quote + 1);
        }
        if (newline === -1) {
          keep(text.slice(pos));
          break;
        }
        line++;
        if (inQuotes) {
          keep(text.slice(pos, newline + 1));
        } else {
          keep(text.slice(pos, newline));
          const record = finish();
          if (record) out.push(record);
          start = line;
        }
        pos = newline + 1;
      }
      if (text.length > 0) {
        before = text[text.length - 1];
        closedBefore = lastClose === text.length - 1;
      }
      return out;
    },
    end() {
      const record = finish();
      return record ? [record] : [];
    },
  };
}
