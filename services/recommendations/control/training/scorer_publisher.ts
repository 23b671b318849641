/**
 * Puts a solution's ONNX scorers on the worker pool: worker model `recs-<solution>-scorer`
 * serves, one worker version per solution version, the version just trained, the newest ACTIVE
 * one before it (edges still on it keep scoring there while campaigns move), and any version a
 * campaign of the solution is pinned to. Campaigns on a version not served score in process
 * (`domain/serving/pool_scorer.ts`). Calls for one solution take turns.
 *
 * @example
 * ```ts
 * const publish = createScorerPublisher(stores, repositoryPublisher({ repository, artifacts, workers }));
 * await publish("shop-recs", 7); // before version 7 is marked ACTIVE
 * ```
 */
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { createKeyedQueue, type TenantStores } from "@edgeml/shared/store";
import { listCampaigns } from "../../domain/campaigns/campaign_catalog.ts";
import { activeVersions } from "../../domain/campaigns/solution_catalog.ts";
import { scorerModelName } from "../../domain/serving/pool_scorer.ts";
import { scorerPath } from "../../domain/serving/version_artifacts.ts";

export type ScorerPublisher = (solution: string, trained?: number) => Promise<void>;

export function createScorerPublisher(
  stores: TenantStores,
  publisher: ModelPublisher,
): ScorerPublisher {
  const turns = createKeyedQueue();
  return (solution, trained) =>
    turns.run(`${stores.kv.tenant}/${solution}`, async () => {
      const active = await activeVersions(stores.kv, solution);
      const wanted = new Set<number>(
        active.slice(0, trained === undefined ? 2 : 1).map((v) => v.version),
      );
      if (trained !== undefined) wanted.add(trained);
      const activeNumbers = new Set(active.map((v) => v.version));
      for (const campaign of await listCampaigns(stores.kv)) {
        if (campaign.solution === solution && activeNumbers.has(campaign.solutionVersion)) {
          wanted.add(campaign.solutionVersion);
        }
      }
      const versions = [];
      for (const version of [...wanted].sort((a, b) => a - b)) {
        const artifact = scorerPath(solution, version);
        if (await stores.artifacts.stat(artifact)) versions.push({ version, artifact });
      }
      await publisher.serve(scorerModelName(solution), versions);
    });
}
