import assert from "node:assert/strict";
import { rejectsDomainError, withStores } from "@edgeml/shared/testing";
import { createDatasetGroup } from "../dataset/catalog.ts";
import { createCampaign, getCampaign, updateCampaign } from "./campaign_catalog.ts";
import {
  createSolution,
  createSolutionVersion,
  failInterruptedVersions,
  getSolutionVersion,
  latestActiveVersion,
  saveSolutionVersion,
} from "./solution_catalog.ts";

Deno.test("solution versions are numbered; UPDATE needs an ACTIVE version; the latest ACTIVE is found", async () => {
  await withStores(async ({ kv }) => {
    await rejectsDomainError(
      createSolution(kv, { name: "recs", datasetGroup: "shop" }),
      "not_found",
      "dataset_group_not_found",
    );
    await createDatasetGroup(kv, "shop");
    await createSolution(kv, { name: "recs", datasetGroup: "shop" });
    await rejectsDomainError(
      createSolution(kv, { name: "recs", datasetGroup: "shop" }),
      "conflict",
      "solution_exists",
    );
    await rejectsDomainError(
      createSolutionVersion(kv, "recs", "UPDATE"),
      "unprocessable",
      "no_version_to_update",
    );
    const v1 = await createSolutionVersion(kv, "recs", "FULL");
    const v2 = await createSolutionVersion(kv, "recs", "FULL");
    assert.deepEqual([v1.version, v2.version, v1.status], [1, 2, "PENDING"]);
    assert.equal(await latestActiveVersion(kv, "recs"), undefined);
    await saveSolutionVersion(kv, { ...v1, status: "ACTIVE" });
    await saveSolutionVersion(kv, { ...v2, status: "FAILED", failureReason: "x" });
    assert.equal((await latestActiveVersion(kv, "recs"))?.version, 1);
    assert.equal((await createSolutionVersion(kv, "recs", "UPDATE")).version, 3);
    await rejectsDomainError(
      getSolutionVersion(kv, "recs", 9),
      "not_found",
      "solution_version_not_found",
    );
  });
});

Deno.test("campaigns serve an ACTIVE version with a checked exploration config, updated in place", async () => {
  await withStores(async ({ kv }) => {
    await createDatasetGroup(kv, "shop");
    await createSolution(kv, { name: "recs", datasetGroup: "shop" });
    await rejectsDomainError(
      createCampaign(kv, { name: "home", solution: "recs" }),
      "unprocessable",
      "no_active_version",
    );
    const v1 = await createSolutionVersion(kv, "recs", "FULL");
    await saveSolutionVersion(kv, { ...v1, status: "ACTIVE" });
    await rejectsDomainError(
      createCampaign(kv, {
        name: "home",
        solution: "recs",
        itemExplorationConfig: { explorationWeight: 1.5 },
      }),
      "unprocessable",
      "invalid_exploration_weight",
    );
    await rejectsDomainError(
      createCampaign(kv, {
        name: "home",
        solution: "recs",
        itemExplorationConfig: { explorationItemAgeCutoff: 0 },
      }),
      "unprocessable",
      "invalid_exploration_item_age_cutoff",
    );
    const home = await createCampaign(kv, {
      name: "home",
      solution: "recs",
      itemExplorationConfig: { explorationWeight: "0.5" },
    });
    assert.deepEqual(home.campaignConfig.itemExplorationConfig, {
      explorationWeight: 0.5,
      explorationItemAgeCutoff: 30,
    });
    assert.equal(home.solutionVersion, 1);
    const v2 = await createSolutionVersion(kv, "recs", "UPDATE");
    await rejectsDomainError(
      updateCampaign(kv, "home", { solutionVersion: 2 }),
      "unprocessable",
      "version_not_active",
    );
    await saveSolutionVersion(kv, { ...v2, status: "ACTIVE" });
    const moved = await updateCampaign(kv, "home", {
      solutionVersion: 2,
      itemExplorationConfig: { explorationItemAgeCutoff: 7 },
    });
    assert.equal(moved.solutionVersion, 2);
    assert.deepEqual(moved.campaignConfig.itemExplorationConfig, {
      explorationWeight: 0.5,
      explorationItemAgeCutoff: 7,
    });
    assert.deepEqual(await getCampaign(kv, "home"), moved);
    await rejectsDomainError(getCampaign(kv, "nope"), "not_found", "campaign_not_found");
  });
});

Deno.test("versions a stopped process left training are failed at the next start", async () => {
  await withStores(async ({ kv }) => {
    await createDatasetGroup(kv, "shop");
    await createSolution(kv, { name: "recs", datasetGroup: "shop" });
    const v1 = await createSolutionVersion(kv, "recs", "FULL");
    await saveSolutionVersion(kv, { ...v1, status: "ACTIVE" });
    const v2 = await createSolutionVersion(kv, "recs", "FULL");
    await saveSolutionVersion(kv, { ...v2, status: "IN_PROGRESS" });
    await createSolutionVersion(kv, "recs", "UPDATE"); // PENDING
    assert.equal(await failInterruptedVersions(kv), 2);
    assert.equal((await getSolutionVersion(kv, "recs", 1)).status, "ACTIVE");
    const interrupted = await getSolutionVersion(kv, "recs", 2);
    assert.equal(interrupted.status, "FAILED");
    assert.match(interrupted.failureReason ?? "", /stopped/);
    assert.equal((await getSolutionVersion(kv, "recs", 3)).status, "FAILED");
  });
});
