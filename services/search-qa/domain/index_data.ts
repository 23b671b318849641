/**
 * Builds the BM25F index's data (formulas in `bm25f.ts`): a term dictionary and term-major
 * postings in typed arrays. For term t, postings `termStart[t] .. termStart[t + 1]` hold the
 * documents in ascending order (`postDocs`) and each one's pseudo-frequency t̃f
 * (`postWeight`, float32), so a query reads one contiguous run per term and computes nothing per
 * field. Also kept: each lowercased surface word and its term, for spelling suggestions.
 *
 * @example
 * ```ts
 * const data = buildIndexData([{ id: "1", kind: "FAQ", fields: { question: "Open hours?" },
 *   attributes: {} }]);
 * data.terms; // ["open", "hour"]
 * ```
 */
import { invalid } from "@edgeml/shared/errors";
import { type AnalyzerOptions, createAnalyzer } from "./analyzer.ts";
import type { Attributes, AttributeSchema, FilterLimits } from "./attribute_filter.ts";
import { inferSchema } from "./attribute_schema.ts";
import {
  DEFAULT_FIELD_B,
  DEFAULT_FIELD_WEIGHTS,
  DEFAULT_K1,
  type Field,
  FIELDS,
  lengthNorm,
} from "./bm25f.ts";

export type ItemKind = "FAQ" | "PASSAGE";

export interface IndexedItem {
  id: string;
  kind: ItemKind;
  /** `headings` is the passage's heading path as one string. */
  fields: Partial<Record<Field, string>>;
  attributes: Attributes;
}

export interface IndexOptions extends AnalyzerOptions {
  /** BM25F field weights w_f. */
  fieldWeights?: Partial<Record<Field, number>>;
  /** BM25F length normalisation b_f. */
  fieldB?: Partial<Record<Field, number>>;
  k1?: number;
  /** Inferred from the items when absent. */
  attributeSchema?: AttributeSchema;
  filterLimits?: FilterLimits;
}

/** Everything a snapshot stores: the items and the postings are the truth, the rest derives. */
export interface IndexData {
  items: IndexedItem[];
  schema: AttributeSchema;
  analyzer: { stopWords?: string[]; synonyms?: string; stem: boolean };
  k1: number;
  fieldWeights: Record<Field, number>;
  fieldB: Record<Field, number>;
  filterLimits: Required<FilterLimits>;
  /** avgl_f over the documents that have field f, in `FIELDS` order. */
  averageFieldLength: number[];
  terms: string[];
  termStart: Int32Array;
  postDocs: Int32Array;
  postWeight: Float32Array;
  surfaceWords: string[];
  /** The term of each surface word. */
  surfaceTerms: Int32Array;
}

export function buildIndexData(items: IndexedItem[], options: IndexOptions = {}): IndexData {
  const { stopWords, synonyms, stem = true, k1 = DEFAULT_K1, filterLimits = {} } = options;
  const fieldWeights = { ...DEFAULT_FIELD_WEIGHTS, ...options.fieldWeights };
  const fieldB = { ...DEFAULT_FIELD_B, ...options.fieldB };
  const analyzerOptions = {
    ...(stopWords ? { stopWords: [...stopWords] } : {}),
    ...(synonyms ? { synonyms } : {}),
    stem,
  };
  const analyzer = createAnalyzer(analyzerOptions);
  const seen = new Set<string>();
  for (const item of items) {
    if (seen.has(item.id)) throw invalid("duplicate_id", `item id "${item.id}" appears twice`);
    seen.add(item.id);
  }

  const termIds = new Map<string, number>();
  const surface = new Map<string, number>();
  const nFields = FIELDS.length;
  const fieldLength = new Int32Array(items.length * nFields);
  // postings in document order first: term, then per-field tf, per posting
  const docStart = new Int32Array(items.length + 1);
  const postTerm: number[] = [];
  const postTf: number[] = [];
  let slotOf = new Int32Array(1024).fill(-1);
  const docTerms: number[] = [];
  const slotTf: number[] = [];
  let fi = 0, tokens = 0;
  const visit = (term: string, _s: number, _e: number, _p: number, word: string) => {
    let t = termIds.get(term);
    if (t === undefined) {
      termIds.set(term, t = termIds.size);
      if (t >= slotOf.length) {
        const grown = new Int32Array(slotOf.length * 2).fill(-1);
        grown.set(slotOf);
        slotOf = grown;
      }
    }
    if (!surface.has(word)) surface.set(word, t);
    let slot = slotOf[t];
    if (slot < 0) {
      slot = slotOf[t] = docTerms.length;
      docTerms.push(t);
      slotTf.push(0, 0, 0, 0, 0);
    }
    slotTf[slot * nFields + fi]++;
    tokens++;
  };
  items.forEach((item, d) => {
    for (fi = 0; fi < nFields; fi++) {
      const text = item.fields[FIELDS[fi]];
      if (!text) continue;
      tokens = 0;
      analyzer.forEachToken(text, visit);
      fieldLength[d * nFields + fi] = tokens;
    }
    for (let s = 0; s < docTerms.length; s++) {
      postTerm.push(docTerms[s]);
      for (let f = 0; f < nFields; f++) postTf.push(slotTf[s * nFields + f]);
      slotOf[docTerms[s]] = -1;
    }
    docTerms.length = 0;
    slotTf.length = 0;
    docStart[d + 1] = postTerm.length;
  });

  const averageFieldLength = FIELDS.map((_, f) => {
    let total = 0, count = 0;
    for (let d = 0; d < items.length; d++) {
      const l = fieldLength[d * nFields + f];
      if (l > 0) total += l, count++;
    }
    return count > 0 ? total / count : 0;
  });

  // transpose to term-major, computing t̃f = Σ_f w_f · tf_f / B_{f,d} per posting
  const nTerms = termIds.size;
  const termStart = new Int32Array(nTerms + 1);
  for (const t of postTerm) termStart[t + 1]++;
  for (let t = 0; t < nTerms; t++) termStart[t + 1] += termStart[t];
  const cursor = termStart.slice(0, nTerms);
  const postDocs = new Int32Array(postTerm.length);
  const postWeight = new Float32Array(postTerm.length);
  const weights = FIELDS.map((f) => fieldWeights[f]);
  const bs = FIELDS.map((f) => fieldB[f]);
  const norm = new Float64Array(nFields);
  for (let d = 0; d < items.length; d++) {
    for (let f = 0; f < nFields; f++) {
      norm[f] = lengthNorm(bs[f], fieldLength[d * nFields + f], averageFieldLength[f]);
    }
    for (let p = docStart[d]; p < docStart[d + 1]; p++) {
      let w = 0;
      for (let f = 0; f < nFields; f++) {
        const tf = postTf[p * nFields + f];
        if (tf > 0) w += weights[f] * tf / norm[f];
      }
      const at = cursor[postTerm[p]]++;
      postDocs[at] = d;
      postWeight[at] = w;
    }
  }

  return {
    items,
    schema: options.attributeSchema ?? inferSchema(items.map((i) => i.attributes)),
    analyzer: analyzerOptions,
    k1,
    fieldWeights,
    fieldB,
    filterLimits: { maxDepth: 8, maxListLength: 100, ...filterLimits },
    averageFieldLength,
    terms: [...termIds.keys()],
    termStart,
    postDocs,
    postWeight,
    surfaceWords: [...surface.keys()],
    surfaceTerms: Int32Array.from(surface.values()),
  };
}
