/**
 * The search Q&A service's control plane: ingestion of FAQs and documents into index versions
 * (`createSearchControl`, what the edge app's ingestion routes call), each version's learned
 * re-ranker published to the worker pool when a publisher is given, its retraining on feedback
 * on a schedule (`startRerankerRetraining`), and the demo city index.
 * @module
 */
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import type { TenantStores } from "@edgeml/shared/store";
import { documentPath, faqPath, type IndexRecord } from "../domain/index_catalog.ts";
import type { SearchControl } from "../edge/app.ts";
import { createDataSourceControl, type DataSourceControlOptions } from "./crawler/mod.ts";
import type { FaqFileFormat } from "./ingest/faq_formats.ts";
import { type BuildOptions, rebuildIndex } from "./index_builder.ts";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { unavailable } from "@edgeml/shared/errors";
import { createEncoderCache } from "../domain/dense_encoder_cache.ts";
import { deleteEncoder, putEncoder } from "./dense/encoder_upload.ts";
import { createRerankerPublisher } from "./reranker_publisher.ts";
import { deleteSource, putDocument, putFaq } from "./stored_sources.ts";

export { rebuildIndex } from "./index_builder.ts";
export { seedDemoSearchIndex } from "./demo_index.ts";
export { startSyncScheduler, type SyncSchedulerOptions } from "./crawler/mod.ts";
export {
  type RerankerRetrainingOptions,
  startRerankerRetraining,
} from "./rerank/retrain_scheduler.ts";
export { createRerankerPublisher } from "./reranker_publisher.ts";

export interface SearchControlOptions extends DataSourceControlOptions {
  /**
   * Serves each index version's re-ranker on the worker pool (`repositoryPublisher`); without
   * one, edges rank by BM25F and the feedback prior only.
   */
  publisher?: ModelPublisher;
  /** Told when a re-ranker could not be published (the version still serves, unre-ranked). */
  onPublishError?: (error: unknown, index: string) => void;
  /**
   * The worker pool the publisher serves on, which runs indexes' dense encoders (items at
   * build, the probe of an upload); without it (or a publisher) encoders cannot be uploaded.
   */
  workers?: OipClient;
}

export interface SearchControlPlane extends SearchControl {
  /**
   * Rebuilds an index from what it holds and publishes the version's re-ranker, as an upload
   * does (`startRerankerRetraining` calls it when there is new feedback).
   */
  rebuildIndex(index: string): Promise<IndexRecord>;
}

export function createSearchControl(
  stores: TenantStores,
  { publisher, onPublishError, workers, ...crawler }: SearchControlOptions = {},
): SearchControlPlane {
  const publish = publisher && createRerankerPublisher(stores, publisher);
  const encoderOf = workers && createEncoderCache(stores.artifacts, workers);
  const build: BuildOptions = {
    ...crawler.build,
    encoderFor: encoderOf &&
      ((r) => r.encoder ? encoderOf(r.name, r.encoder) : Promise.resolve(undefined)),
  };
  const encoders = () => {
    if (!publisher || !workers) {
      throw unavailable(
        "no_worker_pool",
        "this control plane has no worker pool to run a dense encoder on",
      );
    }
    return { publisher, workers, build };
  };
  /** Resolves with `result` once the index's re-ranker serves (or failed to, reported). */
  const published = async <T>(index: string, result: T): Promise<T> => {
    await publish?.(index).catch((err) => onPublishError?.(err, index));
    return result;
  };
  return {
    // A crawl's rebuild publishes its version's re-ranker as an upload's does.
    ...createDataSourceControl(stores, {
      ...crawler,
      build,
      onIndexRebuilt: async (index) => {
        await published(index, undefined);
        await crawler.onIndexRebuilt?.(index);
      },
    }),
    rebuildIndex: async (index) => published(index, await rebuildIndex(stores, index, build)),
    putFaq: async (index, faqId, text, format) =>
      published(
        index,
        await putFaq(stores, index, faqId, text, format as FaqFileFormat, build),
      ),
    deleteFaq: async (index, faqId) =>
      published(index, await deleteSource(stores, index, faqPath(index, faqId), "faq", build)),
    putDocument: async (index, documentId, bytes, contentType, attributes) =>
      published(
        index,
        await putDocument(stores, index, documentId, bytes, contentType, attributes, build),
      ),
    deleteDocument: async (index, documentId) =>
      published(
        index,
        await deleteSource(stores, index, documentPath(index, documentId), "document", build),
      ),
    putEncoder: async (index, upload) =>
      published(index, await putEncoder(stores, index, upload, encoders())),
    deleteEncoder: async (index) =>
      published(index, await deleteEncoder(stores, index, encoders())),
  };
}
