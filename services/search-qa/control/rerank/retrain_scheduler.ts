/**
 * Scheduled re-ranker retraining: every `intervalMs` (default one hour) each index with
 * `learnedReranker` whose feedback counter (`feedback_queries.ts`) has grown since its current
 * version was built (the counter the record keeps, `feedbackVotes`) is rebuilt and its version
 * published, through the control plane's `rebuildIndex`, the path uploads take. Indexes are
 * rebuilt one after another; a check still running when the next is due skips that one. An
 * index that fails is reported and tried again at the next check.
 * @module
 */
import type { TenantStores } from "@edgeml/shared/store";
import { type IndexRecord, listIndexes } from "../../domain/index_catalog.ts";
import { readFeedback } from "./feedback_queries.ts";

export interface RerankerRetrainingOptions {
  stores: TenantStores;
  /** Rebuilds and publishes one index (the control plane's `rebuildIndex`). */
  rebuild: (index: string) => Promise<unknown>;
  intervalMs?: number;
  /** Told about an index that could not be retrained (`"*"`: the check itself failed). */
  onError?: (error: unknown, index: string) => void;
  /** Calls `tick` every `ms` and returns what stops it (default: `setInterval`). */
  every?: (tick: () => void, ms: number) => () => void;
}

/** Whether `record` has feedback its current version was not built with. */
export function dueForRetraining(record: IndexRecord, votes: number): boolean {
  return !!record.learnedReranker && record.version > 0 && votes > (record.feedbackVotes ?? 0);
}

/** One check: rebuilds every index due; resolves with their names once done. */
export async function retrainDueIndexes(
  { stores, rebuild, onError }: Pick<RerankerRetrainingOptions, "stores" | "rebuild" | "onError">,
): Promise<string[]> {
  const retrained: string[] = [];
  for (const record of await listIndexes(stores.kv)) {
    if (!record.learnedReranker) continue;
    try {
      const { votes } = await readFeedback(stores.kv, record.name, { maxQueries: 0 });
      if (!dueForRetraining(record, votes)) continue;
      await rebuild(record.name);
      retrained.push(record.name);
    } catch (err) {
      onError?.(err, record.name);
    }
  }
  return retrained;
}

const intervals = (tick: () => void, ms: number) => {
  const timer = setInterval(tick, ms);
  return () => clearInterval(timer);
};

/**
 * Starts checking; the returned function stops it and resolves once a check in flight ended.
 *
 * @example
 * ```ts
 * stopHooks.push(startRerankerRetraining({ stores: tenant, rebuild: control.rebuildIndex }));
 * ```
 */
export function startRerankerRetraining(
  { intervalMs = 3_600_000, every = intervals, ...check }: RerankerRetrainingOptions,
): () => Promise<void> {
  let checking: Promise<unknown> | undefined;
  let stopped = false;
  const cancel = every(() => {
    if (stopped || checking) return;
    checking = retrainDueIndexes(check)
      .catch((err) => check.onError?.(err, "*"))
      .finally(() => (checking = undefined));
  }, intervalMs);
  return async function stopRerankerRetraining() {
    stopped = true;
    cancel();
    await checking;
  };
}
