/**
 * One FAQ as every FAQ file format reads it, its limits, and the line-numbered error a
 * malformed FAQ file throws.
 * @module
 */
import { type DomainError, invalid } from "@edgeml/shared/errors";
import type { AttributeType, AttributeValue } from "./attribute_values.ts";

/** A question-answer pair, as Kendra's FAQ formats carry it. */
export interface FaqEntry {
  question: string;
  answer: string;
  /** `_source_uri`: the page the answer comes from. */
  uri?: string;
  /** `_category`. */
  category?: string;
  /** Custom attributes (`city`, …); `_source_uri` and `_category` are not repeated here. */
  attributes: Record<string, AttributeValue>;
}

/** Options of `parseFaq`; every limit has Kendra's default. */
export interface ParseFaqOptions {
  /** The most entries one file may hold (default 100 000). */
  maxEntries?: number;
  /** The longest question, in characters (default 1000). */
  maxQuestionChars?: number;
  /** The longest answer, in characters (default 10 000). */
  maxAnswerChars?: number;
  /** Declared types of custom attributes; undeclared ones are STRING (CSV) or as in the JSON. */
  attributeTypes?: Record<string, AttributeType>;
  /** CSV columns read as STRING_LIST (`"a,b,c"`), a shorthand for `attributeTypes`. */
  listColumns?: string[];
}

/** The `invalid_faq_file` error, naming the 1-based line of the file. */
export function faqError(line: number, problem: string): DomainError {
  return invalid("invalid_faq_file", `line ${line}: ${problem}`, { extra: { line } });
}

/** The type a custom attribute is read as, from `attributeTypes` or `listColumns`. */
export function declaredType(
  name: string,
  { attributeTypes = {}, listColumns = [] }: ParseFaqOptions,
): AttributeType | undefined {
  return attributeTypes[name] ?? (listColumns.includes(name) ? "STRING_LIST" : undefined);
}

/** Collects entries, enforcing the per-entry and per-file limits. */
export function faqCollector(
  { maxEntries = 100_000, maxQuestionChars = 1000, maxAnswerChars = 10_000 }: ParseFaqOptions,
): { add(line: number, entry: FaqEntry): void; entries: FaqEntry[] } {
  const entries: FaqEntry[] = [];
  return {
    entries,
    add(line, entry) {
      const question = entry.question.trim();
      const answer = entry.answer.trim();
      if (question === "") throw faqError(line, "the question is empty");
      if (answer === "") throw faqError(line, "the answer is empty");
      if (question.length > maxQuestionChars) {
        throw faqError(
          line,
          `the question is ${question.length} characters, over ${maxQuestionChars}`,
        );
      }
      if (answer.length > maxAnswerChars) {
        throw faqError(line, `the answer is ${answer.length} characters, over ${maxAnswerChars}`);
      }
      if (entry.uri !== undefined && !URL.canParse(entry.uri)) {
        throw faqError(line, `the source URI "${entry.uri}" is not an absolute URL`);
      }
      if (entries.length >= maxEntries) throw faqError(line, `more than ${maxEntries} FAQ entries`);
      entries.push({ ...entry, question, answer });
    },
  };
}
