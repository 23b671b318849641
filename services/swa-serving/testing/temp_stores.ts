/** Throwaway stores (a Deno KV file, an artifact folder) and pools for one test, removed after. */
import type { TenantStores } from "@edgeml/shared/store";
import { withStores } from "@edgeml/shared/testing";

import { type PoolServer, startPoolServer } from "@edgeml/gpu-workers";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { createInProcessClient } from "@edgeml/gpu-workers/client/in-process";
import { type ModelPublisher, repositoryPublisher } from "@edgeml/gpu-workers/publisher";

type Pool = PoolServer["pool"];

/** A throwaway store plus a real worker pool on an empty repository, with its publisher. */
export interface StoresAndPool {
  stores: TenantStores;
  pool: Pool;
  workers: OipClient;
  publisher: ModelPublisher;
}

export async function withStoresAndPool(fn: (s: StoresAndPool) => Promise<void>): Promise<void> {
  await withStores(async (stores) => {
    const repository = await Deno.makeTempDir({ prefix: "swa-repository-" });
    const server = await startPoolServer({ repository, gpus: [] });
    try {
      const workers = createInProcessClient(server.pool);
      const publisher = repositoryPublisher({ repository, artifacts: stores.artifacts, workers });
      await fn({ stores, pool: server.pool, workers, publisher });
    } finally {
      await server.shutdown();
      await Deno.remove(repository, { recursive: true });
    }
  });
}
