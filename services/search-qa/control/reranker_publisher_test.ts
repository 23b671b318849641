import assert from "node:assert/strict";
import type { ModelPublisher } from "@edgeml/gpu-workers/publisher";
import { createIndexRecord, rerankerPath } from "../domain/index_catalog.ts";
import { withStores } from "@edgeml/shared/testing";
import { createSearchControl } from "./mod.ts";

const FAQS = "_question,_answer\n" + ["pool", "library", "museum", "park", "zoo", "market"]
  .flatMap((s) => [
    `When is the ${s} open?,The ${s} opens at nine every day.`,
    `How much does the ${s} cost?,Entry to the ${s} is free for residents.`,
  ]).join("\n");

Deno.test("createSearchControl with a publisher serves the current and previous versions' re-rankers", async () => {
  await withStores(async (stores) => {
    const served: { name: string; versions: { version: number; artifact: string }[] }[] = [];
    const publisher: ModelPublisher = {
      serve: (name, versions) => Promise.resolve(void served.push({ name, versions })),
    };
    const control = createSearchControl(stores, { publisher });
    await createIndexRecord(stores.kv, {
      name: "town",
      attributeSchema: {},
      learnedReranker: true,
    });
    await control.putFaq("town", "a", FAQS, "CSV_WITH_HEADER");
    await control.putFaq("town", "a", FAQS, "CSV_WITH_HEADER");
    assert.deepEqual(served, [
      {
        name: "search-town-reranker",
        versions: [{ version: 1, artifact: rerankerPath("town", 1) }],
      },
      {
        name: "search-town-reranker",
        versions: [
          { version: 1, artifact: rerankerPath("town", 1) },
          { version: 2, artifact: rerankerPath("town", 2) },
        ],
      },
    ]);
  });
});
