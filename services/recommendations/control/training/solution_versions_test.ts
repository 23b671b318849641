/**
 * Training a solution version for real (in its worker) on a small dataset: FULL ends ACTIVE with
 * metrics beside the popularity baseline and artifacts that load back; UPDATE folds in a new
 * user and item from events; too little data is refused before any version exists.
 */
import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { rejectsDomainError, withStores } from "@edgeml/shared/testing";
import { createDataset, createDatasetGroup } from "../../domain/dataset/catalog.ts";
import { putEvents } from "../../domain/events/event_log.ts";
import { createSolution, getSolutionVersion } from "../../domain/campaigns/solution_catalog.ts";
import { importCsv } from "../import/import_csv.ts";
import { loadTrainedVersion, scorerPath } from "../../domain/serving/version_artifacts.ts";
import { MIN_INTERACTIONS, startSolutionVersion } from "./solution_versions.ts";

const SMALL = { train: { epochs: 2, swaEpochs: 1, dim: 8, batchSize: 256 }, evaluationUsers: 50 };

/** Users who each like one of four genres, 30 interactions apiece over time. */
function interactionsCsv(users: number, perUser: number): string {
  const random = mulberry32(3);
  const rows = ["USER_ID,ITEM_ID,TIMESTAMP"];
  for (let u = 0; u < users; u++) {
    for (let k = 0; k < perUser; k++) {
      const genre = random() < 0.8 ? u % 4 : Math.floor(random() * 4);
      rows.push(`u${u},i${genre * 15 + Math.floor(random() * 15)},${1_700_000_000 + k * 60 + u}`);
    }
  }
  return rows.join("\n");
}

const itemsCsv = () =>
  ["ITEM_ID,GENRES", ...Array.from({ length: 60 }, (_, i) => `i${i},g${Math.floor(i / 15)}`)]
    .join("\n");

Deno.test("a FULL version trains in its worker to ACTIVE with metrics and artifacts; UPDATE folds in events", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "shop");
    await createDataset(stores.kv, "shop", "ITEMS");
    await importCsv(stores, "shop", "ITEMS", new Blob([itemsCsv()]).stream());
    await createDataset(stores.kv, "shop", "INTERACTIONS");
    await importCsv(stores, "shop", "INTERACTIONS", new Blob([interactionsCsv(40, 30)]).stream());
    await createSolution(stores.kv, { name: "recs", datasetGroup: "shop" });

    const { version, done } = await startSolutionVersion(stores, "recs", "FULL", SMALL);
    assert.equal(version.status, "PENDING");
    const full = await done;
    assert.equal(full.status, "ACTIVE", full.failureReason ?? "");
    assert.deepEqual(await getSolutionVersion(stores.kv, "recs", 1), full);
    const metrics = full.metrics!, baseline = full.baselineMetrics!;
    // Tastes by genre: the model beats popularity on the held-out newest interactions.
    assert.ok(
      metrics.normalized_discounted_cumulative_gain_at_10 >
        baseline.normalized_discounted_cumulative_gain_at_10,
      JSON.stringify({ metrics, baseline }),
    );
    const trained = await loadTrainedVersion(stores, "recs", 1);
    assert.equal(trained.itemIds.length, 60);
    assert.equal(trained.userIds.length, 40);
    assert.ok(await stores.artifacts.stat(scorerPath("recs", 1)));
    // Each user's recent items (at most historyLength) and each item's count come back too.
    assert.equal(trained.histories.offsets.length, 41);
    assert.equal(trained.histories.offsets[1] - trained.histories.offsets[0], 30);
    assert.equal(trained.popularity.reduce((a, b) => a + b, 0), 1200);

    // A new user clicks a new item: UPDATE gives both an index, keeping the old ones.
    await putEvents(stores.kv, "shop", {
      sessionId: "s",
      userId: "newcomer",
      eventList: [{ eventType: "click", itemId: "fresh", sentAt: 1_800_000_000 }],
    });
    const update = await (await startSolutionVersion(stores, "recs", "UPDATE", SMALL)).done;
    assert.equal(update.status, "ACTIVE", update.failureReason ?? "");
    assert.equal(update.version, 2);
    assert.equal(update.metrics, undefined);
    const updated = await loadTrainedVersion(stores, "recs", 2);
    assert.deepEqual(updated.itemIds.slice(0, 60), trained.itemIds);
    assert.equal(updated.itemIds[60], "fresh");
    assert.equal(updated.userIds[40], "newcomer");
    assert.equal(updated.latestTimestamp, 1_800_000_000);
  });
});

Deno.test("too little data is a 422 naming Personalize's minimums, and no version is made", async () => {
  await withStores(async (stores) => {
    await createDatasetGroup(stores.kv, "shop");
    await createDataset(stores.kv, "shop", "INTERACTIONS");
    await importCsv(stores, "shop", "INTERACTIONS", new Blob([interactionsCsv(10, 30)]).stream());
    await createSolution(stores.kv, { name: "recs", datasetGroup: "shop" });
    const err = await rejectsDomainError(
      startSolutionVersion(stores, "recs", "FULL", SMALL),
      "unprocessable",
      "too_little_data",
    );
    assert.match(err.detail, new RegExp(`${MIN_INTERACTIONS} interactions from 25 users`));
    await rejectsDomainError(
      getSolutionVersion(stores.kv, "recs", 1),
      "not_found",
      "solution_version_not_found",
    );
  });
});
