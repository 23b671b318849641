/**
 * The query path with a re-ranker: an index version built by the control plane carries one,
 * the query service sends the first candidates' features to the workers once and orders by the
 * returned scores, and keeps BM25F order when the workers fail.
 */
import assert from "node:assert/strict";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { putFaq } from "../control/stored_sources.ts";
import { withStores } from "../testing/temp_stores.ts";
import { createFeedbackPriors } from "./feedback.ts";
import { createIndexRecord, rerankerManifestPath, rerankerPath } from "./index_catalog.ts";
import { createQueryService } from "./query_service.ts";
import { RERANK_FEATURES } from "./rerank_features.ts";

const SERVICES = ["pool", "library", "museum", "park", "zoo", "market"];
const FAQS = "_question,_answer\n" + SERVICES.flatMap((s) => [
  `When is the ${s} open?,The ${s} opens at nine every day.`,
  `How much does the ${s} cost?,Entry to the ${s} is free for residents.`,
]).join("\n");

type Call = { model: string; shape: number[]; version?: string };

/** Workers whose re-ranker scores each row by 1 − its normalised BM25F: the reverse order. */
function reversingWorkers(calls: Call[], fail = false): OipClient {
  return {
    inferBinary(model, inputs, options) {
      calls.push({ model, shape: inputs[0].shape, version: options?.version });
      if (fail) return Promise.reject(new Error("model not loaded"));
      const [rows, width] = inputs[0].shape;
      const x = inputs[0].data as Float32Array;
      const data = Float32Array.from({ length: rows }, (_, i) => 1 - x[i * width] + i * 1e-3);
      return Promise.resolve({
        response: { model_name: model, outputs: [] },
        outputs: { score: { shape: [rows, 1], datatype: "FP32", data } },
      });
    },
  } as Partial<OipClient> as OipClient;
}

Deno.test("query: the version's re-ranker orders the candidates; a failing worker leaves BM25F order", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    await putFaq(stores, "town", "services", FAQS, "CSV_WITH_HEADER");
    assert.ok(await stores.artifacts.stat(rerankerPath("town", 1)));
    assert.ok(await stores.artifacts.stat(rerankerManifestPath("town", 1)));
    const priors = createFeedbackPriors(stores.kv);
    const request = { queryText: "when is the pool open", pageSize: 5, pageNumber: 1 };
    const ids = (r: { resultItems: { id: string }[] }) =>
      r.resultItems.map((i) => i.id.split(".").slice(1).join("."));

    const plain = ids(await createQueryService({ stores, priors }).query("town", request));
    const calls: Call[] = [];
    const reranked = createQueryService({ stores, priors, workers: reversingWorkers(calls) });
    const got = ids(await reranked.query("town", request));
    assert.equal(calls.length, 1);
    assert.equal(calls[0].model, "search-town-reranker");
    assert.equal(calls[0].version, "1");
    assert.equal(calls[0].shape[1], RERANK_FEATURES.length);
    assert.notEqual(got[0], plain[0]); // BM25F's best is now last of the candidates

    const failing: Call[] = [];
    const fallback = createQueryService({
      stores,
      priors,
      workers: reversingWorkers(failing, true),
    });
    assert.deepEqual(ids(await fallback.query("town", request)), plain);
    // backing off: the failed version is not asked again at once
    assert.deepEqual(ids(await fallback.query("town", request)), plain);
    assert.equal(failing.length, 1);
  });
});
