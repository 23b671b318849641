/**
 * Sync job records and the one-sync-at-a-time lock. Starting a sync sets the data source's
 * `runningJobId` and writes the PENDING job in one atomic commit, so of two concurrent starts
 * one gets a 409. A job that stopped reporting for `STALE_MS` (its process died) no longer
 * holds the lock: the next start marks it FAILED and takes over. The newest `KEEP_JOBS` jobs
 * of a data source are kept.
 *
 *   KV  ["search-qa", "sync-jobs", <index>, <dataSourceId>, <jobId>]    SyncJobRecord
 * @module
 */
import type { SyncJob } from "@edgeml/shared/contracts/search_crawler";
import { conflict, notFound } from "@edgeml/shared/errors";
import type { KvKey, KvMutation, TenantKvStore } from "@edgeml/shared/store";
import { dataSourceKey, type DataSourceRecord, getDataSource } from "./data_sources.ts";

export interface SyncJobRecord extends SyncJob {
  index: string;
  /** When the job last reported progress. */
  heartbeatAt: string;
}

export const STALE_MS = 15 * 60_000;
const KEEP_JOBS = 20;
const TERMINAL = new Set(["SUCCEEDED", "FAILED"]);

const jobKey = (index: string, id: string, jobId: string): KvKey => [
  "search-qa",
  "sync-jobs",
  index,
  id,
  jobId,
];

export function syncJobInfo(job: SyncJobRecord): SyncJob {
  const { index: _i, heartbeatAt: _h, ...info } = job;
  return info;
}

/** Sortable by time: `20250102T030405678Z-1a2b3c`. */
function newJobId(now: Date): string {
  const random = crypto.getRandomValues(new Uint8Array(3));
  return `${now.toISOString().replace(/[-:.]/g, "")}-${
    [...random].map((b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

export async function getSyncJob(
  kv: TenantKvStore,
  index: string,
  id: string,
  jobId: string,
): Promise<SyncJobRecord> {
  const { value } = await kv.get<SyncJobRecord>(jobKey(index, id, jobId));
  if (!value) throw notFound("sync_job_not_found", `data source '${id}' has no job '${jobId}'`);
  return value;
}

/** Newest first. */
export async function listSyncJobs(
  kv: TenantKvStore,
  index: string,
  id: string,
): Promise<SyncJobRecord[]> {
  await getDataSource(kv, index, id);
  const out: SyncJobRecord[] = [];
  const prefix = ["search-qa", "sync-jobs", index, id];
  for await (const e of kv.list<SyncJobRecord>(prefix, { reverse: true })) out.push(e.value);
  return out;
}

/** Takes the lock and writes the PENDING job; 409 `sync_running` while another runs. */
export async function beginSync(
  kv: TenantKvStore,
  index: string,
  id: string,
  now = new Date(),
): Promise<SyncJobRecord> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const entry = await kv.get<DataSourceRecord>(dataSourceKey(index, id));
    if (!entry.value) {
      throw notFound("data_source_not_found", `index '${index}' has no data source '${id}'`);
    }
    const mutations: KvMutation[] = [];
    const holder = entry.value.runningJobId;
    if (holder) {
      const held = (await kv.get<SyncJobRecord>(jobKey(index, id, holder))).value;
      if (held && !TERMINAL.has(held.status)) {
        if (now.getTime() - Date.parse(held.heartbeatAt) < STALE_MS) {
          throw conflict("sync_running", `sync job '${holder}' of data source '${id}' is running`, {
            extra: { jobId: holder },
          });
        }
        const abandoned: SyncJobRecord = {
          ...held,
          status: "FAILED",
          endTime: now.toISOString(),
          errorMessage: "the job stopped reporting (its process ended); a new sync took over",
        };
        mutations.push({ type: "set", key: jobKey(index, id, holder), value: abandoned });
      }
    }
    const job: SyncJobRecord = {
      index,
      jobId: newJobId(now),
      dataSourceId: id,
      status: "PENDING",
      startTime: now.toISOString(),
      heartbeatAt: now.toISOString(),
      progress: { fraction: 0, stage: "PENDING" },
      metrics: {
        documentsAdded: 0,
        documentsModified: 0,
        documentsUnchanged: 0,
        documentsDeleted: 0,
        documentsFailed: 0,
      },
      errors: [],
    };
    const record: DataSourceRecord = {
      ...entry.value,
      runningJobId: job.jobId,
      lastSyncJobId: job.jobId,
      lastSyncStartedAt: job.startTime,
    };
    mutations.push(
      { type: "set", key: dataSourceKey(index, id), value: record },
      { type: "set", key: jobKey(index, id, job.jobId), value: job },
    );
    const result = await kv.atomic(
      [{ key: dataSourceKey(index, id), versionstamp: entry.versionstamp }],
      mutations,
    );
    if (result.ok) {
      await pruneJobs(kv, index, id);
      return job;
    }
  }
  throw conflict("sync_running", `data source '${id}' kept changing; retry`);
}

export async function saveSyncJob(kv: TenantKvStore, job: SyncJobRecord): Promise<void> {
  await kv.set(jobKey(job.index, job.dataSourceId, job.jobId), job);
}

/** Writes the finished job and releases the lock (if this job still holds it). */
export async function endSync(kv: TenantKvStore, job: SyncJobRecord): Promise<void> {
  await saveSyncJob(kv, job);
  const key = dataSourceKey(job.index, job.dataSourceId);
  for (let attempt = 0; attempt < 8; attempt++) {
    const entry = await kv.get<DataSourceRecord>(key);
    if (!entry.value || entry.value.runningJobId !== job.jobId) return;
    const { runningJobId: _r, ...released } = entry.value;
    const result = await kv.atomic([{ key, versionstamp: entry.versionstamp }], [{
      type: "set",
      key,
      value: released,
    }]);
    if (result.ok) return;
  }
}

async function pruneJobs(kv: TenantKvStore, index: string, id: string): Promise<void> {
  let n = 0;
  for await (const e of kv.list(["search-qa", "sync-jobs", index, id], { reverse: true })) {
    if (++n > KEEP_JOBS) await kv.delete(e.key);
  }
}
