/**
 * Kendra's two CSV FAQ formats: `CSV` (no header; question, answer, optional URL) and
 * `CSV_WITH_HEADER` (`_question`, `_answer`, optional `_source_uri`, `_category`, and custom
 * attribute columns; a STRING_LIST cell is a quoted comma-separated value, `"a,b,c"`).
 * Blank lines are skipped; cells are trimmed; an empty attribute cell sets no attribute.
 * @module
 */
import { coerceText } from "./attribute_values.ts";
import { readCsvRecords } from "./csv_records.ts";
import {
  declaredType,
  faqCollector,
  type FaqEntry,
  faqError,
  type ParseFaqOptions,
} from "./faq_entry.ts";

const blank = (fields: string[]) => fields.every((field) => field.trim() === "");

/** Reads a basic CSV FAQ file: `question,answer[,url]` per row. */
export function parseFaqCsv(text: string, options: ParseFaqOptions = {}): FaqEntry[] {
  const collector = faqCollector(options);
  for (const { fields, line } of readCsvRecords(text, faqError)) {
    if (blank(fields)) continue;
    if (fields.length < 2 || fields.length > 3) {
      throw faqError(
        line,
        `expected 2 or 3 columns (question, answer, optional URL), found ${fields.length}`,
      );
    }
    const uri = fields[2]?.trim();
    collector.add(line, {
      question: fields[0],
      answer: fields[1],
      ...(uri ? { uri } : {}),
      attributes: {},
    });
  }
  return collector.entries;
}

function readHeader(fields: string[], line: number): string[] {
  const names = fields.map((name) => name.trim());
  names.forEach((name, column) => {
    if (name === "") throw faqError(line, `header column ${column + 1} has no name`);
    if (names.indexOf(name) !== column) throw faqError(line, `header column "${name}" repeats`);
  });
  for (const required of ["_question", "_answer"]) {
    if (!names.includes(required)) throw faqError(line, `the header has no "${required}" column`);
  }
  return names;
}

/** Reads a CSV FAQ file whose first row names the columns. */
export function parseFaqCsvWithHeader(text: string, options: ParseFaqOptions = {}): FaqEntry[] {
  const collector = faqCollector(options);
  let header: string[] | undefined;
  for (const { fields, line } of readCsvRecords(text, faqError)) {
    if (blank(fields)) continue;
    if (header === undefined) {
      header = readHeader(fields, line);
      continue;
    }
    if (fields.length !== header.length) {
      throw faqError(
        line,
        `expected ${header.length} columns as in the header, found ${fields.length}`,
      );
    }
    const entry: FaqEntry = { question: "", answer: "", attributes: {} };
    header.forEach((name, column) => {
      const cell = fields[column].trim();
      if (name === "_question") entry.question = cell;
      else if (name === "_answer") entry.answer = cell;
      else if (cell === "") return;
      else if (name === "_source_uri") entry.uri = cell;
      else if (name === "_category") entry.category = cell;
      else {
        const coerced = coerceText(cell, declaredType(name, options));
        if ("problem" in coerced) throw faqError(line, `column "${name}": ${coerced.problem}`);
        entry.attributes[name] = coerced.value;
      }
    });
    collector.add(line, entry);
  }
  if (header === undefined) throw faqError(1, "the file has no header row");
  return collector.entries;
}
