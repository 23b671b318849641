/**
 * Queries against a real store and snapshots built by the control plane: the caller's city as
 * a default filter, result-type filters, pagination with and without feedback, a new index
 * version picked up after `invalidate`, and `shorten`'s cuts worked out by hand.
 */
import assert from "node:assert/strict";
import type { QueryResponse } from "@edgeml/shared/contracts/search";
import type { TenantStores } from "@edgeml/shared/store";
import { putDocument, putFaq } from "../control/stored_sources.ts";
import { withStores } from "@edgeml/shared/testing";
import { createFeedbackPriors } from "./feedback.ts";
import { createIndexRecord } from "./index_catalog.ts";
import { createQueryService, shorten } from "./query_service.ts";

type Request = Parameters<ReturnType<typeof createQueryService>["query"]>[1];
const request = (queryText: string, extra: Partial<Request> = {}): Request => ({
  queryText,
  pageSize: 10,
  pageNumber: 1,
  ...extra,
});
const ids = (r: QueryResponse) => r.resultItems.map((i) => i.id);
const cityOf = (item: QueryResponse["resultItems"][number]) =>
  (item.documentAttributes.find((a) => a.key === "city")?.value as { stringValue?: string })
    ?.stringValue;

const POOLS = `_question,_answer,city,audience
When is the pool open?,The Springfield pool opens at 7:00.,Springfield,adults
When is the pool open?,The Riverton pool opens at 9:00.,Riverton,adults
When is the pool open?,The Shelbyville pool opens at 8:00.,Shelbyville,children
Is the pool heated?,The Riverton pool is heated in winter.,Riverton,children
`;

async function townIndex(stores: TenantStores) {
  await createIndexRecord(stores.kv, { name: "town", attributeSchema: { audience: "STRING" } });
  await putFaq(stores, "town", "pools", POOLS, "CSV_WITH_HEADER");
  await putDocument(
    stores,
    "town",
    "leisure",
    new TextEncoder().encode(
      "# Leisure\nThe pool has a sauna. Swimming lessons at the pool start in May.",
    ),
    "PLAIN_TEXT",
    { city: "Riverton" },
  );
}

Deno.test("query: the caller's city filters only when the request's filter names no city", async () => {
  await withStores(async (stores) => {
    await townIndex(stores);
    const service = createQueryService({ stores, priors: createFeedbackPriors(stores.kv) });
    const riverton = { location: { city: "Riverton" } };

    const all = await service.query(
      "town",
      request("pool", { queryResultTypeFilter: "QUESTION_ANSWER" }),
    );
    assert.equal(all.totalNumberOfResults, 4);

    const local = await service.query(
      "town",
      request("pool", { queryResultTypeFilter: "QUESTION_ANSWER", userContext: riverton }),
    );
    assert.equal(local.totalNumberOfResults, 2);
    assert.deepEqual(local.resultItems.map(cityOf), ["Riverton", "Riverton"]);

    // a filter on another attribute is combined with the caller's city
    const children = await service.query(
      "town",
      request("pool", {
        queryResultTypeFilter: "QUESTION_ANSWER",
        userContext: riverton,
        attributeFilter: { equalsTo: { key: "audience", value: { stringValue: "children" } } },
      }),
    );
    assert.deepEqual(ids(children), ["faq.pools.3"]);

    // a filter naming a city, at any depth, replaces the caller's city
    const springfield = await service.query(
      "town",
      request("pool", {
        queryResultTypeFilter: "QUESTION_ANSWER",
        userContext: riverton,
        attributeFilter: { equalsTo: { key: "city", value: { stringValue: "Springfield" } } },
      }),
    );
    assert.deepEqual(springfield.resultItems.map(cityOf), ["Springfield"]);
    const notSpringfield = await service.query(
      "town",
      request("pool", {
        queryResultTypeFilter: "QUESTION_ANSWER",
        userContext: riverton,
        attributeFilter: {
          andAllFilters: [{
            notFilter: { equalsTo: { key: "city", value: { stringValue: "Springfield" } } },
          }],
        },
      }),
    );
    assert.deepEqual(notSpringfield.resultItems.map(cityOf).toSorted(), [
      "Riverton",
      "Riverton",
      "Shelbyville",
    ]);
  });
});

Deno.test("query: queryResultTypeFilter keeps FAQ or document results only", async () => {
  await withStores(async (stores) => {
    await townIndex(stores);
    const service = createQueryService({ stores, priors: createFeedbackPriors(stores.kv) });
    const qa = await service.query(
      "town",
      request("pool", { queryResultTypeFilter: "QUESTION_ANSWER" }),
    );
    assert.equal(qa.resultItems.length, 4);
    assert.ok(qa.resultItems.every((i) => i.type === "QUESTION_ANSWER"));
    const docs = await service.query(
      "town",
      request("pool", { queryResultTypeFilter: "DOCUMENT" }),
    );
    assert.deepEqual(docs.resultItems.map((i) => [i.type, i.id]), [["DOCUMENT", "doc.leisure.0"]]);
    const mixed = await service.query("town", request("swimming lessons"));
    assert.deepEqual(
      new Set(mixed.resultItems.map((i) => i.type)),
      new Set(["ANSWER", "DOCUMENT"]),
    );
  });
});

