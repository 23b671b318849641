/**
 * Per-hit detail, computed for the returned page only by re-analysing its fields: highlight
 * offsets of every token matching a query term group, and `fieldScores`, each field's plain BM25
 * on its own (Robertson & Zaragoza 2009, eq. 3.15, with b_f and the index's idf and k1):
 *
 *   score_f = Σ_g idf_g · tf_{g,f} / (tf_{g,f} + k1 · ((1 − b_f) + b_f · l_f / avgl_f))
 *
 * where tf_{g,f} counts the field's tokens that are any term of group g and l_f its token count.
 *
 * @example
 * ```ts
 * const details = createHitDetails(analyzer, { k1, fieldB, averageFieldLength },
 *   [{ terms: ["open"], idf: 0.9 }]);
 * details(item); // { fieldScores: { body: 0.41 }, highlights: { body: [{ start: 6, end: 10 }] } }
 * ```
 */
import type { Analyzer } from "./analyzer.ts";
import { type Field, FIELDS, lengthNorm } from "./bm25f.ts";
import type { IndexedItem } from "./index_data.ts";

export interface Highlight {
  start: number;
  end: number;
}

export interface HitDetails {
  fieldScores: Partial<Record<Field, number>>;
  highlights: Partial<Record<Field, Highlight[]>>;
}

export interface ScoringParams {
  k1: number;
  fieldB: Record<Field, number>;
  averageFieldLength: number[];
}

export function createHitDetails(
  analyzer: Analyzer,
  { k1, fieldB, averageFieldLength }: ScoringParams,
  groups: readonly { terms: readonly string[]; idf: number }[],
): (item: IndexedItem) => HitDetails {
  const groupsOf = new Map<string, number[]>();
  groups.forEach(({ terms }, g) => {
    for (const t of terms) groupsOf.set(t, [...(groupsOf.get(t) ?? []), g]);
  });
  const tf = new Float64Array(groups.length);
  return function hitDetails(item) {
    const fieldScores: HitDetails["fieldScores"] = {};
    const highlights: HitDetails["highlights"] = {};
    FIELDS.forEach((field, f) => {
      const text = item.fields[field];
      if (!text) return;
      tf.fill(0);
      let length = 0;
      const spans: Highlight[] = [];
      analyzer.forEachToken(text, (term, start, end) => {
        length++;
        const gs = groupsOf.get(term);
        if (gs === undefined) return;
        spans.push({ start, end });
        for (const g of gs) tf[g]++;
      });
      if (spans.length === 0) return;
      const norm = k1 * lengthNorm(fieldB[field], length, averageFieldLength[f]);
      let score = 0;
      groups.forEach(({ idf }, g) => score += tf[g] > 0 ? idf * tf[g] / (tf[g] + norm) : 0);
      fieldScores[field] = score;
      highlights[field] = spans;
    });
    return { fieldScores, highlights };
  };
}
