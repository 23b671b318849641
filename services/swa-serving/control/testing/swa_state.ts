/** Test helpers: a tenant's stores on a temp folder, reopened as a restarted process would. */
import {
  createLocalArtifactStore,
  type OpenKvStore,
  openKvStore,
  tenantStores,
} from "@edgeml/shared/store";
import type { SwaStateLocation } from "../state_store.ts";

export const MODEL = "bn_mlp";
export const RUN = "run-1";

/** Opens `<dir>/kv.sqlite3` and `<dir>/artifacts/` for tenant `default`, run bn_mlp/run-1. */
export async function openState(
  dir: string,
  tenant = "default",
): Promise<{ where: SwaStateLocation; kv: OpenKvStore; close(): void }> {
  const kv = await openKvStore(`${dir}/kv.sqlite3`);
  const artifacts = createLocalArtifactStore({ root: `${dir}/artifacts` });
  const where = { ...tenantStores({ kv, artifacts }, tenant), model: MODEL, run: RUN };
  return { where, kv, close: () => kv.close() };
}
