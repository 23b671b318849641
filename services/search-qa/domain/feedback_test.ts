/**
 * Feedback against a real store: logged queries, votes turning into the documented prior
 * (clamp(1 + 0.15·pair + 0.05·result, 0.2, 3), evidence halving every 14 days), the flagged
 * list and logged-query prefixes, each expectation worked out by hand from that formula.
 */
import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { withStores } from "@edgeml/shared/testing";
import { createFeedbackPriors, listQueryVotes, logQuery, NO_PRIOR } from "./feedback.ts";

const DAY_MS = 24 * 3600 * 1000;
const near = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≠ ${expected}`);
const domainError = (code: string, kind: string) => (e: unknown) =>
  e instanceof DomainError && e.code === code && e.kind === kind;
const describe = (resultId: string) => ({
  documentId: resultId.split(".")[1],
  type: "DOCUMENT" as const,
});
const logged = (queryText: string, resultIds: string[]) => ({
  queryText,
  resultIds,
  at: new Date().toISOString(),
});

Deno.test("feedback: votes on an unknown query or on a result it did not show are 404s", async () => {
  await withStores(async ({ kv }) => {
    const feedback = createFeedbackPriors(kv);
    await assert.rejects(
      feedback.record("town", "nope", [{ resultId: "a", kind: "click" }], describe),
      domainError("query_not_found", "not_found"),
    );
    await logQuery(kv, "town", "q1", logged("library hours", ["doc.a.0"]));
    await assert.rejects(
      feedback.record(
        "town",
        "q1",
        [{ resultId: "doc.a.0", kind: "RELEVANT" }, { resultId: "doc.b.0", kind: "click" }],
        describe,
      ),
      domainError("result_not_found", "not_found"),
    );
    // the valid vote in the refused batch was not kept either
    assert.equal(await feedback.priors("town", "library hours"), NO_PRIOR);
  });
});

Deno.test("feedback: NOT_RELEVANT lowers a result, RELEVANT raises it, per pair and per result", async () => {
  await withStores(async ({ kv }) => {
    const feedback = createFeedbackPriors(kv);
    await logQuery(kv, "town", "q1", logged("Library  Hours", ["doc.a.0", "doc.b.0", "doc.c.0"]));
    await feedback.record("town", "q1", [
      { resultId: "doc.a.0", kind: "NOT_RELEVANT" },
      { resultId: "doc.b.0", kind: "RELEVANT" },
      { resultId: "doc.c.0", kind: "click" },
    ], describe);
    const prior = await feedback.priors("town", "library hours"); // same normalised query
    near(prior("doc.a.0"), 1 + 0.15 * -3 + 0.05 * -3); // 0.4
    near(prior("doc.b.0"), 1 + 0.15 * 2 + 0.05 * 2); // 1.4
    near(prior("doc.c.0"), 1 + 0.15 * 1 + 0.05 * 1); // 1.2
    assert.equal(prior("doc.z.0"), 1);
    // another query only sees the per-result evidence
    const other = await feedback.priors("town", "opening times");
    near(other("doc.a.0"), 1 + 0.05 * -3); // 0.85
    near(other("doc.b.0"), 1 + 0.05 * 2); // 1.1
    // another index is untouched
    assert.equal(await feedback.priors("other", "library hours"), NO_PRIOR);
  });
});

Deno.test("feedback: the prior is bounded to [0.2, 3]", async () => {
  await withStores(async ({ kv }) => {
    const feedback = createFeedbackPriors(kv);
    await logQuery(kv, "town", "q1", logged("pool", ["up", "down"]));
    await feedback.record("town", "q1", [
      ...Array.from({ length: 10 }, () => ({ resultId: "up", kind: "RELEVANT" as const })),
      ...Array.from({ length: 5 }, () => ({ resultId: "down", kind: "NOT_RELEVANT" as const })),
    ], describe);
    const prior = await feedback.priors("town", "pool");
    assert.equal(prior("up"), 3); // 1 + 0.15·20 + 0.05·20 = 5
    assert.equal(prior("down"), 0.2); // 1 − 0.15·15 − 0.05·15 = −2
  });
});

Deno.test("feedback: evidence halves every 14 days, and new votes add to the decayed evidence", async () => {
  await withStores(async ({ kv }) => {
    const vote = (resultId: string, evidence: number, ageDays: number) => ({
      queryKey: "pool",
      resultId,
      documentId: resultId,
      type: "DOCUMENT",
      clicks: 0,
      relevant: 0,
      notRelevant: 1,
      evidence,
      at: new Date(Date.now() - ageDays * DAY_MS).toISOString(),
      queries: ["pool"],
    });
    await kv.set(["search-qa", "votes", "town", "old", "pool"], vote("old", -3, 14));
    await kv.set(["search-qa", "votes", "town", "older", "pool"], vote("older", 4, 28));
    const feedback = createFeedbackPriors(kv);
    let prior = await feedback.priors("town", "pool");
    near(prior("old"), 1 + 0.15 * -1.5 + 0.05 * -1.5); // 0.7
    near(prior("older"), 1 + 0.15 * 1 + 0.05 * 1); // 1.2

    await logQuery(kv, "town", "q1", logged("pool", ["old"]));
    await feedback.record("town", "q1", [{ resultId: "old", kind: "RELEVANT" }], describe);
    prior = await feedback.priors("town", "pool");
    near(prior("old"), 1 + 0.15 * 0.5 + 0.05 * 0.5); // −1.5 + 2 = 0.5 → 1.1
  });
});

Deno.test("feedback: flagged lists results voted NOT_RELEVANT, most votes first, with their queries", async () => {
  await withStores(async ({ kv }) => {
    const feedback = createFeedbackPriors(kv);
    await logQuery(kv, "town", "q1", logged("pool hours", ["doc.a.0", "doc.b.0", "doc.c.0"]));
    await logQuery(kv, "town", "q2", logged("swimming", ["doc.a.0", "doc.b.0"]));
    await feedback.record("town", "q1", [
      { resultId: "doc.a.0", kind: "NOT_RELEVANT" },
      { resultId: "doc.a.0", kind: "RELEVANT" },
      { resultId: "doc.b.0", kind: "NOT_RELEVANT" },
      { resultId: "doc.c.0", kind: "RELEVANT" },
    ], describe);
    await feedback.record("town", "q2", [
      { resultId: "doc.b.0", kind: "NOT_RELEVANT" },
      { resultId: "doc.b.0", kind: "NOT_RELEVANT" },
    ], describe);
    const flagged = await feedback.flagged("town");
    assert.deepEqual(
      flagged.map((f) => [f.resultId, f.documentId, f.notRelevantVotes, f.relevantVotes]),
      [["doc.b.0", "b", 3, 0], ["doc.a.0", "a", 1, 1]],
    );
    assert.deepEqual(flagged[0].queries.toSorted(), ["pool hours", "swimming"]);
    assert.deepEqual(flagged[1].queries, ["pool hours"]);
    assert.equal(flagged[0].type, "DOCUMENT");
    assert.ok(Date.now() - Date.parse(flagged[0].lastVotedAt) < 60_000);
  });
});

Deno.test({
  // An editor sees every RELEVANT vote of a flagged result, under whichever query it was cast.
  name: "feedback: flagged counts every RELEVANT vote of a flagged result",
  async fn() {
    await withStores(async ({ kv }) => {
      const feedback = createFeedbackPriors(kv);
      await logQuery(kv, "town", "q1", logged("pool hours", ["doc.a.0"]));
      await logQuery(kv, "town", "q2", logged("swimming", ["doc.a.0"]));
      await feedback.record(
        "town",
        "q1",
        [{ resultId: "doc.a.0", kind: "NOT_RELEVANT" }],
        describe,
      );
      await feedback.record("town", "q2", [{ resultId: "doc.a.0", kind: "RELEVANT" }], describe);
      const [a] = await feedback.flagged("town");
      assert.equal(a.relevantVotes, 1);
    });
  },
});

Deno.test("feedback: logged queries by prefix, case- and space-insensitive, most frequent first", async () => {
  await withStores(async ({ kv }) => {
    const texts = [
      "library card",
      "Library hours",
      "pool hours",
      "Library hours",
      "libraries near me",
      "Library hours",
      "library card",
      "  old town library",
    ];
    for (const [n, text] of texts.entries()) {
      await logQuery(kv, "town", `q${n}`, logged(text, []));
    }
    await logQuery(kv, "other", "q0", logged("library elsewhere", []));
    const feedback = createFeedbackPriors(kv);
    assert.deepEqual(await feedback.loggedQueries("town", "LIB", 10), [
      "Library hours",
      "library card",
      "libraries near me",
    ]);
    assert.deepEqual(await feedback.loggedQueries("town", "library ", 10), [
      "Library hours",
      "library card",
    ]);
    assert.deepEqual(await feedback.loggedQueries("town", "lib", 2), [
      "Library hours",
      "library card",
    ]);
    assert.deepEqual(await feedback.loggedQueries("town", "old", 10), ["old town library"]);
    assert.deepEqual(await feedback.loggedQueries("town", "zoo", 10), []);
  });
});

Deno.test("feedback: listQueryVotes groups the votes per normalised query, from the store", async () => {
  await withStores(async ({ kv }) => {
    const feedback = createFeedbackPriors(kv);
    await logQuery(kv, "town", "q1", logged("Pool  Hours", ["doc.b.0", "answer:doc.a.0"]));
    await logQuery(kv, "town", "q2", logged("pool hours", ["doc.b.0"]));
    await logQuery(kv, "town", "q3", logged("dog licence", ["doc.c.0"]));
    await logQuery(kv, "other", "q1", logged("pool hours", ["doc.z.0"]));
    await feedback.record("town", "q1", [
      { resultId: "doc.b.0", kind: "click" },
      { resultId: "answer:doc.a.0", kind: "RELEVANT" },
    ], describe);
    await feedback.record("town", "q2", [{ resultId: "doc.b.0", kind: "NOT_RELEVANT" }], describe);
    await feedback.record("other", "q1", [{ resultId: "doc.z.0", kind: "click" }], describe);
    const voted = await listQueryVotes(kv, "town");
    assert.deepEqual(
      voted.map((q) => [
        q.query,
        q.results.map((r) => [r.resultId, r.clicks, r.relevant, r.notRelevant]),
      ]),
      [["pool hours", [["answer:doc.a.0", 0, 1, 0], ["doc.b.0", 1, 0, 1]]]],
    );
    assert.equal(voted[0].at, voted[0].results.map((r) => r.at).sort().at(-1));
    assert.deepEqual(await listQueryVotes(kv, "empty"), []);
  });
});
