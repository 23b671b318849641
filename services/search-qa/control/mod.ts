/**
 * The search Q&A service's control plane: ingestion of FAQs and documents into index versions
 * (`createSearchControl`, what the edge app's ingestion routes call), each version's learned
 * re-ranker published to the worker pool when a publisher is given, and the demo city index.
 * @module
 */
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import type { TenantStores } from "@edgeml/shared/store";
import { documentPath, faqPath } from "../domain/index_catalog.ts";
import type { SearchControl } from "../edge/app.ts";
import { createDataSourceControl, type DataSourceControlOptions } from "./crawler/mod.ts";
import type { FaqFileFormat } from "./ingest/faq_formats.ts";
import { createRerankerPublisher } from "./reranker_publisher.ts";
import { deleteSource, putDocument, putFaq } from "./stored_sources.ts";

export { rebuildIndex } from "./index_builder.ts";
export { seedDemoSearchIndex } from "./demo_index.ts";
export { startSyncScheduler, type SyncSchedulerOptions } from "./crawler/mod.ts";
export { createRerankerPublisher } from "./reranker_publisher.ts";

export interface SearchControlOptions extends DataSourceControlOptions {
  /**
   * Serves each index version's re-ranker on the worker pool (`repositoryPublisher`); without
   * one, edges rank by BM25F and the feedback prior only.
   */
  publisher?: ModelPublisher;
  /** Told when a re-ranker could not be published (the version still serves, unre-ranked). */
  onPublishError?: (error: unknown, index: string) => void;
}

export function createSearchControl(
  stores: TenantStores,
  { publisher, onPublishError, ...crawler }: SearchControlOptions = {},
): SearchControl {
  const publish = publisher && createRerankerPublisher(stores, publisher);
  /** Resolves with `result` once the index's re-ranker serves (or failed to, reported). */
  const published = async <T>(index: string, result: T): Promise<T> => {
    await publish?.(index).catch((err) => onPublishError?.(err, index));
    return result;
  };
  return {
    // A crawl's rebuild publishes its version's re-ranker as an upload's does.
    ...createDataSourceControl(stores, {
      ...crawler,
      onIndexRebuilt: async (index) => {
        await published(index, undefined);
        await crawler.onIndexRebuilt?.(index);
      },
    }),
    putFaq: async (index, faqId, text, format) =>
      published(index, await putFaq(stores, index, faqId, text, format as FaqFileFormat)),
    deleteFaq: async (index, faqId) =>
      published(index, await deleteSource(stores, index, faqPath(index, faqId), "faq")),
    putDocument: async (index, documentId, bytes, contentType, attributes) =>
      published(
        index,
        await putDocument(stores, index, documentId, bytes, contentType, attributes),
      ),
    deleteDocument: async (index, documentId) =>
      published(
        index,
        await deleteSource(stores, index, documentPath(index, documentId), "document"),
      ),
  };
}
