import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { type AttributeFilter, compileFilter } from "./attribute_filter.ts";
import { buildIndex, type IndexedItem, loadSnapshot } from "./search_index.ts";

const items: IndexedItem[] = [
  {
    id: "a",
    kind: "PASSAGE",
    fields: { title: "Library hours", body: "The library opens at nine." },
    attributes: { city: "Springfield", tags: ["library", "hours"], updated: "2024-03-01" },
  },
  {
    id: "b",
    kind: "PASSAGE",
    fields: { body: "Parks open at dawn and parks close at dusk." },
    attributes: { city: "Shelbyville", tags: ["parks"], updated: "2023-06-01" },
  },
  {
    id: "c",
    kind: "FAQ",
    fields: { question: "Is the pool open?", answer: "Yes, daily." },
    attributes: { city: "Springfield", tags: ["pool"], views: 7 },
  },
];
const options = {
  fieldWeights: { title: 2, body: 1, question: 3 },
  fieldB: { title: 0, body: 0.75, question: 0.5 },
  k1: 1.2,
  synonyms: "swimming, pool",
};
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-6 * expected, `${actual} vs ${expected}`);

Deno.test("BM25F scores of a three-item corpus, worked by hand", () => {
  const result = buildIndex(items, options).search({ text: "open library" });
  // N = 3; idf(open) = ln(1 + 0.5/3.5) = ln(8/7) (df 3), idf(librari) = ln(1 + 2.5/1.5) = ln(8/3).
  // avgl: title 2 (only a), body (3 + 6)/2 = 4.5, question 2 (only c).
  // a: B_title = 1 (b = 0), B_body = 0.25 + 0.75·3/4.5 = 0.75;
  //    t̃f(open) = 1/0.75 = 4/3, t̃f(librari) = 2·1/1 + 1/0.75 = 10/3
  // b: B_body = 0.25 + 0.75·6/4.5 = 1.25, t̃f(open) = 0.8
  // c: B_question = 1, t̃f(open) = 3·1 = 3
  const sat = (tf: number) => tf / (1.2 + tf);
  const [open, library] = [Math.log(8 / 7), Math.log(8 / 3)];
  assert.equal(result.total, 3);
  assert.deepEqual(result.hits.map((h) => h.id), ["a", "c", "b"]);
  close(result.hits[0].score, open * sat(4 / 3) + library * sat(10 / 3));
  close(result.hits[1].score, open * sat(3));
  close(result.hits[2].score, open * sat(0.8));
  // per-field BM25 of a's title alone: librari tf 1, l = 2, b = 0 → ln(8/3) · 1/(1 + 1.2)
  close(result.hits[0].fieldScores.title!, library / 2.2);
  assert.deepEqual(result.hits[0].highlights, {
    title: [{ start: 0, end: 7 }],
    body: [{ start: 4, end: 11 }, { start: 12, end: 17 }],
  });
  assert.deepEqual(result.hits[1].highlights, { question: [{ start: 12, end: 16 }] });
});

Deno.test("stemming, synonyms as one term, kinds, paging and the stored item", () => {
  const index = buildIndex(items, options);
  assert.deepEqual(index.search({ text: "opening" }).hits.map((h) => h.id), ["c", "a", "b"]);
  const swimming = index.search({ text: "swimming" });
  assert.deepEqual(swimming.hits.map((h) => h.id), ["c"]);
  assert.deepEqual(swimming.unknownTerms, []);
  // the group {swim, pool} has df = max(0, 1) = 1 and t̃f = 3 (pool in the question)
  close(swimming.hits[0].score, Math.log(1 + 2.5 / 1.5) * 3 / 4.2);
  assert.deepEqual(index.search({ text: "open", kinds: ["FAQ"] }).hits.map((h) => h.id), ["c"]);
  const page = index.search({ text: "open", limit: 1, offset: 1 });
  assert.equal(page.total, 3);
  assert.deepEqual(page.hits.map((h) => h.id), ["a"]);
  assert.deepEqual(index.item("b"), items[1]);
  assert.equal(index.item("zzz"), undefined);
  assert.deepEqual(index.search({ text: "the and" }), {
    total: 0,
    hits: [],
    facets: [],
    unknownTerms: [],
    suggestions: {},
    denseHits: [],
  });
});

Deno.test("filters and facets apply to every match, not only the page", () => {
  const index = buildIndex(items, options);
  const filter: AttributeFilter = {
    andAllFilters: [
      { equalsTo: { key: "city", value: { stringValue: "Springfield" } } },
      { notFilter: { lessThan: { key: "updated", value: { dateValue: "2024-01-01" } } } },
    ],
  };
  const result = index.search({ text: "open", filter, facets: ["tags", "city"], limit: 1 });
  assert.equal(result.total, 2);
  assert.deepEqual(result.hits.map((h) => h.id), ["c"]);
  assert.deepEqual(result.facets, [
    {
      key: "tags",
      values: [{ value: "hours", count: 1 }, { value: "library", count: 1 }, {
        value: "pool",
        count: 1,
      }],
    },
    { key: "city", values: [{ value: "Springfield", count: 2 }] },
  ]);
  const updated = index.search({ text: "open", facets: ["updated"] }).facets[0];
  assert.deepEqual(updated.values.map((v) => v.value), [
    "2023-06-01T00:00:00.000Z",
    "2024-03-01T00:00:00.000Z",
  ]);
});

