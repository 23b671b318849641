/**
 * Puts an index's re-rankers on the worker pool: worker model `search-<index>-reranker` serves
 * the re-rankers of the index's current version and the one before (edges still on it keep
 * re-ranking while they switch), each worker version numbered as its index version. Versions
 * built without a re-ranker (too little content) are simply not served. Calls for one index
 * take turns.
 *
 * @example
 * ```ts
 * const publish = createRerankerPublisher(stores, repositoryPublisher({ repository, artifacts, workers }));
 * await publish("city");
 * ```
 */
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { createKeyedQueue, type TenantStores } from "@edgeml/shared/store";
import { getIndex, rerankerPath } from "../domain/index_catalog.ts";
import { rerankerModelName } from "../domain/reranker_manifest.ts";

export function createRerankerPublisher(stores: TenantStores, publisher: ModelPublisher) {
  const turns = createKeyedQueue();
  return function publishReranker(index: string): Promise<void> {
    return turns.run(`${stores.kv.tenant}/${index}`, async () => {
      const { version } = await getIndex(stores.kv, index);
      const versions: { version: number; artifact: string }[] = [];
      for (const v of [version - 1, version]) {
        const artifact = rerankerPath(index, v);
        if (v > 0 && await stores.artifacts.stat(artifact)) versions.push({ version: v, artifact });
      }
      await publisher.serve(rerankerModelName(index), versions);
    });
  };
}
