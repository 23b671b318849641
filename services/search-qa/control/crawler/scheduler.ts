/**
 * Scheduled syncs: every `checkEveryMs` the scheduler starts a sync of each data source whose
 * `schedule.everyMinutes` has passed since its last sync started (or since it was created).
 * One already running (409) is left alone until the next check.
 * @module
 */
import type { TenantStores } from "@edgeml/shared/store";
import { type DataSourceRecord, listDataSources } from "./data_sources.ts";

export interface SyncSchedulerOptions {
  stores: TenantStores;
  /** Starts one sync (the control plane's `startDataSourceSync`). */
  startSync: (index: string, id: string) => Promise<unknown>;
  checkEveryMs?: number;
  onError?: (error: unknown, source: { index: string; id: string }) => void;
  now?: () => number;
}

/** The data sources whose scheduled sync is due at `now`. */
export function dueDataSources(records: DataSourceRecord[], now: number): DataSourceRecord[] {
  return records.filter((r) => {
    if (!r.schedule || r.runningJobId) return false;
    const last = Date.parse(r.lastSyncStartedAt ?? r.createdAt);
    return last + r.schedule.everyMinutes * 60_000 <= now;
  });
}

/**
 * Starts checking; resolves the returned function's promise once the scheduler stopped (an
 * in-flight check finished).
 *
 * @example
 * ```ts
 * const stopSyncs = startSyncScheduler({ stores: tenant, startSync: control.startDataSourceSync });
 * stopHooks.push(stopSyncs);
 * ```
 */
export function startSyncScheduler(
  { stores, startSync, checkEveryMs = 60_000, onError, now = Date.now }: SyncSchedulerOptions,
): () => Promise<void> {
  let checking = Promise.resolve();
  async function check() {
    for (const source of dueDataSources(await listDataSources(stores.kv), now())) {
      try {
        await startSync(source.index, source.id);
      } catch (err) {
        if ((err as { code?: string }).code !== "sync_running") onError?.(err, source);
      }
    }
  }
  const timer = setInterval(() => {
    checking = checking.then(check).catch((err) => onError?.(err, { index: "*", id: "*" }));
  }, checkEveryMs);
  return async function stopSyncScheduler() {
    clearInterval(timer);
    await checking;
  };
}
