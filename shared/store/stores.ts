import type { ArtifactStore } from "./artifact_store.ts";
import { type OpenKvStore, openKvStore } from "./deno_kv_store.ts";
import { createLocalArtifactStore } from "./local_artifact_store.ts";
import { createS3ArtifactStore } from "./s3_artifact_store.ts";
import { tenantArtifacts, type TenantArtifactStore } from "./tenant_artifacts.ts";
import { tenantKv, type TenantKvStore } from "./tenant_kv.ts";

/** A process's stores: one KV database and one artifact store, shared by every tenant. */
export interface Stores {
  kv: OpenKvStore;
  artifacts: ArtifactStore;
}

/** One tenant's views of {@link Stores}: what a handler or a job is given. */
export interface TenantStores {
  kv: TenantKvStore;
  artifacts: TenantArtifactStore;
}

/** Options of {@link openStores}; each falls back to an environment variable, then a default. */
export interface OpenStoresOptions {
  /** `EDGEML_KV`: a SQLite path or a KV Connect URL (default `data/kv.sqlite3`). */
  kv?: string;
  /** `EDGEML_ARTIFACTS`: a folder, or `s3://<bucket>[/<key prefix>]` (default `data/artifacts`). */
  artifacts?: string;
  /** Environment lookup (default `Deno.env.get`). */
  env?: (name: string) => string | undefined;
}

/**
 * Opens the stores a deployment is configured for. The embedded default needs nothing:
 * `data/kv.sqlite3` and `data/artifacts/`. `s3://bucket/prefix` selects the S3 store, which
 * reads its endpoint, region and credentials from the AWS environment variables (see
 * README.md).
 *
 * @example
 * ```ts
 * const stores = await openStores({ artifacts: "s3://edgeml-artifacts/prod/" });
 * ```
 */
export async function openStores(options: OpenStoresOptions = {}): Promise<Stores> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const artifacts = options.artifacts ?? env("EDGEML_ARTIFACTS") ?? "data/artifacts";
  const s3 = artifacts.match(/^s3:\/\/([^/]+)\/?(.*)$/);
  const artifactStore = s3
    ? createS3ArtifactStore({
      bucket: s3[1],
      keyPrefix: s3[2] && !s3[2].endsWith("/") ? `${s3[2]}/` : s3[2],
      forcePathStyle: env("EDGEML_S3_FORCE_PATH_STYLE") === "true",
      env,
    })
    : createLocalArtifactStore({ root: artifacts });
  const kv = await openKvStore(options.kv ?? env("EDGEML_KV") ?? "data/kv.sqlite3");
  return { kv, artifacts: artifactStore };
}

/**
 * One tenant's views of the stores.
 *
 * @example
 * ```ts
 * const { kv, artifacts } = tenantStores(stores, "default");
 * ```
 */
export function tenantStores(
  stores: Pick<Stores, "kv" | "artifacts">,
  tenant: string,
): TenantStores {
  return { kv: tenantKv(stores.kv, tenant), artifacts: tenantArtifacts(stores.artifacts, tenant) };
}
