/**
 * One sync of a web crawler data source: crawl, then compare each page with what the last sync
 * stored. A 304 or an identical content hash is `unchanged` (nothing written); a new page is
 * `added`, a changed one `modified` (its document rewritten); an indexed page the crawl no
 * longer reaches, or that is now gone, unreadable or `noindex`, is `deleted`. A page that failed
 * transiently (timeout, network, 5xx) keeps its document. The index is rebuilt once, at the
 * end, and only when a document changed; the job record reports progress on the way.
 * @module
 */
import type { TenantStores } from "@edgeml/shared/store";
import { documentPath, getIndex } from "../../domain/index_catalog.ts";
import { type BuildOptions, rebuildIndex } from "../index_builder.ts";
import { writeDocument } from "../stored_sources.ts";
import { asCrawlError, type CrawlError } from "./crawl_error.ts";
import { crawl, type CrawlDeps, type CrawledPage } from "./crawl.ts";
import { type CrawlStateEntry, loadCrawlState, saveCrawlState } from "./crawl_state.ts";
import type { DataSourceRecord } from "./data_sources.ts";
import { pageDocument, pageDocumentId, sha256Hex } from "./page_document.ts";
import { saveSyncJob, type SyncJobRecord } from "./sync_jobs.ts";

/** Per-URL errors kept in the job record (KV values stay under 64 KiB). */
const MAX_ERRORS = 100;
/** Progress is written at most this often. */
const REPORT_EVERY_MS = 250;

export async function runSync(
  stores: TenantStores,
  source: DataSourceRecord,
  job: SyncJobRecord,
  deps: CrawlDeps & { build?: BuildOptions } = {},
  onIndexRebuilt?: (index: string) => Promise<void>,
): Promise<SyncJobRecord> {
  const { index, id } = source;
  let writes = Promise.resolve();
  let lastReport = 0;
  const report = (change: Partial<SyncJobRecord>, force = false) => {
    job = { ...job, ...change, heartbeatAt: new Date().toISOString() };
    if (!force && Date.now() - lastReport < REPORT_EVERY_MS) return writes;
    lastReport = Date.now();
    const snapshot = job;
    return writes = writes.then(() => saveSyncJob(stores.kv, snapshot));
  };
  const metrics = { ...job.metrics };
  const errors = [...job.errors];
  const fail = (url: string, error: CrawlError) => {
    metrics.documentsFailed++;
    if (errors.length < MAX_ERRORS) {
      errors.push({ url, code: error.code, detail: error.message.slice(0, 300) });
    }
  };
  await report({ status: "IN_PROGRESS", progress: { fraction: 0, stage: "SITEMAPS" } }, true);

  const record = await getIndex(stores.kv, index);
  const state = await loadCrawlState(stores, index, id);
  const attributesHash = await sha256Hex(JSON.stringify(source.attributes));
  const sameAttributes = state.attributesHash === attributesHash;
  const prior = state.pages;
  const next: Record<string, CrawlStateEntry> = {};

  async function onPage(page: CrawledPage) {
    const before = prior[page.url];
    if (page.kind === "not_modified") {
      next[page.url] = before ?? { links: page.links };
      if (before?.documentId) metrics.documentsUnchanged++;
      return;
    }
    const entry: CrawlStateEntry = {
      etag: page.etag,
      lastModified: page.lastModified,
      links: page.links,
    };
    next[page.url] = entry;
    if (!page.indexable) return;
    const documentId = before?.documentId ?? await pageDocumentId(id, page.url);
    try {
      const { document, contentHash } = await pageDocument(record, documentId, page, {
        ...source.attributes,
      });
      next[page.url] = { ...entry, documentId, contentHash };
      if (before?.documentId === documentId && before.contentHash === contentHash) {
        metrics.documentsUnchanged++;
        return;
      }
      await writeDocument(stores, index, documentId, document);
      if (before?.documentId) metrics.documentsModified++;
      else metrics.documentsAdded++;
    } catch (err) {
      fail(page.url, asCrawlError(err));
    }
  }

  await crawl(source, {
    known: (url) => {
      const page = prior[url];
      return page && (sameAttributes ? page : { links: page.links });
    },
    onPage,
    onError(url, error) {
      if (error.transient && prior[url]) next[url] = prior[url];
      // An indexed page now answering 404 or 410 was removed: a deletion, not a failure.
      if (error.code !== "not_found" || !prior[url]?.documentId) fail(url, error);
    },
    onProgress({ stage, done, pending }) {
      report({
        progress: { stage, fraction: done / Math.max(1, done + pending) },
        metrics,
        errors,
      });
    },
  }, deps);

  await report({ progress: { stage: "DELETING", fraction: 1 }, metrics, errors }, true);
  for (const [url, page] of Object.entries(prior)) {
    if (!page.documentId || next[url]?.documentId === page.documentId) continue;
    await stores.artifacts.delete(documentPath(index, page.documentId));
    metrics.documentsDeleted++;
  }
  if (metrics.documentsAdded + metrics.documentsModified + metrics.documentsDeleted > 0) {
    await report({ progress: { stage: "INDEXING", fraction: 1 }, metrics, errors }, true);
    await rebuildIndex(stores, index, deps.build);
    await onIndexRebuilt?.(index);
  }
  await saveCrawlState(stores, index, id, { attributesHash, pages: next });
  await writes;
  return {
    ...job,
    status: "SUCCEEDED",
    endTime: new Date().toISOString(),
    progress: { stage: "DONE", fraction: 1 },
    metrics,
    errors,
  };
}
