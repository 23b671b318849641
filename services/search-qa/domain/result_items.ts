/**
 * Search hits as Kendra result items: a matched FAQ is a QUESTION_ANSWER (question and answer
 * with highlights), a passage a DOCUMENT (title, an excerpt of at most 290 characters around
 * the first highlight), and the best passage also yields an ANSWER: the sentence with the most
 * query-term matches, marked `topAnswer`.
 */
import type { QueryResultItem } from "@edgeml/shared/contracts/search";
import { excerpt as cut } from "./excerpt.ts";

export interface Span {
  start: number;
  end: number;
}

export interface StoredItem {
  id: string;
  kind: "FAQ" | "PASSAGE";
  fields: { title?: string; headings?: string; body?: string; question?: string; answer?: string };
  attributes: Record<string, string | string[] | number>;
}

export type Confidence = QueryResultItem["scoreAttributes"]["scoreConfidence"];

/** Kendra cuts document excerpts at about 290 characters. */
export const EXCERPT_CHARS = 290;

const highlight = (spans: Span[] | undefined) =>
  (spans ?? []).map((s) => ({
    beginOffset: s.start,
    endOffset: s.end,
    topAnswer: false,
    type: "STANDARD" as const,
  }));

/** A window of `text` of at most `max` characters around the first span, with its highlights. */
export function excerpt(text: string, spans: Span[] = [], max = EXCERPT_CHARS) {
  return cut(text, highlight(spans), max);
}

/** The sentence of `text` holding the most spans: the extracted answer and its offsets. */
export function answerSentence(text: string, spans: Span[] = []): Span | undefined {
  if (spans.length === 0) return undefined;
  const sentences: Span[] = [];
  const re = /[^.!?\n]+[.!?]*/g;
  for (const m of text.matchAll(re)) {
    const lead = m[0].length - m[0].trimStart().length;
    const start = m.index! + lead;
    const end = m.index! + m[0].trimEnd().length;
    if (end > start) sentences.push({ start, end });
  }
  let best: Span | undefined;
  let bestCount = 0;
  for (const s of sentences) {
    const count = spans.filter((h) => h.start >= s.start && h.end <= s.end).length;
    if (count > bestCount) [best, bestCount] = [s, count];
  }
  return best;
}

function attributesOf(item: StoredItem) {
  return Object.entries(item.attributes)
    .filter(([key]) => key !== "_document_id")
    .map(([key, v]) => ({
      key,
      value: typeof v === "number"
        ? { longValue: v }
        : Array.isArray(v)
        ? { stringListValue: v }
        : { stringValue: v },
    }));
}

const documentIdOf = (item: StoredItem) => String(item.attributes._document_id ?? item.id);
const uriOf = (item: StoredItem) =>
  typeof item.attributes._source_uri === "string" ? item.attributes._source_uri : undefined;

/** The result item for one hit. */
export function resultItem(
  item: StoredItem,
  highlights: Partial<Record<string, Span[]>>,
  confidence: Confidence,
  feedbackToken: string,
): QueryResultItem {
  const base = {
    id: item.id,
    documentId: documentIdOf(item),
    documentURI: uriOf(item),
    documentAttributes: attributesOf(item),
    scoreAttributes: { scoreConfidence: confidence },
    feedbackToken,
  };
  if (item.kind === "FAQ") {
    return {
      ...base,
      type: "QUESTION_ANSWER",
      questionText: {
        text: item.fields.question ?? "",
        highlights: highlight(highlights.question),
      },
      answerText: { text: item.fields.answer ?? "", highlights: highlight(highlights.answer) },
      documentExcerpt: excerpt(item.fields.answer ?? "", highlights.answer),
    };
  }
  const title = item.fields.title ?? "";
  return {
    ...base,
    type: "DOCUMENT",
    documentTitle: { text: title, highlights: highlight(highlights.title) },
    documentExcerpt: excerpt(item.fields.body ?? "", highlights.body),
  };
}

/** The ANSWER item for the best passage, when a sentence of it holds query terms. */
export function answerItem(
  item: StoredItem,
  highlights: Partial<Record<string, Span[]>>,
  confidence: Confidence,
  feedbackToken: string,
): QueryResultItem | undefined {
  const body = item.fields.body ?? "";
  const sentence = answerSentence(body, highlights.body);
  if (!sentence) return undefined;
  // The excerpt is the answer sentence itself (cut at a word break past 290 characters).
  const window = excerpt(body.slice(sentence.start, sentence.end), [], EXCERPT_CHARS);
  const answerLength = window.text.length - (window.text.endsWith("…") ? 1 : 0);
  return {
    id: `answer:${item.id}`,
    type: "ANSWER",
    documentId: documentIdOf(item),
    documentURI: uriOf(item),
    documentTitle: { text: item.fields.title ?? "", highlights: [] },
    documentExcerpt: {
      text: window.text,
      highlights: [{ beginOffset: 0, endOffset: answerLength, topAnswer: true, type: "STANDARD" }],
    },
    documentAttributes: attributesOf(item),
    scoreAttributes: { scoreConfidence: confidence },
    feedbackToken,
  };
}
