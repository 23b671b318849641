import type { KvEntry, KvKey, KvListOptions, KvMaybeEntry, KvStore } from "./kv_store.ts";
import { checkTenantId } from "./tenant.ts";

/** A {@link KvStore} whose every key lives under one tenant. */
export interface TenantKvStore extends KvStore {
  readonly tenant: string;
}

/**
 * One tenant's view of a store: every key it reads, writes, lists or checks is prefixed with
 * the tenant id as its first part, and keys come back without it. Code given a view cannot name
 * another tenant's keys: isolation is structural, not a check each caller must remember.
 *
 * @throws {DomainError} `invalid_tenant_id` for an id that {@link checkTenantId} refuses.
 *
 * @example
 * ```ts
 * const kv = tenantKv(store, "default");
 * await kv.set(["swa", "mlp", "run-1", "current"], { generation: 1 });
 * // stored as ["default", "swa", "mlp", "run-1", "current"]
 * ```
 */
export function tenantKv(store: KvStore, tenantId: string): TenantKvStore {
  const tenant = checkTenantId(tenantId);
  const inside = (key: KvKey): KvKey => [tenant, ...key];
  const outside = (key: KvKey): KvKey => key.slice(1);
  return {
    tenant,
    async get<T>(key: KvKey): Promise<KvMaybeEntry<T>> {
      const entry = await store.get<T>(inside(key));
      return { ...entry, key };
    },
    set: (key, value) => store.set(inside(key), value),
    delete: (key) => store.delete(inside(key)),
    async *list<T>(prefix: KvKey, options = {}): AsyncIterableIterator<KvEntry<T>> {
      const { start } = options as KvListOptions;
      const scoped = start ? { ...options, start: inside(start) } : options;
      for await (const entry of store.list<T>(inside(prefix), scoped)) {
        yield { ...entry, key: outside(entry.key) };
      }
    },
    atomic: (checks, mutations) =>
      store.atomic(
        checks.map((c) => ({ ...c, key: inside(c.key) })),
        mutations.map((m) => ({ ...m, key: inside(m.key) })),
      ),
  };
}
