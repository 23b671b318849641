/**
 * The search Q&A index: BM25F over title, headings, body, FAQ question and FAQ answer (formulas
 * in `bm25f.ts`), Kendra attribute filters, facets, highlights and spelling suggestions, all in
 * memory with no I/O, so it bundles for the edge. Built by the control plane (`buildIndex`),
 * shipped as a snapshot (`toSnapshot`; format in `index_snapshot.ts` and `snapshot_codec.ts`: a
 * small JSON header and typed-array sections) and loaded read-only by edge apps
 * (`loadSnapshot`), which score exactly as the builder did.
 *
 * A query is scored term at a time over contiguous postings into a reused accumulator; only
 * scored candidates are filtered (string equality and `containsAny` through cached masks), and
 * the page is chosen by a bounded heap. Highlights and `fieldScores` are computed for returned
 * hits only, each on its first read.
 *
 * @example
 * ```ts
 * const index = buildIndex(items, { synonyms: "covid, coronavirus" });
 * index.search({ text: "library hours", filter: { equalsTo: { key: "city",
 *   value: { stringValue: "Springfield" } } }, facets: ["_category"] });
 * const copy = loadSnapshot(index.toSnapshot());
 * ```
 */
import { unprocessable } from "@edgeml/shared/errors";
import { createAnalyzer, MEMO_TOKENS } from "./analyzer.ts";
import { type AttributeColumn, buildColumn, createFacetCounter } from "./attribute_columns.ts";
import type { FacetValue } from "./attribute_columns.ts";
import {
  type AttributeFilter,
  type AttributeSchema,
  type AttributeValue,
  validateFilter,
} from "./attribute_filter.ts";
import { normalizeAttributes } from "./attribute_schema.ts";
import { type Field, idf } from "./bm25f.ts";
import { compileDocFilter, type DocPredicate } from "./doc_filter.ts";
import { createHitDetails, type Highlight } from "./hit_details.ts";
import {
  buildIndexData,
  type IndexData,
  type IndexedItem,
  type IndexOptions,
  type ItemKind,
} from "./index_data.ts";
import { decodeIndexData, encodeIndexData } from "./index_snapshot.ts";
import type { DenseVectors } from "./dense_vectors.ts";
import type { DenseEncoderConfig } from "./dense_encoder.ts";
import { createSuggester } from "./suggest.ts";
import { createTopK } from "./top_k.ts";

export type { IndexedItem, IndexOptions, ItemKind };

export interface SearchRequest {
  text: string;
  filter?: AttributeFilter;
  /** Attribute keys to count values of over all matching items. */
  facets?: string[];
  limit?: number;
  offset?: number;
  kinds?: ItemKind[];
  /**
   * Also the `limit` items nearest to `vector` (dot product with unit vectors: cosine) among
   * those the kinds and filter allow, whether or not they match the text, as `denseHits`.
   */
  dense?: { vector: Float32Array; vectors: AlignedVectors; limit: number };
}

/** Dense vectors in the index's own item order (`alignVectors`); items without one are zero. */
export interface AlignedVectors {
  dimension: number;
  data: Float32Array;
  encoder: DenseEncoderConfig;
}

export interface SearchHit {
  id: string;
  kind: ItemKind;
  score: number;
  fieldScores: Partial<Record<Field, number>>;
  highlights: Partial<Record<Field, Highlight[]>>;
}

export interface FacetResult {
  key: string;
  values: FacetValue[];
}

export interface SearchResult {
  /** Items that match the query text, the filter and the kinds. */
  total: number;
  hits: SearchHit[];
  facets: FacetResult[];
  /** Query words (lowercased) none of whose terms are in the index. */
  unknownTerms: string[];
  /** For each unknown word, the nearest indexed word (edit distance ≤ 2, highest df). */
  suggestions: Record<string, string>;
  /** With `dense`: the nearest items, best first; `score` is the cosine. */
  denseHits: SearchHit[];
}

