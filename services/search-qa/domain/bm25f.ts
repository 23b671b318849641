/**
 * BM25F, the "simple BM25F" of Robertson & Zaragoza, *The Probabilistic Relevance Framework:
 * BM25 and Beyond* (2009), §3.5 (eqs. 3.18–3.20), after Robertson, Zaragoza & Taylor, *Simple
 * BM25 extension to multiple weighted fields* (CIKM 2004):
 *
 *   B_{f,d} = (1 − b_f) + b_f · l_{f,d} / avgl_f                  per-field length normalisation
 *   t̃f_{t,d} = Σ_f w_f · tf_{t,f,d} / B_{f,d}                      weighted pseudo-frequency
 *   score(q, d) = Σ_{t ∈ q} idf(t) · t̃f_{t,d} / (k1 + t̃f_{t,d})   one saturation over all fields
 *
 * with Lucene's non-negative idf (BM25Similarity): idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)).
 * avgl_f averages over the documents that have field f (FAQ fields are absent from passages).
 * A synonym group is scored as one term, as Lucene's SynonymQuery does: its t̃f is the sum over
 * its terms, its df the largest of theirs.
 *
 * `fieldScores` in results are plain BM25 of one field alone (w_f = 1, same idf, k1 and b_f).
 */

export const FIELDS = ["title", "headings", "body", "question", "answer"] as const;
export type Field = typeof FIELDS[number];

/** Field weights w_f: titles and FAQ questions count most. */
export const DEFAULT_FIELD_WEIGHTS: Readonly<Record<Field, number>> = {
  title: 3,
  headings: 2,
  body: 1,
  question: 3,
  answer: 1,
};

/** Length normalisation b_f: short fields are normalised less. */
export const DEFAULT_FIELD_B: Readonly<Record<Field, number>> = {
  title: 0.5,
  headings: 0.5,
  body: 0.75,
  question: 0.5,
  answer: 0.75,
};

export const DEFAULT_K1 = 1.2;

/** idf(t) = ln(1 + (N − df + 0.5) / (df + 0.5)) (Lucene BM25Similarity). */
export function idf(documentCount: number, documentFrequency: number): number {
  return Math.log(1 + (documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/** B_{f,d} = (1 − b_f) + b_f · l_{f,d} / avgl_f; 1 when no document has the field. */
export function lengthNorm(b: number, length: number, averageLength: number): number {
  return averageLength > 0 ? 1 - b + b * length / averageLength : 1;
}

/** t̃f / (k1 + t̃f): the saturation applied once to the combined pseudo-frequency. */
export function saturate(pseudoFrequency: number, k1: number): number {
  return pseudoFrequency / (k1 + pseudoFrequency);
}
