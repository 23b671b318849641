/**
 * Kendra's JSON FAQ format:
 * `{ "SchemaVersion": 1, "FaqDocuments": [{ "Question", "Answer", "Attributes": {…} }] }`,
 * where `Attributes` holds `_source_uri`, `_category` and custom attributes (a string, an
 * array of strings, a whole number, or, when declared DATE, an ISO 8601 string). Errors name
 * the line the offending FAQ document starts on.
 * @module
 */
import { coerceJson } from "./attribute_values.ts";
import {
  declaredType,
  faqCollector,
  type FaqEntry,
  faqError,
  type ParseFaqOptions,
} from "./faq_entry.ts";
import { scanJson } from "./json_lines.ts";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads a JSON FAQ file. */
export function parseFaqJson(text: string, options: ParseFaqOptions = {}): FaqEntry[] {
  const body = text.replace(/^\ufeff/, "");
  const scan = scanJson(body, "FaqDocuments");
  if (scan.error) {
    const { line, column, problem } = scan.error;
    throw faqError(line, `invalid JSON at column ${column}: ${problem}`);
  }
  const file: unknown = JSON.parse(body);
  if (!isObject(file)) throw faqError(1, "the file is not a JSON object");
  if (file.SchemaVersion !== undefined && file.SchemaVersion !== 1) {
    throw faqError(1, `SchemaVersion is ${JSON.stringify(file.SchemaVersion)}, not 1`);
  }
  const documents = file.FaqDocuments;
  if (!Array.isArray(documents)) throw faqError(1, `"FaqDocuments" is missing or not an array`);
  const collector = faqCollector(options);
  documents.forEach((document: unknown, index) => {
    const line = scan.elementLines[index] ?? 1;
    const where = `FaqDocuments[${index}]`;
    if (!isObject(document)) throw faqError(line, `${where} is not an object`);
    const { Question, Answer, Attributes = {} } = document;
    if (typeof Question !== "string") throw faqError(line, `${where}.Question is not a string`);
    if (typeof Answer !== "string") throw faqError(line, `${where}.Answer is not a string`);
    if (!isObject(Attributes)) throw faqError(line, `${where}.Attributes is not an object`);
    const entry: FaqEntry = { question: Question, answer: Answer, attributes: {} };
    for (const [name, value] of Object.entries(Attributes)) {
      const coerced = coerceJson(
        value,
        name === "_source_uri" || name === "_category" ? "STRING" : declaredType(name, options),
      );
      if ("problem" in coerced) {
        throw faqError(line, `${where}.Attributes.${name}: ${coerced.problem}`);
      }
      if (name === "_source_uri") entry.uri = coerced.value as string;
      else if (name === "_category") entry.category = coerced.value as string;
      else entry.attributes[name] = coerced.value;
    }
    collector.add(line, entry);
  });
  return collector.entries;
}