export interface SearchIndex {
  readonly size: number;
  readonly schema: AttributeSchema;
  search(request: SearchRequest): SearchResult;
  item(id: string): IndexedItem | undefined;
  /** Lays vectors out in the index's item order, for `SearchRequest.dense`. */
  alignVectors(vectors: DenseVectors): AlignedVectors;
  toSnapshot(): Uint8Array;
}

export function buildIndex(items: IndexedItem[], options?: IndexOptions): SearchIndex {
  return openIndex(buildIndexData(items, options));
}

export function loadSnapshot(bytes: Uint8Array): SearchIndex {
  return openIndex(decodeIndexData(bytes));
}

const KIND_CODE: Record<ItemKind, number> = { FAQ: 1, PASSAGE: 2 };

function openIndex(data: IndexData): SearchIndex {
  const { items, schema, k1, termStart, postDocs, postWeight } = data;
  const n = items.length;
  // Hit details re-read candidates' fields query after query: their tokens are kept.
  const analyzer = createAnalyzer({ ...data.analyzer, memoTokens: MEMO_TOKENS });
  const termIds = new Map(data.terms.map((t, i) => [t, i]));
  const ids = new Map(items.map((item, d) => [item.id, d]));
  const kinds = Uint8Array.from(items, (item) => KIND_CODE[item.kind]);
  const attributes: Record<string, AttributeValue>[] = items.map((item) =>
    normalizeAttributes(item.attributes, schema)
  );
  const columns = new Map<string, AttributeColumn>();
  const column = (key: string) => {
    let c = columns.get(key);
    if (c === undefined) columns.set(key, c = buildColumn(attributes, key));
    return c;
  };
  const filterContext = { schema, attributes, column, masks: new Map<string, Uint8Array>() };
  const df = (t: number) => termStart[t + 1] - termStart[t];
  const surfaceDf = new Map(data.surfaceWords.map((w, i) => [w, df(data.surfaceTerms[i])]));
  let suggest: ((word: string) => string | undefined) | undefined;

  // per-query scratch, reused: search runs synchronously, one query at a time
  const scores = new Float64Array(n);
  const touched = new Int32Array(n);
  const groupTf = new Float64Array(n);
  const groupTouched = new Int32Array(n);
  /** Set for the items the text matched (and the kinds and filter allowed), while a search runs. */
  const matched = new Uint8Array(n);

  function search(request: SearchRequest): SearchResult {
    const { text, filter, facets = [], limit = 10, offset = 0, kinds: wantedKinds, dense } =
      request;
    if (filter) validateFilter(filter, schema, data.filterLimits);
    for (const key of facets) {
      if (schema[key] === undefined) {
        throw unprocessable("unknown_attribute", `unknown attribute "${key}"`, {
          extra: { attribute: key },
        });
      }
    }

    const unknownTerms: string[] = [];
    const suggestions: Record<string, string> = {};
    const groups: { terms: string[]; ids: number[]; idf: number }[] = [];
    const seenGroups = new Set<string>();
    for (const group of analyzer.expandQuery(text)) {
      const known = group.terms.filter((t) => termIds.has(t));
      if (known.length === 0) {
        unknownTerms.push(group.text);
        suggest ??= createSuggester(data.surfaceWords, (w) => surfaceDf.get(w) ?? 0);
        const suggestion = suggest(group.text);
        if (suggestion !== undefined) suggestions[group.text] = suggestion;
        continue;
      }
      const key = [...known].sort().join(" ");
      if (seenGroups.has(key)) continue;
      seenGroups.add(key);
      const termNumbers = known.map((t) => termIds.get(t)!);
      // a synonym group is one term: its df is its terms' largest (Lucene's SynonymQuery)
      const groupIdf = idf(n, Math.max(...termNumbers.map(df)));
      groups.push({ terms: group.terms, ids: termNumbers, idf: groupIdf });
    }

    // score(q, d) = Σ_g idf_g · t̃f_{g,d} / (k1 + t̃f_{g,d}), term at a time
    let nTouched = 0;
    for (const { ids: termNumbers, idf: w } of groups) {
      if (termNumbers.length === 1) {
        const t = termNumbers[0];
        for (let p = termStart[t], end = termStart[t + 1]; p < end; p++) {
          const d = postDocs[p], tf = postWeight[p];
          if (scores[d] === 0) touched[nTouched++] = d;
          scores[d] += w * tf / (k1 + tf);
        }
        continue;
      }
      let nGroup = 0;
      for (const t of termNumbers) {
        for (let p = termStart[t], end = termStart[t + 1]; p < end; p++) {
          const d = postDocs[p];
          if (groupTf[d] === 0) groupTouched[nGroup++] = d;
          groupTf[d] += postWeight[p];
        }
      }
      for (let i = 0; i < nGroup; i++) {
        const d = groupTouched[i], tf = groupTf[d];
        if (scores[d] === 0) touched[nTouched++] = d;
        scores[d] += w * tf / (k1 + tf);
        groupTf[d] = 0;
      }
    }

    const kindMask = wantedKinds ? wantedKinds.reduce((m, k) => m | KIND_CODE[k], 0) : 3;
    const accepts: DocPredicate | undefined = filter
      ? compileDocFilter(filter, filterContext)
      : undefined;
    const counters = facets.map((key) => createFacetCounter(column(key), schema[key]));
    const top = createTopK(Math.max(0, offset) + Math.max(0, limit));
    let total = 0;
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i];
      const score = scores[d];
      scores[d] = 0;
      if ((kinds[d] & kindMask) === 0 || (accepts !== undefined && !accepts(d))) continue;
      total++;
      matched[d] = 1;
      top.push(d, score);
      for (const counter of counters) counter.add(d);
    }

    const details = createHitDetails(analyzer, data, groups);
    const hit = ({ doc, score }: { doc: number; score: number }): SearchHit => {
      const item = items[doc];
      // Details cost more than scoring: worked out on first read, so a caller that ranks 30
      // candidates and shows 10 pays for the 10.
      let detail: ReturnType<typeof details> | undefined;
      return {
        id: item.id,
        kind: item.kind,
        score,
        get fieldScores() {
          return (detail ??= details(item)).fieldScores;
        },
        get highlights() {
          return (detail ??= details(item)).highlights;
        },
      };
    };
    const nearest = dense ? createTopK(Math.max(0, dense.limit)) : undefined;
    if (dense && nearest) {
      const { vector, vectors: { dimension, data } } = dense;
      if (vector.length !== dimension) {
        throw new RangeError(`a ${vector.length}-dim query against ${dimension}-dim vectors`);
      }
      for (let d = 0; d < n; d++) {
        if ((kinds[d] & kindMask) === 0 || (accepts !== undefined && !accepts(d))) continue;
        let dot = 0;
        for (let k = 0, at = d * dimension; k < dimension; k++) dot += vector[k] * data[at + k];
        nearest.push(d, dot);
      }
    }
    const denseHits = nearest ? nearest.sorted() : [];
    // Items only the embedding found count in the total and the facets like matched ones.
    for (const { doc } of denseHits) {
      if (matched[doc]) continue;
      total++;
      for (const counter of counters) counter.add(doc);
    }
    for (let i = 0; i < nTouched; i++) matched[touched[i]] = 0;
    return {
      total,
      hits: top.sorted().slice(Math.max(0, offset)).map(hit),
      facets: facets.map((key, i) => ({ key, values: counters[i].result() })),
      unknownTerms,
      suggestions,
      denseHits: denseHits.map(hit),
    };
  }

  function alignVectors({ ids: rowIds, dimension, data, encoder }: DenseVectors) {
    const aligned = new Float32Array(n * dimension);
    rowIds.forEach((id, row) => {
      const d = ids.get(id);
      if (d !== undefined) {
        aligned.set(data.subarray(row * dimension, (row + 1) * dimension), d * dimension);
      }
    });
    return { dimension, data: aligned, encoder };
  }

  return {
    size: n,
    schema,
    search,
    item: (id) => {
      const d = ids.get(id);
      return d === undefined ? undefined : items[d];
    },
    alignVectors,
    toSnapshot: () => encodeIndexData(data),
  };
}
