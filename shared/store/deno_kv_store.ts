import type { KvEntry, KvKey, KvListOptions, KvMaybeEntry, KvStore } from "./kv_store.ts";

/** A {@link KvStore} that owns an open database. */
export interface OpenKvStore extends KvStore, Disposable {
  /** Closes the database; the store is unusable afterwards. */
  close(): void;
}

function isLocalPath(location: string): boolean {
  return location !== ":memory:" && !/^https?:\/\//.test(location);
}

/**
 * Opens a {@link KvStore} over Deno KV:
 *
 * - a file path (`data/kv.sqlite3`, the embedded default): a local SQLite database; its folder
 *   is created if missing;
 * - `http(s)://…` : a KV Connect URL (a Deno Deploy database or a self-hosted `denokv`),
 *   authenticated by the `DENO_KV_ACCESS_TOKEN` environment variable;
 * - `undefined` : the platform's default database (Deno Deploy's KV when deployed);
 * - `":memory:"` : an in-memory database (tests).
 *
 * Needs `"unstable": ["kv"]` in deno.json.
 *
 * @example
 * ```ts
 * using kv = await openKvStore("data/kv.sqlite3");
 * await kv.set(["default", "settings"], { region: "eu" });
 * ```
 */
export async function openKvStore(location?: string): Promise<OpenKvStore> {
  if (location !== undefined && isLocalPath(location)) {
    const slash = location.lastIndexOf("/");
    if (slash > 0) await Deno.mkdir(location.slice(0, slash), { recursive: true });
  }
  const kv = await Deno.openKv(location);
  let open = true;
  const close = () => {
    if (open) kv.close();
    open = false;
  };
  return {
    async get<T>(key: KvKey): Promise<KvMaybeEntry<T>> {
      const { value, versionstamp } = await kv.get<T>(key as Deno.KvKey);
      return versionstamp === null
        ? { key, value: null, versionstamp: null }
        : { key, value: value as T, versionstamp };
    },
    async set(key, value) {
      return (await kv.set(key as Deno.KvKey, value)).versionstamp;
    },
    async delete(key) {
      await kv.delete(key as Deno.KvKey);
    },
    async *list<T>(prefix: KvKey, { start, ...options }: KvListOptions = {}) {
      const selector = start
        ? { prefix: prefix as Deno.KvKey, start: start as Deno.KvKey }
        : { prefix: prefix as Deno.KvKey };
      for await (const entry of kv.list<T>(selector, options)) {
        yield entry as KvEntry<T>;
      }
    },
    async atomic(checks, mutations) {
      const op = kv.atomic();
      for (const { key, versionstamp } of checks) {
        op.check({ key: key as Deno.KvKey, versionstamp });
      }
      for (const m of mutations) {
        if (m.type === "set") op.set(m.key as Deno.KvKey, m.value);
        else op.delete(m.key as Deno.KvKey);
      }
      const result = await op.commit();
      return result.ok ? { ok: true, versionstamp: result.versionstamp } : { ok: false };
    },
    close,
    [Symbol.dispose]: close,
  };
}
