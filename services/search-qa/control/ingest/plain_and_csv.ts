/**
 * Plain-text and CSV documents as {@link TextBlock}s.
 *
 * Plain text: paragraphs are separated by blank lines, lines inside one are joined; a
 * Markdown-like `# heading` line (1 to 6 `#`s and a space) ends the block and sets the heading
 * at that level, as `<h1>`..`<h6>` do in HTML.
 *
 * CSV: the first row is the header; each further row is one block, `column: value; …`, so the
 * header gives every value its context (empty cells left out; a cell past the header's width
 * is named `column N`). Text that is not CSV is a per-document `document_unreadable` error.
 * @module
 */
import { unprocessable } from "@edgeml/shared/errors";
import { readCsvRecords } from "./csv_records.ts";
import { collapseSpace, type TextBlock } from "./text_block.ts";

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

/**
 * Blocks of a plain-text document.
 *
 * @example
 * ```ts
 * plainTextBlocks("# Library\nOpen 9 to 5.\n\n## Holidays\nClosed.");
 * // [{ headings: ["Library"], text: "Open 9 to 5." },
 * //  { headings: ["Library", "Holidays"], text: "Closed." }]
 * ```
 */
export function plainTextBlocks(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  const headings: { level: number; text: string }[] = [];
  let paragraphs: string[] = [];
  let lines: string[] = [];
  const endParagraph = () => {
    const paragraph = collapseSpace(lines.join(" "));
    if (paragraph !== "") paragraphs.push(paragraph);
    lines = [];
  };
  const endBlock = () => {
    endParagraph();
    if (paragraphs.length > 0) {
      blocks.push({ headings: headings.map((h) => h.text), text: paragraphs.join("\n\n") });
    }
    paragraphs = [];
  };
  for (const line of text.replace(/^\ufeff/, "").split(/\r\n?|\n/)) {
    const heading = HEADING.exec(line.trim());
    if (heading) {
      endBlock();
      const level = heading[1].length;
      while ((headings.at(-1)?.level ?? 0) >= level) headings.pop();
      headings.push({ level, text: collapseSpace(heading[2]) });
    } else if (line.trim() === "") {
      endParagraph();
    } else {
      lines.push(line);
    }
  }
  endBlock();
  return blocks;
}

/** Options of {@link csvBlocks}. */
export interface CsvBlocksOptions {
  delimiter?: string;
  /** The most rows read (default 100 000); more is a `document_too_large` error. */
  maxRows?: number;
}

/**
 * One block per data row of a CSV document.
 *
 * @example
 * ```ts
 * csvBlocks("facility,hours\nPool,7-21\n");
 * // [{ headings: [], text: "facility: Pool; hours: 7-21" }]
 * ```
 */
export function csvBlocks(
  text: string,
  { delimiter = ",", maxRows = 100_000 }: CsvBlocksOptions = {},
): TextBlock[] {
  const records = readCsvRecords(
    text,
    (line, problem) =>
      unprocessable("document_unreadable", `line ${line}: ${problem}`, { extra: { line } }),
    { delimiter },
  ).filter(({ fields }) => fields.some((field) => field.trim() !== ""));
  if (records.length - 1 > maxRows) {
    throw unprocessable("document_too_large", `the CSV has over ${maxRows} rows`, {
      extra: { maxRows },
    });
  }
  const [header, ...rows] = records;
  const names = header?.fields.map((name, i) => collapseSpace(name) || `column ${i + 1}`) ?? [];
  return rows.flatMap(({ fields }) => {
    const text = fields
      .map((value, i) => [names[i] ?? `column ${i + 1}`, collapseSpace(value)])
      .filter(([, value]) => value !== "")
      .map(([name, value]) => `${name}: ${value}`)
      .join("; ");
    return text === "" ? [] : [{ headings: [], text }];
  });
}
