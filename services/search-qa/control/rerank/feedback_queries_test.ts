/**
 * Logged queries with feedback as training queries: result ids mapped to items, NOT_RELEVANT
 * never relevant, newest-voted first and bounded, and the vote counter; from a real store too.
 */
import assert from "node:assert/strict";
import { withStores } from "@edgeml/shared/testing";
import { createFeedbackPriors, logQuery, type QueryVotes } from "../../domain/feedback.ts";
import { feedbackQueries, itemIdOf, readFeedback, voteCount } from "./feedback_queries.ts";

const votes = (clicks: number, relevant: number, notRelevant: number) => ({
  clicks,
  relevant,
  notRelevant,
  at: "2025-01-01T00:00:00.000Z",
});

Deno.test("feedbackQueries: clicked or RELEVANT items are relevant, NOT_RELEVANT ones never", () => {
  const voted: QueryVotes[] = [
    {
      query: "library hours",
      at: "2025-01-02T00:00:00.000Z",
      results: [
        { resultId: "answer:doc.lib.0", ...votes(0, 1, 0) },
        { resultId: "doc.lib.0", ...votes(1, 0, 0) }, // the same passage
        { resultId: "doc.pool.0", ...votes(3, 1, 1) }, // one NOT_RELEVANT outweighs all
        { resultId: "faq.hours.2", ...votes(1, 0, 0) },
      ],
    },
    {
      query: "dog licence",
      at: "2025-01-03T00:00:00.000Z",
      results: [{ resultId: "faq.dogs.1", ...votes(0, 0, 2) }],
    },
  ];
  assert.deepEqual(feedbackQueries(voted), [
    {
      text: "dog licence",
      relevant: [],
      notRelevant: ["faq.dogs.1"],
      at: "2025-01-03T00:00:00.000Z",
    },
    {
      text: "library hours",
      relevant: ["doc.lib.0", "faq.hours.2"],
      notRelevant: ["doc.pool.0"],
      at: "2025-01-02T00:00:00.000Z",
    },
  ]);
  assert.equal(voteCount(voted), 1 + 1 + 5 + 1 + 2);
  assert.equal(itemIdOf("answer:doc.a.3"), "doc.a.3");
  assert.equal(itemIdOf("faq.a.3"), "faq.a.3");
});

Deno.test("feedbackQueries: newest-voted first (ties by text), at most maxQueries", () => {
  const voted: QueryVotes[] = ["b", "a", "c", "d"].map((query, n) => ({
    query,
    at: `2025-01-0${n < 2 ? 1 : n}T00:00:00.000Z`,
    results: [{ resultId: `faq.${query}.0`, ...votes(1, 0, 0) }],
  }));
  assert.deepEqual(feedbackQueries(voted).map((q) => q.text), ["d", "c", "a", "b"]);
  assert.deepEqual(feedbackQueries(voted, { maxQueries: 2 }).map((q) => q.text), ["d", "c"]);
});

Deno.test("readFeedback: the index's voted queries and its counter, from the store", async () => {
  await withStores(async ({ kv }) => {
    const describe = () => ({ documentId: "d", type: "DOCUMENT" as const });
    const at = new Date().toISOString();
    const feedback = createFeedbackPriors(kv);
    assert.deepEqual(await readFeedback(kv, "town"), { queries: [], votes: 0 });
    await logQuery(kv, "town", "q1", { queryText: "Pool Hours", resultIds: ["a", "b"], at });
    await logQuery(kv, "town", "q2", { queryText: "not voted on", resultIds: ["a"], at });
    await feedback.record("town", "q1", [
      { resultId: "a", kind: "click" },
      { resultId: "a", kind: "RELEVANT" },
      { resultId: "b", kind: "NOT_RELEVANT" },
    ], describe);
    const read = await readFeedback(kv, "town");
    assert.deepEqual(
      read.queries.map(({ text, relevant, notRelevant }) => ({ text, relevant, notRelevant })),
      [{ text: "pool hours", relevant: ["a"], notRelevant: ["b"] }],
    );
    assert.equal(read.votes, 3);
  });
});