Deno.test("an unknown attribute is a 422 naming it; a too-deep filter is invalid", () => {
  const index = buildIndex(items, { filterLimits: { maxDepth: 1 } });
  const check = (run: () => unknown, code: string) =>
    assert.throws(run, (e: unknown) => e instanceof DomainError && e.code === code);
  check(
    () =>
      index.search({
        text: "x",
        filter: { equalsTo: { key: "zip", value: { stringValue: "1" } } },
      }),
    "unknown_attribute",
  );
  check(() => index.search({ text: "x", facets: ["zip"] }), "unknown_attribute");
  const deep = {
    notFilter: { notFilter: { equalsTo: { key: "city", value: { stringValue: "x" } } } },
  };
  check(() => index.search({ text: "x", filter: deep }), "filter_too_deep");
});

Deno.test("unknown words get the nearest indexed word as a suggestion", () => {
  const result = buildIndex(items, options).search({ text: "libary hours qqqqqq" });
  assert.deepEqual(result.unknownTerms, ["libary", "qqqqqq"]);
  assert.deepEqual(result.suggestions, { libary: "library" });
  assert.deepEqual(result.hits.map((h) => h.id), ["a"]);
});

function corpus(size: number): IndexedItem[] {
  const words = "city park library pool open hours parking permit tax waste recycling bus".split(
    " ",
  );
  const pick = (i: number, k: number) => words[(i * 7 + k * 13) % words.length];
  return Array.from({ length: size }, (_, i) => ({
    id: `doc-${i}`,
    kind: i % 4 === 0 ? "FAQ" : "PASSAGE",
    fields: i % 4 === 0
      ? {
        question: `${pick(i, 1)} ${pick(i, 2)}?`,
        answer: `${pick(i, 3)} ${pick(i, 4)} ${pick(i, 1)}`,
      }
      : {
        title: pick(i, 5),
        headings: pick(i, 6),
        body: Array.from({ length: 5 + i % 9 }, (_, k) => pick(i, k)).join(" "),
      },
    attributes: { city: ["A", "B", "C"][i % 3], tags: [pick(i, 2), pick(i, 7)], n: i % 11 },
  }));
}

Deno.test("filtered search equals brute-force filtering; a snapshot gives identical results", () => {
  const items = corpus(400);
  const index = buildIndex(items);
  const copy = loadSnapshot(index.toSnapshot());
  const filters: (AttributeFilter | undefined)[] = [
    undefined,
    { equalsTo: { key: "city", value: { stringValue: "B" } } },
    {
      orAllFilters: [
        { containsAny: { key: "tags", value: { stringListValue: ["pool", "tax"] } } },
        { andAllFilters: [{ greaterThan: { key: "n", value: { longValue: 8 } } }] },
      ],
    },
  ];
  for (const text of ["library hours", "open pool permit", "recycling"]) {
    const all = index.search({ text, limit: items.length });
    for (const filter of filters) {
      const request = { text, filter, facets: ["city", "tags"], limit: 7, offset: 2 };
      const result = index.search(request);
      const passes = filter ? compileFilter(filter) : () => true;
      const expected = all.hits.filter((h) => passes(index.item(h.id)!.attributes));
      assert.equal(result.total, expected.length);
      assert.deepEqual(result.hits, expected.slice(2, 9));
      assert.deepEqual(copy.search(request), result);
    }
  }
});

Deno.test("dense: the nearest items among those the kinds and filter allow, matched or not", () => {
  const items: IndexedItem[] = [
    { id: "q1", kind: "FAQ", fields: { question: "library hours" }, attributes: { city: "A" } },
    { id: "q2", kind: "FAQ", fields: { question: "pool prices" }, attributes: { city: "B" } },
    { id: "p1", kind: "PASSAGE", fields: { body: "library rules" }, attributes: { city: "A" } },
  ];
  const index = buildIndex(items, { attributeSchema: { city: "STRING" } });
  // Rows in another order than the index's items: alignVectors places them by id; q2 has none.
  const vectors = index.alignVectors({
    ids: ["p1", "q1", "gone"],
    dimension: 2,
    data: Float32Array.of(0.6, 0.8, 1, 0, 0, 1),
    encoder: {
      model: "m",
      version: 1,
      inputs: [],
      output: "o",
      pooling: "mean",
      maxTokens: 8,
      dimension: 2,
    },
  });
  const dense = { vector: Float32Array.of(0, 1), vectors, limit: 5 };
  // No word of "zzz" is indexed: the lexical hits are empty, the dense ones are not.
  const found = index.search({ text: "zzz", dense, facets: ["city"] });
  assert.deepEqual(found.hits, []);
  // What the embedding found counts in the total and the facets.
  assert.equal(found.total, 3);
  assert.deepEqual(found.facets[0].values.map((v) => [v.value, v.count]), [["A", 2], ["B", 1]]);
  // An item both found counts once.
  assert.equal(index.search({ text: "library", dense }).total, 3);
  assert.equal(index.search({ text: "library" }).total, 2);
  assert.deepEqual(found.denseHits.map((h) => [h.id, Number(h.score.toFixed(2))]), [
    ["p1", 0.8],
    ["q1", 0],
    ["q2", 0],
  ]);
  assert.deepEqual(
    index.search({ text: "zzz", dense, kinds: ["FAQ"] }).denseHits.map((h) => h.id),
    [
      "q1",
      "q2",
    ],
  );
  const cityB = { equalsTo: { key: "city", value: { stringValue: "B" } } };
  assert.deepEqual(index.search({ text: "zzz", dense, filter: cityB }).denseHits.map((h) => h.id), [
    "q2",
  ]);
  assert.deepEqual(
    index.search({ text: "library", dense: { ...dense, limit: 1 } }).denseHits.map((h) => h.id),
    ["p1"],
  );
  assert.throws(
    () => index.search({ text: "x", dense: { ...dense, vector: Float32Array.of(1) } }),
    RangeError,
  );
});
