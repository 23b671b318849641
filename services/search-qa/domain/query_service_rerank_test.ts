/**
 * The query path with a re-ranker: an index version built by the control plane carries one,
 * the query service sends the first candidates' features to the worker pool once and orders by
 * the returned scores, and keeps BM25F order when the model is not served.
 */
import assert from "node:assert/strict";
import { startPoolServer } from "@edgeml/gpu-workers";
import { createInProcessClient } from "@edgeml/gpu-workers/client/in-process";
import { repositoryPublisher } from "@edgeml/gpu-workers/publisher";
import { createGraphBuilder, encodeModel } from "@edgeml/shared/onnx";
import { putFaq } from "../control/stored_sources.ts";
import { withStores } from "@edgeml/shared/testing";
import { createFeedbackPriors } from "./feedback.ts";
import { createIndexRecord, rerankerManifestPath, rerankerPath } from "./index_catalog.ts";
import { createQueryService } from "./query_service.ts";
import { RERANK_FEATURES } from "./rerank_features.ts";

const SERVICES = ["pool", "library", "museum", "park", "zoo", "market"];
const FAQS = "_question,_answer\n" + SERVICES.flatMap((s) => [
  `When is the ${s} open?,The ${s} opens at nine every day.`,
  `How much does the ${s} cost?,Entry to the ${s} is free for residents.`,
]).join("\n");

/** A real re-ranker graph that scores each row by 1 − its normalised BM25F: the reverse order. */
function reversingReranker(): Uint8Array {
  const b = createGraphBuilder("reverse");
  const x = b.input("features", "float32", ["batch", RERANK_FEATURES.length]);
  const w = b.initializer(
    "w",
    Float32Array.from(RERANK_FEATURES, (_, i) => (i === 0 ? -1 : 0)),
    [RERANK_FEATURES.length, 1],
  );
  const c = b.initializer("c", Float32Array.of(1), [1]);
  b.output(b.gemm(x, w, c, { name: "score" }), "score", "float32", ["batch", 1]);
  return encodeModel(b.build({ opset: 17 }));
}

Deno.test("query: the version's re-ranker orders the candidates; a failing worker leaves BM25F order", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, {
      name: "town",
      attributeSchema: {},
      learnedReranker: true,
    });
    await putFaq(stores, "town", "services", FAQS, "CSV_WITH_HEADER");
    assert.ok(await stores.artifacts.stat(rerankerPath("town", 1)));
    assert.ok(await stores.artifacts.stat(rerankerManifestPath("town", 1)));
    const priors = createFeedbackPriors(stores.kv);
    const request = { queryText: "when is the pool open", pageSize: 5, pageNumber: 1 };
    const ids = (r: { resultItems: { id: string }[] }) =>
      r.resultItems.map((i) => i.id.split(".").slice(1).join("."));

    const plain = ids(await createQueryService({ stores, priors }).query("town", request));
    // The version's re-ranker, replaced by one whose order is known, served by a real pool.
    await stores.artifacts.put(rerankerPath("town", 1), reversingReranker());
    const repository = await Deno.makeTempDir({ prefix: "search-rerank-" });
    const server = await startPoolServer({ repository, gpus: [] });
    try {
      const workers = createInProcessClient(server.pool);
      const publisher = repositoryPublisher({ repository, artifacts: stores.artifacts, workers });
      await publisher.serve("search-town-reranker", [{
        version: 1,
        artifact: rerankerPath("town", 1),
      }]);
      const reranked = createQueryService({ stores, priors, workers });
      const got = ids(await reranked.query("town", request));
      assert.notEqual(got[0], plain[0]); // BM25F's best is now last of the candidates
      assert.ok(!got.slice(0, 3).includes(plain[0]));

      // Without the model on the pool, the query still answers, in BM25F order.
      await publisher.serve("search-town-reranker", []);
      const fallback = createQueryService({ stores, priors, workers });
      assert.deepEqual(ids(await fallback.query("town", request)), plain);
      assert.deepEqual(ids(await fallback.query("town", request)), plain);
    } finally {
      await server.shutdown();
      await Deno.remove(repository, { recursive: true });
    }
  });
});
