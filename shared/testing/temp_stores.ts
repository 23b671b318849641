/** Throwaway stores (a Deno KV file and an artifact folder) for one test, removed after. */
import { openStores, type TenantStores, tenantStores } from "../store/mod.ts";

/**
 * Runs `fn` with the "default" tenant's view of fresh stores in a temporary folder.
 *
 * @example
 * ```ts
 * await withStores(async ({ kv }) => {
 *   await kv.set(["k"], 1);
 * });
 * ```
 */
export async function withStores(fn: (stores: TenantStores) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "edgeml-stores-" });
  const stores = await openStores({ kv: `${dir}/kv.sqlite3`, artifacts: `${dir}/artifacts` });
  try {
    await fn(tenantStores(stores, "default"));
  } finally {
    stores.kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}
