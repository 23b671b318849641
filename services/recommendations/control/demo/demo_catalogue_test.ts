import assert from "node:assert/strict";
import { withStores } from "@edgeml/shared/testing";
import { getCampaign } from "../../domain/campaigns/campaign_catalog.ts";
import { createDatasetGroup } from "../../domain/dataset/catalog.ts";
import { DEMO_CAMPAIGN, DEMO_DATASET_GROUP, seedDemoRecommendations } from "./demo_catalogue.ts";

Deno.test("the demo seeds once, and a seeding stopped half-way finishes on the next start", async () => {
  await withStores(async (stores) => {
    // A first start that got as far as the dataset group.
    await createDatasetGroup(stores.kv, DEMO_DATASET_GROUP);
    assert.equal(await seedDemoRecommendations(stores), true);
    assert.equal((await getCampaign(stores.kv, DEMO_CAMPAIGN)).solutionVersion, 1);
    assert.equal(await seedDemoRecommendations(stores), false);
  });
});
