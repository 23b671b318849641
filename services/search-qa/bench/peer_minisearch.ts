/** MiniSearch as a peer, with its default settings (tokenizer, scoring, no stemming). */
import MiniSearch from "minisearch";
import type { Faq } from "./faq_data.ts";
import type { Passage } from "./corpus.ts";

export type FaqField = "question" | "answer";

/** A MiniSearch index of the FAQs over `fields`; returns the ranked FAQ ids for a query. */
export function miniSearchFaq(faqs: readonly Faq[], fields: FaqField[]) {
  const index = new MiniSearch<Faq>({ fields });
  index.addAll(faqs);
  return (text: string, limit = 10): string[] =>
    index.search(text).slice(0, limit).map((r) => String(r.id));
}

/** A MiniSearch index of the passages (title, body), `city` stored for the filter. */
export function miniSearchCorpus(passages: readonly Passage[]) {
  const index = new MiniSearch<Passage>({ fields: ["title", "body"], storeFields: ["city"] });
  index.addAll(passages);
  return {
    index,
    search: (text: string, city: string, limit = 10): string[] =>
      index.search(text, { filter: (r) => r.city === city }).slice(0, limit).map((r) =>
        String(r.id)
      ),
  };
}
