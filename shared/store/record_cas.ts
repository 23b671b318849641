/**
 * One KV record written safely: created only if absent, changed by read-modify-write with
 * compare-and-set. Writers in this process take turns per key (so they never race each other
 * into giving up); writers in other processes are caught by the versionstamp check and retried.
 *
 * @example
 * ```ts
 * await insertRecord(kv, ["app", "models", "m"], record, () => conflict("exists", "m exists"));
 * await updateRecord(kv, ["app", "models", "m"], (r) => ({ ...r, n: r.n + 1 }), {
 *   missing: () => notFound("no_model", "no model m"),
 *   busy: () => conflict("busy", "m kept changing"),
 * });
 * ```
 */
import { createKeyedQueue } from "./keyed_queue.ts";
import type { KvKey } from "./kv_store.ts";
import type { TenantKvStore } from "./tenant_kv.ts";

const writers = createKeyedQueue();
const ATTEMPTS = 16;

/** Stores `value` at `key` unless a value is there; `exists` is thrown then. */
export async function insertRecord<T>(
  kv: TenantKvStore,
  key: KvKey,
  value: T,
  exists: () => Error,
): Promise<void> {
  const result = await kv.atomic([{ key, versionstamp: null }], [{ type: "set", key, value }]);
  if (!result.ok) throw exists();
}

/**
 * Applies `change` to the record at `key` and stores the result; `change` may throw to refuse
 * (nothing is written). `missing` is thrown when there is no record, `busy` when other
 * processes kept changing it through every attempt.
 */
export function updateRecord<T>(
  kv: TenantKvStore,
  key: KvKey,
  change: (record: T) => T,
  { missing, busy }: { missing: () => Error; busy: () => Error },
): Promise<T> {
  return writers.run(JSON.stringify([kv.tenant, ...key.map(String)]), async () => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const entry = await kv.get<T>(key);
      if (entry.value === null) throw missing();
      const next = change(entry.value);
      const result = await kv.atomic(
        [{ key, versionstamp: entry.versionstamp }],
        [{ type: "set", key, value: next }],
      );
      if (result.ok) return next;
    }
    throw busy();
  });
}