Deno.test({
  // Kendra's QueryResultTypeFilter returns only results of the named type.
  name: "query: queryResultTypeFilter ANSWER returns ANSWER items only",
  async fn() {
    await withStores(async (stores) => {
      await townIndex(stores);
      const service = createQueryService({ stores, priors: createFeedbackPriors(stores.kv) });
      const r = await service.query(
        "town",
        request("swimming lessons", { queryResultTypeFilter: "ANSWER" }),
      );
      assert.ok(r.resultItems.length > 0);
      assert.deepEqual(r.resultItems.map((i) => i.type), r.resultItems.map(() => "ANSWER"));
    });
  },
});

/** 40 FAQ entries that score alike for "permit": the index orders them by position. */
async function permitsIndex(stores: TenantStores) {
  await createIndexRecord(stores.kv, { name: "permits", attributeSchema: {} });
  const rows = Array.from(
    { length: 40 },
    (_, n) => `Permit number ${n}?,Form ${n} is the one for this permit.`,
  );
  await putFaq(stores, "permits", "forms", rows.join("\n"), "CSV");
}

async function pages(
  service: ReturnType<typeof createQueryService>,
  count: number,
  pageSize: number,
) {
  const out: string[][] = [];
  for (let pageNumber = 1; pageNumber <= count; pageNumber++) {
    out.push(ids(await service.query("permits", request("permit", { pageSize, pageNumber }))));
  }
  return out;
}

Deno.test("query: pages continue one another without overlap, with and without feedback", async () => {
  await withStores(async (stores) => {
    await permitsIndex(stores);
    const priors = createFeedbackPriors(stores.kv);
    const service = createQueryService({ stores, priors });
    const whole = await service.query("permits", request("permit", { pageSize: 40 }));
    assert.equal(whole.totalNumberOfResults, 40);
    assert.equal(new Set(ids(whole)).size, 40);
    const plain = await pages(service, 4, 10);
    assert.ok(plain.every((p) => p.length === 10));
    assert.deepEqual(plain.flat(), ids(whole));

    // a NOT_RELEVANT vote on the first result sends it down; pages still tile the ranking
    const first = await service.query("permits", request("permit", { pageSize: 10 }));
    const voted = first.resultItems[0].id;
    await priors.record(
      "permits",
      first.queryId,
      [{ resultId: voted, kind: "NOT_RELEVANT" }],
      () => undefined,
    );
    const ranked = ids(await service.query("permits", request("permit", { pageSize: 30 })));
    assert.notEqual(ranked[0], voted);
    const withFeedback = await pages(service, 3, 10);
    assert.deepEqual(withFeedback.flat(), ranked);
    assert.equal(new Set(withFeedback.flat()).size, 30);
    assert.ok(!withFeedback[0].includes(voted));
  });
});

Deno.test({
  // With feedback, every page is cut from one ranking: the first 30 hits re-ranked by their
  // prior, the rest in the index's order.
  name: "query: pages past the 30 re-ranked candidates continue the earlier ones",
  async fn() {
    await withStores(async (stores) => {
      await permitsIndex(stores);
      const priors = createFeedbackPriors(stores.kv);
      const service = createQueryService({ stores, priors });
      const last = await service.query(
        "permits",
        request("permit", { pageSize: 10, pageNumber: 4 }),
      );
      const lifted = last.resultItems.at(-1)!.id;
      await priors.record(
        "permits",
        last.queryId,
        [{ resultId: lifted, kind: "RELEVANT" }],
        () => undefined,
      );
      const all = (await pages(service, 4, 10)).flat();
      assert.equal(new Set(all).size, 40);
      assert.ok(all.includes(lifted));
    });
  },
});

Deno.test("query: a new index version is served after invalidate", async () => {
  await withStores(async (stores) => {
    await createIndexRecord(stores.kv, { name: "town", attributeSchema: {} });
    const service = createQueryService({
      stores,
      priors: createFeedbackPriors(stores.kv),
      recordTtlMs: 60_000,
    });
    const empty = await service.query("town", request("dog"));
    assert.deepEqual([empty.totalNumberOfResults, empty.resultItems], [0, []]);

    await putFaq(stores, "town", "pets", "Where do I register a dog?,At the animal office.", "CSV");
    // the record read before the build is trusted for its TTL
    assert.equal((await service.query("town", request("dog"))).totalNumberOfResults, 0);
    service.invalidate("town");
    assert.deepEqual(ids(await service.query("town", request("dog"))), ["faq.pets.0"]);

    await putFaq(stores, "town", "pets", "How much is a dog tag?,15 dollars a year.", "CSV");
    service.invalidate("town");
    const v2 = await service.query("town", request("dog"));
    assert.equal((await service.current("town")).record.version, 2);
    assert.equal(v2.resultItems[0].questionText!.text, "How much is a dog tag?");
  });
});

Deno.test("shorten: at most max characters, cut after a sentence or at a word with an ellipsis", () => {
  assert.equal(shorten("Short.", 20), "Short.");
  assert.equal(shorten("  a  b\n c ", 20), "a b c");
  // the last sentence end past half of the limit
  assert.equal(
    shorten("The pool opens at seven. It closes at nine in the evening every day.", 40),
    "The pool opens at seven.",
  );
  // no sentence end: the last whole word, then an ellipsis
  assert.equal(shorten("Alpha beta gamma delta epsilon", 20), "Alpha beta gamma…");
  // a sentence end before half of the limit is not used
  assert.equal(shorten("Hi. there is a long sentence here", 20), "Hi. there is a…");
  // one word longer than the limit is cut inside it
  assert.equal(shorten("x".repeat(50), 10), "xxxxxxxxx…");
  for (const max of [10, 25, 61, 320]) {
    const text = "Lorem ipsum dolor sit amet. ".repeat(20);
    assert.ok(shorten(text, max).length <= max, `max ${max}`);
  }
});
