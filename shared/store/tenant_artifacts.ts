import type { ArtifactInfo, ArtifactStore } from "./artifact_store.ts";
import { checkArtifactPath, checkArtifactPrefix } from "./artifact_path.ts";
import { checkTenantId } from "./tenant.ts";

/** An {@link ArtifactStore} whose every path lives under one tenant's folder. */
export interface TenantArtifactStore extends ArtifactStore {
  readonly tenant: string;
}

/**
 * One tenant's view of an artifact store: path `swa/mlp/…` is stored as `<tenant>/swa/mlp/…`,
 * and listed paths come back without the tenant folder. Paths are checked before the prefix is
 * added, so no path (`..`, absolute, backslashes) reaches another tenant's folder.
 *
 * @throws {DomainError} `invalid_tenant_id` for an id that {@link checkTenantId} refuses.
 *
 * @example
 * ```ts
 * const artifacts = tenantArtifacts(createLocalArtifactStore({ root: "data/artifacts" }), "default");
 * await artifacts.put("swa/mlp/run-1/gen-000001/average.onnx", bytes);
 * // data/artifacts/default/swa/mlp/run-1/gen-000001/average.onnx
 * ```
 */
export function tenantArtifacts(store: ArtifactStore, tenantId: string): TenantArtifactStore {
  const tenant = checkTenantId(tenantId);
  const inside = (path: string) => `${tenant}/${checkArtifactPath(path)}`;
  const outside = (info: ArtifactInfo): ArtifactInfo => ({
    ...info,
    path: info.path.slice(tenant.length + 1),
  });
  return {
    tenant,
    put: async (path, body) => await store.put(inside(path), body),
    get: async (path) => await store.get(inside(path)),
    getStream: async (path) => await store.getStream(inside(path)),
    stat: async (path) => {
      const info = await store.stat(inside(path));
      return info && outside(info);
    },
    async *list(prefix = "") {
      for await (const info of store.list(`${tenant}/${checkArtifactPrefix(prefix)}`)) {
        yield outside(info);
      }
    },
    delete: async (path) => await store.delete(inside(path)),
  };
}
