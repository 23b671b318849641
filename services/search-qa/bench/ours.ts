/** Our index (services/search-qa/domain/search_index.ts) behind the benchmark's small API. */
import { buildIndex, type IndexedItem } from "../domain/search_index.ts";
import type { Faq } from "./faq_data.ts";
import type { Passage } from "./corpus.ts";

/** The FAQs as our items: question → `question`, answer → `answer`, source/country attributes. */
export function faqItems(faqs: readonly Faq[]): IndexedItem[] {
  return faqs.map((f) => ({
    id: f.id,
    kind: "FAQ" as const,
    fields: { question: f.question, answer: f.answer },
    attributes: {
      source: f.source,
      ...(f.country ? { country: f.country } : {}),
    },
  }));
}

/** Our index over the FAQs, BM25F order alone (the re-ranked variant is `ours_reranked.ts`). */
export function oursFaq(faqs: readonly Faq[]) {
  const index = buildIndex(faqItems(faqs));
  return (text: string, limit = 10): string[] =>
    index.search({ text, limit }).hits.map((h) => h.id);
}

/** Our index over the passages (title, body), `city` and `category` as attributes. */
export function oursCorpus(passages: readonly Passage[]) {
  const index = buildIndex(passages.map((p) => ({
    id: p.id,
    kind: "PASSAGE" as const,
    fields: { title: p.title, body: p.body },
    attributes: { city: p.city, category: p.category },
  })));
  return {
    index,
    search: (text: string, city: string, limit = 10): string[] =>
      index.search({
        text,
        limit,
        filter: { equalsTo: { key: "city", value: { stringValue: city } } },
      })
        .hits.map((h) => h.id),
  };
}
