/**
 * The search service's records: one KV record per index (its schema and the snapshot version
 * edges serve) and plain artifacts for what was ingested and built.
 *
 *   KV  ["search-qa", "indexes", <index>]                       IndexRecord
 *   search-qa/<index>/faqs/<faqId>.json                         the FAQ file's entries
 *   search-qa/<index>/documents/<documentId>.json               a document's passages
 *   search-qa/<index>/snapshots/<version>.bin                   an index version (loadSnapshot)
 *   search-qa/<index>/snapshots/<version>.questions.json        its FAQ questions (suggestions)
 *   search-qa/<index>/snapshots/<version>.reranker.onnx         its learned re-ranker (ONNX)
 *   search-qa/<index>/snapshots/<version>.reranker.json         the re-ranker's manifest
 *   search-qa/<index>/snapshots/<version>.calibration.json      its confidence thresholds
 *   search-qa/<index>/snapshots/<version>.vectors.bin           its items' dense vectors
 *   search-qa/<index>/encoder/<n>.onnx                          dense encoder version n
 *   search-qa/<index>/encoder/<n>.tokenizer.json                its tokenizer
 */
import type { AttributeType, SearchIndexInfo } from "@edgeml/shared/contracts/search";
import { conflict, notFound, unprocessable } from "@edgeml/shared/errors";
import { parseSynonyms } from "./synonyms.ts";
import type { DenseEncoderConfig } from "./dense_encoder.ts";
import { insertRecord, type KvKey, type TenantKvStore, updateRecord } from "@edgeml/shared/store";

export interface IndexRecord extends Omit<SearchIndexInfo, "denseEncoder"> {
  synonyms?: string;
  /** The dense retriever's sentence encoder, when one was uploaded (`PUT …/encoder`). */
  encoder?: DenseEncoderConfig;
  /**
   * The index's feedback counter (clicks and votes so far) when the current version was built:
   * more since means feedback the version did not learn from (`control/rerank/`). Not shown.
   */
  feedbackVotes?: number;
}

/** Attributes every index has, as Kendra predefines them. */
export const RESERVED_ATTRIBUTES: Record<string, AttributeType> = {
  _source_uri: "STRING",
  _category: "STRING",
  _document_title: "STRING",
  city: "STRING",
};

const key = (name: string): KvKey => ["search-qa", "indexes", name];
export const faqPath = (index: string, faqId: string) => `search-qa/${index}/faqs/${faqId}.json`;
export const documentPath = (index: string, id: string) =>
  `search-qa/${index}/documents/${id}.json`;
export const questionsPath = (index: string, version: number) =>
  `search-qa/${index}/snapshots/${String(version).padStart(8, "0")}.questions.json`;
export const snapshotPath = (index: string, version: number) =>
  `search-qa/${index}/snapshots/${String(version).padStart(8, "0")}.bin`;
export const rerankerPath = (index: string, version: number) =>
  `search-qa/${index}/snapshots/${String(version).padStart(8, "0")}.reranker.onnx`;
export const rerankerManifestPath = (index: string, version: number) =>
  `search-qa/${index}/snapshots/${String(version).padStart(8, "0")}.reranker.json`;
export const calibrationPath = (index: string, version: number) =>
  `search-qa/${index}/snapshots/${String(version).padStart(8, "0")}.calibration.json`;
export const vectorsPath = (index: string, version: number) =>
  `search-qa/${index}/snapshots/${String(version).padStart(8, "0")}.vectors.bin`;
export const encoderPath = (index: string, version: number) =>
  `search-qa/${index}/encoder/${version}.onnx`;
export const encoderTokenizerPath = (index: string, version: number) =>
  `search-qa/${index}/encoder/${version}.tokenizer.json`;

export async function insertIndex(kv: TenantKvStore, record: IndexRecord): Promise<void> {
  await insertRecord(
    kv,
    key(record.name),
    record,
    () => conflict("index_exists", `an index named '${record.name}' exists`),
  );
}

export async function getIndex(kv: TenantKvStore, name: string): Promise<IndexRecord> {
  const { value } = await kv.get<IndexRecord>(key(name));
  if (!value) throw notFound("index_not_found", `no search index named '${name}'`);
  return value;
}

export async function listIndexes(kv: TenantKvStore): Promise<IndexRecord[]> {
  const out: IndexRecord[] = [];
  for await (const e of kv.list<IndexRecord>(["search-qa", "indexes"])) out.push(e.value);
  return out;
}

/** Changes an index record; writers in this process take turns, other processes are CAS-checked. */
export function updateIndex(
  kv: TenantKvStore,
  name: string,
  change: (record: IndexRecord) => IndexRecord,
): Promise<IndexRecord> {
  return updateRecord(kv, key(name), change, {
    missing: () => notFound("index_not_found", `no search index named '${name}'`),
    busy: () => conflict("index_busy", `index '${name}' kept changing; retry`),
  });
}

export function indexInfo(record: IndexRecord): SearchIndexInfo {
  const { synonyms: _s, feedbackVotes: _f, encoder, ...info } = record;
  return {
    ...info,
    learnedReranker: record.learnedReranker ?? false,
    ...(encoder
      ? {
        denseEncoder: {
          version: encoder.version,
          dimension: encoder.dimension,
          pooling: encoder.pooling,
          maxTokens: encoder.maxTokens,
        },
      }
      : {}),
  };
}

/** Registers an index; its attribute schema may not redefine the predefined attributes. */
export async function createIndexRecord(
  kv: TenantKvStore,
  request: {
    name: string;
    description?: string;
    attributeSchema: Record<string, AttributeType>;
    synonyms?: string;
    learnedReranker?: boolean;
  },
): Promise<IndexRecord> {
  for (const [key, type] of Object.entries(request.attributeSchema)) {
    const reserved = RESERVED_ATTRIBUTES[key];
    if (reserved && reserved !== type) {
      throw unprocessable(
        "reserved_attribute",
        `attribute '${key}' is predefined as ${reserved}; it cannot be ${type}`,
      );
    }
  }
  if (request.synonyms) parseSynonyms(request.synonyms); // a bad line is a 400 now, not at build
  const record: IndexRecord = {
    name: request.name,
    ...(request.description ? { description: request.description } : {}),
    attributeSchema: { ...RESERVED_ATTRIBUTES, ...request.attributeSchema },
    ...(request.synonyms ? { synonyms: request.synonyms } : {}),
    learnedReranker: request.learnedReranker ?? false,
    createdAt: new Date().toISOString(),
    version: 0,
    faqs: 0,
    documents: 0,
    items: 0,
  };
  await insertIndex(kv, record);
  return record;
}
