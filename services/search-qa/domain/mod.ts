/**
 * The search Q&A service's edge-safe domain: text analysis, the BM25F index with attribute
 * filters, facets and highlights, and its compact snapshot.
 * @module
 */
export * from "./analyzer.ts";
export * from "./synonyms.ts";
export * from "./attribute_filter.ts";
export * from "./attribute_schema.ts";
export * from "./attribute_columns.ts";
export { DEFAULT_FIELD_B, DEFAULT_FIELD_WEIGHTS, DEFAULT_K1, type Field, FIELDS } from "./bm25f.ts";
export type { Highlight } from "./hit_details.ts";
export {
  buildIndex,
  type FacetResult,
  loadSnapshot,
  type SearchHit,
  type SearchIndex,
  type SearchRequest,
  type SearchResult,
} from "./search_index.ts";
export type { IndexedItem, IndexOptions, ItemKind } from "./index_data.ts";
