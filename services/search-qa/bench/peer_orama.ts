/** Orama as a peer, with its default settings (BM25, English tokenizer, no stemming). */
import { create, insertMultiple, search } from "@orama/orama";
import type { Faq } from "./faq_data.ts";
import type { Passage } from "./corpus.ts";

type Hits = { hits: { id: string }[] };
/** Orama's calls return a value or a promise; with no async hooks they return a value. */
function sync<T>(value: T | Promise<T>): T {
  if (value instanceof Promise) throw new Error("Orama answered asynchronously");
  return value;
}

/** An Orama index of the FAQs (schema question, answer); returns the ranked FAQ ids. */
export function oramaFaq(faqs: readonly Faq[]) {
  const db = create({ schema: { question: "string", answer: "string" } as const });
  sync(insertMultiple(db, faqs.map((f) => ({ id: f.id, question: f.question, answer: f.answer }))));
  return (text: string, limit = 10): string[] =>
    (sync(search(db, { term: text, limit })) as Hits).hits.map((h) => h.id);
}

/** An Orama index of the passages (title, body), `city` an enum for the `where` filter. */
export function oramaCorpus(passages: readonly Passage[]) {
  const db = create({
    schema: { title: "string", body: "string", city: "enum", category: "enum" } as const,
  });
  sync(insertMultiple(db, passages.map((p) => ({ ...p }))));
  return {
    db,
    search: (text: string, city: string, limit = 10): string[] =>
      (sync(search(db, { term: text, where: { city: { eq: city } }, limit })) as Hits).hits.map(
        (h) => h.id,
      ),
  };
}
