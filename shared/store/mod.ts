/**
 * The store: a key-value interface over Deno KV and an artifact interface over local files or
 * S3-compatible object storage, each with tenant views that put the tenant id first in every
 * key and path. Configuration: README.md beside this file.
 *
 * @example
 * ```ts
 * import { openStores, tenantStores } from "@edgeml/shared/store";
 * const stores = await openStores(); // data/kv.sqlite3 and data/artifacts/
 * const { kv, artifacts } = tenantStores(stores, "default");
 * await kv.set(["settings"], { region: "eu" }); // key ["default", "settings"]
 * await artifacts.put("models/mlp/1/model.onnx", bytes); // data/artifacts/default/models/…
 * ```
 * @module
 */
export * from "./kv_store.ts";
export * from "./deno_kv_store.ts";
export * from "./tenant.ts";
export * from "./tenant_kv.ts";
export * from "./artifact_store.ts";
export * from "./artifact_path.ts";
export * from "./local_artifact_store.ts";
export * from "./s3_artifact_store.ts";
export * from "./tenant_artifacts.ts";
export * from "./stores.ts";
export * from "./keyed_queue.ts";
export * from "./record_cas.ts";
