/**
 * Suggestions against a real store: FAQ questions starting with the prefix, then logged
 * queries by frequency, then questions with a word starting with it; no case-insensitive
 * duplicates, at most `size`. Each test uses its own index name: questions are cached per
 * (tenant, index, version) for the process.
 */
import assert from "node:assert/strict";
import { putFaq } from "../control/stored_sources.ts";
import { withStores } from "@edgeml/shared/testing";
import { createFeedbackPriors, logQuery } from "./feedback.ts";
import { createIndexRecord } from "./index_catalog.ts";
import { suggest } from "./suggestions.ts";

const FAQ = `When is the pool open?,From 7 to 21.
When is the library open?,From 9 to 17.
Where do I register a dog?,At the animal office.
Is the pool heated?,Yes.
Pool rules for children,Children under 8 swim with an adult.
`;

Deno.test("suggest: questions starting with the prefix, then logged queries, then word starts", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "suggest-order", attributeSchema: {} });
    await putFaq(stores, "suggest-order", "basic", FAQ, "CSV");
    const logged = [
      "pool hours",
      "pool rules for children", // a question already, in other case: not repeated
      "pool party",
      "pool hours",
      "pool rules for children",
      "pool hours",
      "library card", // another prefix
    ];
    for (const [n, queryText] of logged.entries()) {
      await logQuery(stores.kv, "suggest-order", `q${n}`, { queryText, resultIds: [], at: "" });
    }
    const priors = createFeedbackPriors(stores.kv);
    assert.deepEqual(await suggest(stores, priors, "suggest-order", "Pool", 10), [
      "Pool rules for children",
      "pool hours",
      "pool party",
      "When is the pool open?",
      "Is the pool heated?",
    ]);
    assert.deepEqual(await suggest(stores, priors, "suggest-order", "pool", 3), [
      "Pool rules for children",
      "pool hours",
      "pool party",
    ]);
    assert.deepEqual(await suggest(stores, priors, "suggest-order", "WHEN  IS", 10), [
      "When is the pool open?",
      "When is the library open?",
    ]);
    assert.deepEqual(await suggest(stores, priors, "suggest-order", "lib", 10), [
      "library card",
      "When is the library open?",
    ]);
    assert.deepEqual(await suggest(stores, priors, "suggest-order", "zebra", 10), []);
  });
});

Deno.test("suggest: an index never built suggests logged queries; a rebuilt one its new questions", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "suggest-versions", attributeSchema: {} });
    const priors = createFeedbackPriors(stores.kv);
    await logQuery(stores.kv, "suggest-versions", "q1", {
      queryText: "dog licence",
      resultIds: [],
      at: "",
    });
    assert.deepEqual(await suggest(stores, priors, "suggest-versions", "do", 5), ["dog licence"]);

    await putFaq(stores, "suggest-versions", "pets", "Do cats need a licence?,No.", "CSV");
    assert.deepEqual(await suggest(stores, priors, "suggest-versions", "do", 5), [
      "Do cats need a licence?",
      "dog licence",
    ]);
    await putFaq(stores, "suggest-versions", "pets", "Dogs on the beach?,Not in summer.", "CSV");
    assert.deepEqual(await suggest(stores, priors, "suggest-versions", "do", 5), [
      "Dogs on the beach?",
      "dog licence",
    ]);
  });
});
