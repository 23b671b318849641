/**
 * Scheduled retraining against a real store: an index with `learnedReranker` and new feedback is
 * rebuilt and its version's re-ranker published (trained on the votes), then left alone until
 * more feedback comes; other indexes never. The scheduler's ticks are driven by the test, a
 * check in flight is not doubled, and stopping leaves nothing running.
 */
import assert from "node:assert/strict";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import type { TenantStores } from "@edgeml/shared/store";
import { withStores } from "@edgeml/shared/testing";
import type { ConfidenceCalibration } from "../../domain/confidence_calibration.ts";
import { createFeedbackPriors, logQuery } from "../../domain/feedback.ts";
import {
  calibrationPath,
  createIndexRecord,
  getIndex,
  type IndexRecord,
  rerankerManifestPath,
  rerankerPath,
  updateIndex,
} from "../../domain/index_catalog.ts";
import type { RerankerManifest } from "../../domain/reranker_manifest.ts";
import { createSearchControl } from "../mod.ts";
import {
  dueForRetraining,
  retrainDueIndexes,
  startRerankerRetraining,
} from "./retrain_scheduler.ts";

const FAQS = "_question,_answer\n" + ["pool", "library", "museum", "park", "zoo", "market"]
  .flatMap((s) => [
    `When is the ${s} open?,The ${s} opens at nine every day.`,
    `How much does the ${s} cost?,Entry to the ${s} is free for residents.`,
  ]).join("\n");
const describe = () => ({ documentId: "a", type: "QUESTION_ANSWER" as const });
/** A learnedReranker index at version 1 with a click it was not built with (no content). */
async function votedIndex(stores: TenantStores, name: string) {
  await createIndexRecord(stores.kv, { name, attributeSchema: {}, learnedReranker: true });
  await updateIndex(stores.kv, name, (r) => ({ ...r, version: 1 }));
  await logQuery(stores.kv, name, "q", { queryText: "x", resultIds: ["r"], at: "" });
  await createFeedbackPriors(stores.kv).record(name, "q", [
    { resultId: "r", kind: "click" },
  ], describe);
}
const json = async <T>(bytes: Promise<Uint8Array | undefined>) =>
  JSON.parse(new TextDecoder().decode((await bytes)!)) as T;

Deno.test("dueForRetraining: learnedReranker, built, and more votes than its version was built with", () => {
  const record = { learnedReranker: true, version: 3, feedbackVotes: 4 } as IndexRecord;
  assert.equal(dueForRetraining(record, 4), false);
  assert.equal(dueForRetraining(record, 5), true);
  assert.equal(dueForRetraining({ ...record, feedbackVotes: undefined }, 1), true);
  assert.equal(dueForRetraining({ ...record, learnedReranker: false }, 9), false);
  assert.equal(dueForRetraining({ ...record, version: 0, feedbackVotes: 0 }, 9), false);
});

