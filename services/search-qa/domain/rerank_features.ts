/**
 * The re-ranker's input: one fixed-order feature vector per (query, candidate), computed from the
 * candidate's BM25F hit (`fieldScores` are per-field BM25, `bm25f.ts`), its stored fields and the
 * feedback prior. Edge-safe: plain arithmetic over the analyzer's tokens. The "head" of an item is
 * what a user's question should resemble: an FAQ's question, a passage's title and headings.
 *
 *   bm25f            score / top score of the query's candidates (1 for the best)
 *   bm25Title …      plain BM25 of one field (title, headings, body, question, answer), 0 if absent
 *   headCoverage     share of the query's term groups found in the head
 *   coverage         share of the query's term groups found in any field
 *   headCovered      share of the head's distinct terms that the query has (reverse coverage)
 *   proximity        m / w in the best field: m distinct query groups matched there, w the length
 *                    in positions (stop words counted) of the shortest window holding one of
 *                    each (Tao & Zhai, SIGIR 2007, "MinCoverage"-style span); 0 without a match
 *   trigramCosine    cosine of character-trigram counts of the query and the head, lowercased
 *                    words joined by one space and padded with one (catches misspellings and
 *                    compounds: "health care" / "healthcare")
 *   logPrior         ln of the feedback prior (0 without feedback)
 *   isFaq, isPassage the item kind, one-hot
 *
 * A model trained on one `RERANK_FEATURE_VERSION` is only used with the same version.
 *
 * @example
 * ```ts
 * const features = createFeatureExtractor(analyzer, "library opening hours");
 * features(hit, item, { topScore: hits[0].score, prior: 1 }); // number[RERANK_FEATURES.length]
 * ```
 */
import type { Analyzer, QueryTermGroup } from "./analyzer.ts";
import { FIELDS } from "./bm25f.ts";
import type { IndexedItem } from "./index_data.ts";
import type { SearchHit } from "./search_index.ts";

export const RERANK_FEATURES = [
  "bm25f",
  "bm25Title",
  "bm25Headings",
  "bm25Body",
  "bm25Question",
  "bm25Answer",
  "headCoverage",
  "coverage",
  "headCovered",
  "proximity",
  "trigramCosine",
  "logPrior",
  "isFaq",
  "isPassage",
] as const;

/** Bumped whenever a feature's definition or the order changes. */
export const RERANK_FEATURE_VERSION = 1;

export interface CandidateContext {
  /** The best BM25F score among the query's candidates. */
  topScore: number;
  /** The feedback prior multiplier of this candidate (1 = none). */
  prior: number;
}

export type FeatureExtractor = (
  hit: Pick<SearchHit, "score" | "fieldScores">,
  item: IndexedItem,
  context: CandidateContext,
) => number[];

/** The text a query should resemble: an FAQ's question, a passage's title and headings. */
export function headText(item: IndexedItem): string {
  return item.kind === "FAQ"
    ? item.fields.question ?? ""
    : [item.fields.title, item.fields.headings].filter(Boolean).join(" ");
}

/** Character-trigram counts of `text`: lowercased words joined by single spaces, padded. */
export function trigrams(text: string): Map<string, number> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const s = ` ${words.join(" ")} `;
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= s.length; i++) {
    const g = s.slice(i, i + 3);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

/** cos(a, b) = Σ a_g b_g / (‖a‖ ‖b‖); 0 when either is empty. */
export function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0, na = 0, nb = 0;
  for (const [g, x] of a) {
    na += x * x;
    dot += x * (b.get(g) ?? 0);
  }
  for (const x of b.values()) nb += x * x;
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

const headGrams = new WeakMap<IndexedItem, Map<string, number>>();

/** `trigrams(headText(item))`, worked out once per item: candidates recur query after query. */
export function headTrigrams(item: IndexedItem): Map<string, number> {
  let grams = headGrams.get(item);
  if (grams === undefined) headGrams.set(item, grams = trigrams(headText(item)));
  return grams;
}

const headTermSets = new WeakMap<Analyzer, WeakMap<IndexedItem, Set<string>>>();

/** The distinct terms of the item's head under `analyzer`, worked out once per item. */
function headTerms(analyzer: Analyzer, item: IndexedItem): Set<string> {
  let byItem = headTermSets.get(analyzer);
  if (byItem === undefined) headTermSets.set(analyzer, byItem = new WeakMap());
  let terms = byItem.get(item);
  if (terms === undefined) {
    byItem.set(item, terms = new Set(analyzer.analyze(headText(item)).map((t) => t.term)));
  }
  return terms;
}

/** m / w of the shortest window holding one match of each matched group; 0 without a match. */
export function windowDensity(matches: readonly { position: number; group: number }[]): number {
  if (matches.length === 0) return 0;
  const m = new Set(matches.map((x) => x.group)).size;
  const inWindow = new Map<number, number>();
  let best = Infinity;
  for (let lo = 0, hi = 0; hi < matches.length; hi++) {
    inWindow.set(matches[hi].group, (inWindow.get(matches[hi].group) ?? 0) + 1);
    while (inWindow.size === m) {
      best = Math.min(best, matches[hi].position - matches[lo].position + 1);
      const g = matches[lo++].group;
      const left = inWindow.get(g)! - 1;
      if (left === 0) inWindow.delete(g);
      else inWindow.set(g, left);
    }
  }
  return m / best;
}

export function createFeatureExtractor(analyzer: Analyzer, queryText: string): FeatureExtractor {
  const groups: QueryTermGroup[] = analyzer.expandQuery(queryText);
  const groupsOf = new Map<string, number[]>();
  groups.forEach(({ terms }, g) => {
    for (const t of terms) groupsOf.set(t, [...(groupsOf.get(t) ?? []), g]);
  });
  const queryTerms = new Set(groups.flatMap((g) => g.terms));
  const queryGrams = trigrams(queryText);
  const share = (found: Set<number>) => groups.length > 0 ? found.size / groups.length : 0;

  /** Query groups matched in `text` and their positions, in position order. */
  const match = (text: string, found: Set<number>) => {
    const matches: { position: number; group: number }[] = [];
    analyzer.forEachToken(text, (term, _s, _e, position) => {
      for (const group of groupsOf.get(term) ?? []) {
        matches.push({ position, group });
        found.add(group);
      }
    });
    return matches;
  };

  return function rerankFeatures(hit, item, { topScore, prior }) {
    const anywhere = new Set<number>();
    let proximity = 0;
    for (const field of FIELDS) {
      const text = item.fields[field];
      if (text) proximity = Math.max(proximity, windowDensity(match(text, anywhere)));
    }
    const head = headText(item);
    const inHead = new Set<number>();
    match(head, inHead);
    const terms = headTerms(analyzer, item);
    let covered = 0;
    for (const t of terms) if (queryTerms.has(t)) covered++;
    return [
      topScore > 0 ? hit.score / topScore : 0,
      ...FIELDS.map((f) => hit.fieldScores[f] ?? 0),
      share(inHead),
      share(anywhere),
      terms.size > 0 ? covered / terms.size : 0,
      proximity,
      cosine(queryGrams, headTrigrams(item)),
      Math.log(prior > 0 ? prior : 1),
      item.kind === "FAQ" ? 1 : 0,
      item.kind === "PASSAGE" ? 1 : 0,
    ];
  };
}
