/**
 * Builds an index version: every stored FAQ entry and document passage becomes an item, the
 * BM25F index is built and written as a snapshot artifact (with its FAQ questions for
 * suggestions, its confidence thresholds calibrated on held-out pseudo-queries:
 * `calibrate_confidence.ts`, and the learned re-ranker trained on its content with its manifest,
 * when the content suffices: `rerank_training.ts`; both also use the logged queries with
 * feedback, `rerank/feedback_queries.ts`), and only then does the index record point at the new
 * version, with the feedback counter it was built with. Edges load it on their next query; one
 * that fails half-way leaves the previous version serving.
 */
import type { TenantStores } from "@edgeml/shared/store";
import { createKeyedQueue } from "@edgeml/shared/store";
import { buildIndex, type IndexedItem } from "../domain/mod.ts";
import {
  calibrationPath,
  getIndex,
  type IndexRecord,
  questionsPath,
  rerankerManifestPath,
  rerankerPath,
  snapshotPath,
  updateIndex,
  vectorsPath,
} from "../domain/index_catalog.ts";
import { calibrateConfidence } from "./calibrate_confidence.ts";
import type { DenseEncoder } from "../domain/dense_encoder.ts";
import { encodeDenseVectors } from "../domain/dense_vectors.ts";
import { embedItems } from "./dense/item_vectors.ts";
import { readFeedback } from "./rerank/feedback_queries.ts";
import { trainIndexReranker } from "./rerank_training.ts";
import type { StoredDocument, StoredFaq } from "./stored_sources.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const builds = createKeyedQueue();

async function readAll<T>(
  stores: TenantStores,
  prefix: string,
): Promise<{ id: string; value: T }[]> {
  const out: { id: string; value: T }[] = [];
  for await (const { path } of stores.artifacts.list(prefix)) {
    const bytes = await stores.artifacts.get(path);
    if (!bytes) continue;
    const id = path.slice(prefix.length).replace(/\.json$/, "");
    out.push({ id, value: JSON.parse(decoder.decode(bytes)) as T });
  }
  return out;
}

function faqItems(faqId: string, faq: StoredFaq): IndexedItem[] {
  return faq.entries.map((e, n) => ({
    id: `faq.${faqId}.${n}`,
    kind: "FAQ",
    fields: { question: e.question, answer: e.answer },
    attributes: {
      ...e.attributes,
      _document_id: faqId,
      ...(e.uri ? { _source_uri: e.uri } : {}),
      ...(e.category ? { _category: e.category } : {}),
    },
  }));
}

function documentItems(documentId: string, doc: StoredDocument): IndexedItem[] {
  return doc.passages.map((p) => ({
    id: `doc.${documentId}.${p.index}`,
    kind: "PASSAGE",
    fields: { title: doc.title, headings: p.headings.join(" › "), body: p.text },
    attributes: { ...doc.attributes, _document_id: documentId, _document_title: doc.title },
  }));
}

export interface BuildOptions {
  /**
   * The encoder of an index that has one (`record.encoder`), on the worker pool: each version
   * then carries its items' dense vectors. Without it such an index builds lexical only.
   */
  encoderFor?: (record: IndexRecord) => Promise<DenseEncoder | undefined>;
}

/** Rebuilds `index` from its stored sources; resolves with the new version's record. */
export function rebuildIndex(
  stores: TenantStores,
  index: string,
  { encoderFor }: BuildOptions = {},
): Promise<IndexRecord> {
  return builds.run(`${stores.kv.tenant}/${index}`, async () => {
    const record = await getIndex(stores.kv, index);
    const feedback = await readFeedback(stores.kv, index);
    const faqs = await readAll<StoredFaq>(stores, `search-qa/${index}/faqs/`);
    const documents = await readAll<StoredDocument>(stores, `search-qa/${index}/documents/`);
    const items = [
      ...faqs.flatMap(({ id, value }) => faqItems(id, value)),
      ...documents.flatMap(({ id, value }) => documentItems(id, value)),
    ];
    const built = buildIndex(items, {
      synonyms: record.synonyms,
      attributeSchema: { ...record.attributeSchema, _document_id: "STRING" },
    });
    const version = record.version + 1;
    const questions = items.filter((i) => i.kind === "FAQ").map((i) => i.fields.question!);
    await stores.artifacts.put(snapshotPath(index, version), built.toSnapshot());
    const dense = record.encoder && await encoderFor?.(record);
    if (dense) {
      const vectors = await embedItems(dense, items);
      await stores.artifacts.put(vectorsPath(index, version), encodeDenseVectors(vectors));
    }
    await stores.artifacts.put(
      questionsPath(index, version),
      encoder.encode(JSON.stringify([...new Set(questions)])),
    );
    const calibration = calibrateConfidence(built, items, {
      version,
      analyzer: { synonyms: record.synonyms },
      feedback: feedback.queries,
    });
    await stores.artifacts.put(
      calibrationPath(index, version),
      encoder.encode(JSON.stringify(calibration, null, 2)),
    );
    // Opt-in per index: see `learnedReranker` in the contract.
    const reranker = record.learnedReranker && await trainIndexReranker(built, items, {
      index,
      version,
      analyzer: { synonyms: record.synonyms },
      feedback: feedback.queries,
    });
    if (reranker) {
      reranker.ranker.dispose();
      await stores.artifacts.put(rerankerPath(index, version), reranker.onnx);
      await stores.artifacts.put(
        rerankerManifestPath(index, version),
        encoder.encode(JSON.stringify(reranker.manifest, null, 2)),
      );
    }
    const next = await updateIndex(stores.kv, index, (r) => ({
      ...r,
      version,
      faqs: faqs.length,
      documents: documents.length,
      items: items.length,
      feedbackVotes: feedback.votes,
    }));
    // Older snapshots stay one version back, for edges still holding it.
    for await (const { path } of stores.artifacts.list(`search-qa/${index}/snapshots/`)) {
      const match = path.match(
        /\/(\d{8})\.(?:bin|questions\.json|calibration\.json|vectors\.bin|reranker\.(?:onnx|json))$/,
      );
      if (match && Number(match[1]) < version - 1) await stores.artifacts.delete(path);
    }
    return next;
  });
}
