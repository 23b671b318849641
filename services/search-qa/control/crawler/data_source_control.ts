/**
 * The control plane's web crawler data sources, as the edge's data source routes call them:
 * create, read, and start a sync that runs in this process in the background (the returned job
 * is PENDING; poll it). A sync that throws as a whole ends FAILED with its message; the lock is
 * released either way.
 * @module
 */
import type { DataSourceConfig } from "@edgeml/shared/contracts/search_crawler";
import type { TenantStores } from "@edgeml/shared/store";
import { getIndex } from "../../domain/index_catalog.ts";
import type { DataSourceControl } from "../../edge/data_source_routes.ts";
import type { CrawlDeps } from "./crawl.ts";
import type { BuildOptions } from "../index_builder.ts";
import {
  createDataSource,
  dataSourceInfo,
  getDataSource,
  listDataSources,
} from "./data_sources.ts";
import { runSync } from "./sync.ts";
import { beginSync, endSync, getSyncJob, listSyncJobs, syncJobInfo } from "./sync_jobs.ts";

export interface DataSourceControlOptions extends CrawlDeps {
  /** Told about a sync that failed as a whole (the job record says so too). */
  onSyncError?: (error: unknown, job: { index: string; jobId: string }) => void;
  /** Awaited after a sync rebuilt the index (e.g. to publish the version's re-ranker). */
  onIndexRebuilt?: (index: string) => Promise<void>;
  /** How the index is built (its dense encoder). */
  build?: BuildOptions;
}

/**
 * @example
 * ```ts
 * const sources = createDataSourceControl(tenant);
 * const source = await sources.createDataSource("city", config);
 * const job = await sources.startDataSourceSync("city", source.id); // PENDING
 * ```
 */
export function createDataSourceControl(
  stores: TenantStores,
  { onSyncError, onIndexRebuilt, ...deps }: DataSourceControlOptions = {},
): DataSourceControl {
  async function sync(index: string, id: string) {
    const source = await getDataSource(stores.kv, index, id);
    const job = await beginSync(stores.kv, index, id);
    runSync(stores, source, job, deps, onIndexRebuilt)
      .catch((err) => {
        onSyncError?.(err, job);
        return {
          ...job,
          status: "FAILED" as const,
          endTime: new Date().toISOString(),
          errorMessage: err instanceof Error ? err.message : String(err),
        };
      })
      .then((ended) => endSync(stores.kv, ended))
      .catch((err) => onSyncError?.(err, job));
    return syncJobInfo(job);
  }
  return {
    createDataSource: async (index, config: DataSourceConfig) =>
      dataSourceInfo(await createDataSource(stores, index, config)),
    listDataSources: async (index) => {
      await getIndex(stores.kv, index);
      return (await listDataSources(stores.kv, index)).map(dataSourceInfo);
    },
    getDataSource: async (index, id) => dataSourceInfo(await getDataSource(stores.kv, index, id)),
    startDataSourceSync: sync,
    listSyncJobs: async (index, id) => (await listSyncJobs(stores.kv, index, id)).map(syncJobInfo),
    getSyncJob: async (index, id, jobId) =>
      syncJobInfo(await getSyncJob(stores.kv, index, id, jobId)),
  };
}
