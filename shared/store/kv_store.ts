/**
 * The key-value interface every service stores its state through. It is Deno KV's model, kept
 * small: ordered array keys, versionstamps, prefix listing and atomic check-and-set. One
 * implementation (`openKvStore`) covers the local SQLite file, a KV Connect URL and Deno
 * Deploy's KV; tenant views (`tenantKv`) put the tenant id in front of every key.
 *
 * Limits are Deno KV's: a key of at most 2 KiB, a value of at most 64 KiB (large data belongs
 * in the artifact store), at most 1000 mutations per atomic commit.
 *
 * @module
 */

/** One part of a key. Parts compare by type, then value, as in Deno KV. */
export type KvKeyPart = string | number | bigint | boolean | Uint8Array;

/** A key: `["swa", "mlp", "run-1", "current"]`. */
export type KvKey = readonly KvKeyPart[];

/** A stored entry. `versionstamp` changes on every write of the key. */
export interface KvEntry<T> {
  key: KvKey;
  value: T;
  versionstamp: string;
}

/** What {@link KvStore.get} returns: `value` and `versionstamp` are `null` for a missing key. */
export type KvMaybeEntry<T> = KvEntry<T> | { key: KvKey; value: null; versionstamp: null };

/** A precondition of an atomic commit: the key still has this versionstamp (`null`: absent). */
export interface KvCheck {
  key: KvKey;
  versionstamp: string | null;
}

/** A write of an atomic commit. */
export type KvMutation =
  | { type: "set"; key: KvKey; value: unknown }
  | { type: "delete"; key: KvKey };

/** Result of {@link KvStore.atomic}: `ok: false` when a check failed and nothing was written. */
export type KvCommitResult = { ok: true; versionstamp: string } | { ok: false };

/** Options of {@link KvStore.list}. */
export interface KvListOptions {
  /** At most this many entries. */
  limit?: number;
  /** Descending key order. */
  reverse?: boolean;
  /** The first key to list (inclusive), below the prefix: a range scan instead of a full one. */
  start?: KvKey;
}

/**
 * Keys and values with compare-and-set.
 *
 * @example
 * ```ts
 * const current = await kv.get<{ generation: number }>(["swa", "mlp", "run-1", "current"]);
 * const result = await kv.atomic(
 *   [{ key: current.key, versionstamp: current.versionstamp }],
 *   [{ type: "set", key: current.key, value: { generation: 2 } }],
 * );
 * if (!result.ok) throw conflict("swa_state_conflict", "another writer moved it first");
 * ```
 */
export interface KvStore {
  get<T = unknown>(key: KvKey): Promise<KvMaybeEntry<T>>;
  /** Writes `value` (any structured-cloneable value) and returns the new versionstamp. */
  set(key: KvKey, value: unknown): Promise<string>;
  /** Removes the key; a missing key is not an error. */
  delete(key: KvKey): Promise<void>;
  /** Entries strictly below `prefix` (not the prefix key itself), in key order. */
  list<T = unknown>(prefix: KvKey, options?: KvListOptions): AsyncIterableIterator<KvEntry<T>>;
  /** Applies every mutation if and only if every check holds, all at once. */
  atomic(checks: readonly KvCheck[], mutations: readonly KvMutation[]): Promise<KvCommitResult>;
}