Deno.test("retrainDueIndexes: new feedback rebuilds and publishes a learnedReranker index, once", async () => {
  await withStores(async (stores) => {
    const served: { name: string; versions: number[] }[] = [];
    const publisher: ModelPublisher = {
      serve: (name, versions) =>
        Promise.resolve(void served.push({ name, versions: versions.map((v) => v.version) })),
    };
    const control = createSearchControl(stores, { publisher });
    await createIndexRecord(stores.kv, {
      name: "town",
      attributeSchema: {},
      learnedReranker: true,
    });
    await createIndexRecord(stores.kv, { name: "plain", attributeSchema: {} });
    await control.putFaq("town", "a", FAQS, "CSV_WITH_HEADER"); // version 1
    await control.putFaq("plain", "a", FAQS, "CSV_WITH_HEADER");
    served.length = 0;
    const retrain = () => retrainDueIndexes({ stores, rebuild: control.rebuildIndex });
    assert.deepEqual(await retrain(), []); // no feedback yet

    const feedback = createFeedbackPriors(stores.kv);
    const at = new Date().toISOString();
    for (const index of ["town", "plain"]) {
      // faq.a.2: "When is the library open?", faq.a.3: "How much does the library cost?"
      const resultIds = ["faq.a.2", "faq.a.3", "faq.a.1"];
      await logQuery(stores.kv, index, "q1", { queryText: "library opening hours", resultIds, at });
      await feedback.record(index, "q1", [
        { resultId: "faq.a.2", kind: "RELEVANT" },
        { resultId: "faq.a.2", kind: "click" },
        { resultId: "faq.a.3", kind: "NOT_RELEVANT" },
      ], describe);
    }
    assert.deepEqual(await retrain(), ["town"]);
    const record = await getIndex(stores.kv, "town");
    assert.deepEqual([record.version, record.feedbackVotes], [2, 3]);
    assert.deepEqual(served, [{ name: "search-town-reranker", versions: [1, 2] }]);
    assert.ok(await stores.artifacts.stat(rerankerPath("town", 2)));
    const manifest = await json<RerankerManifest>(
      stores.artifacts.get(rerankerManifestPath("town", 2)),
    );
    assert.equal(manifest.training.feedbackQueries, 1);
    const calibration = await json<ConfidenceCalibration>(
      stores.artifacts.get(calibrationPath("town", 2)),
    );
    assert.equal(calibration.feedbackSamples, 1); // its top hit, faq.a.2, was voted on
    assert.equal((await getIndex(stores.kv, "plain")).version, 1); // never retrained

    assert.deepEqual(await retrain(), []); // nothing new since version 2
    await logQuery(stores.kv, "town", "q2", { queryText: "zoo", resultIds: ["faq.a.8"], at });
    await feedback.record("town", "q2", [{ resultId: "faq.a.8", kind: "click" }], describe);
    assert.deepEqual(await retrain(), ["town"]);
    assert.deepEqual(
      [(await getIndex(stores.kv, "town")).version, served.at(-1)?.versions],
      [3, [2, 3]],
    );
  });
});

Deno.test("retrainDueIndexes: an index that fails is reported and the others still retrain", async () => {
  await withStores(async (stores) => {
    await votedIndex(stores, "a");
    await votedIndex(stores, "b");
    const errors: [string, string][] = [];
    const retrained = await retrainDueIndexes({
      stores,
      rebuild: (index) =>
        index === "a" ? Promise.reject(new Error("disk full")) : Promise.resolve(),
      onError: (err, index) => errors.push([index, (err as Error).message]),
    });
    assert.deepEqual(retrained, ["b"]);
    assert.deepEqual(errors, [["a", "disk full"]]);
  });
});

Deno.test("startRerankerRetraining: each tick checks once at a time; stop cancels and awaits", async () => {
  await withStores(async (stores) => {
    await votedIndex(stores, "town");

    let tick = () => {};
    let cancelled = false;
    const entered = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const rebuilt: string[] = [];
    const stop = startRerankerRetraining({
      stores,
      intervalMs: 1234,
      every: (fn, ms) => {
        assert.equal(ms, 1234);
        tick = fn;
        return () => void (cancelled = true);
      },
      rebuild: async (index) => {
        rebuilt.push(index);
        entered.resolve();
        await release.promise;
      },
    });
    tick();
    await entered.promise;
    tick(); // the first check is still running: skipped
    release.resolve();
    await stop();
    assert.equal(cancelled, true);
    assert.deepEqual(rebuilt, ["town"]);
    tick(); // after stop: nothing
    assert.deepEqual(rebuilt, ["town"]);
  });
});

Deno.test("startRerankerRetraining: with real timers, retrains and leaves no timer behind", async () => {
  await withStores(async (stores) => {
    await votedIndex(stores, "town");
    const retrained = Promise.withResolvers<string>();
    const stop = startRerankerRetraining({
      stores,
      intervalMs: 10,
      rebuild: (index) => Promise.resolve(retrained.resolve(index)),
    });
    assert.equal(await retrained.promise, "town");
    await stop(); // the test sanitizers fail on a timer left running
  });
});
