import assert from "node:assert/strict";
import { createAnalyzer } from "./analyzer.ts";
import type { IndexedItem } from "./index_data.ts";
import {
  cosine,
  createFeatureExtractor,
  RERANK_FEATURES,
  trigrams,
  windowDensity,
} from "./rerank_features.ts";

const faq: IndexedItem = {
  id: "f1",
  kind: "FAQ",
  fields: { question: "When is the library open?", answer: "The library opens at nine." },
  attributes: {},
};
const feature = (name: typeof RERANK_FEATURES[number], row: number[]) =>
  row[RERANK_FEATURES.indexOf(name)];

Deno.test("trigrams: padded words joined by one space", () => {
  // " ab cd " → " ab", "ab ", "b c", " cd", "cd "
  assert.deepEqual([...trigrams("AB, cd").keys()], [" ab", "ab ", "b c", " cd", "cd "]);
});

Deno.test("cosine of trigram counts, worked by hand", () => {
  assert.equal(cosine(trigrams("flu shot"), trigrams("Flu  shot!")), 1);
  // "ab": {" ab", "ab "}; "ax": {" ax", "ax "}; no gram shared
  assert.equal(cosine(trigrams("ab"), trigrams("ax")), 0);
  // "abc": {" ab","abc","bc "}; "abd": {" ab","abd","bd "}: 1 / (√3 √3)
  assert.ok(Math.abs(cosine(trigrams("abc"), trigrams("abd")) - 1 / 3) < 1e-12);
});

Deno.test("windowDensity: distinct groups over the shortest window holding all of them", () => {
  assert.equal(windowDensity([]), 0);
  assert.equal(windowDensity([{ position: 4, group: 0 }]), 1);
  // groups 0 and 1 at 0, 5 and 7: the window 5..7 holds both, 2 / 3
  const m = [{ position: 0, group: 0 }, { position: 5, group: 0 }, { position: 7, group: 1 }];
  assert.equal(windowDensity(m), 2 / 3);
});

Deno.test("features of an FAQ, worked by hand", () => {
  const analyzer = createAnalyzer();
  const extract = createFeatureExtractor(analyzer, "library open hours");
  const row = extract(
    { score: 2, fieldScores: { question: 1.5, answer: 0.25 } },
    faq,
    { topScore: 4, prior: Math.E },
  );
  assert.equal(row.length, RERANK_FEATURES.length);
  assert.equal(feature("bm25f", row), 0.5);
  assert.equal(feature("bm25Question", row), 1.5);
  assert.equal(feature("bm25Answer", row), 0.25);
  assert.equal(feature("bm25Title", row), 0);
  // query groups: librari, open, hour; the question has librari and open
  assert.equal(feature("headCoverage", row), 2 / 3);
  // the answer's "opens" stems to "open" too; "hour" is nowhere
  assert.equal(feature("coverage", row), 2 / 3);
  // question terms: when, librari, open (is, the are stop words): 2 of 3 in the query
  assert.equal(feature("headCovered", row), 2 / 3);
  // "library open" adjacent in the question (positions 3, 4): 2 / 2
  assert.equal(feature("proximity", row), 1);
  assert.ok(Math.abs(feature("logPrior", row) - 1) < 1e-12);
  assert.equal(feature("isFaq", row), 1);
  assert.equal(feature("isPassage", row), 0);
});

Deno.test("trigram cosine forgives a misspelling that BM25 cannot match", () => {
  const analyzer = createAnalyzer();
  const context = { topScore: 1, prior: 1 };
  const hit = { score: 1, fieldScores: {} };
  const misspelt = createFeatureExtractor(analyzer, "when is the libary open")(hit, faq, context);
  const unrelated = createFeatureExtractor(analyzer, "how do I pay a parking fine")(
    hit,
    faq,
    context,
  );
  assert.ok(feature("trigramCosine", misspelt) > 0.7);
  assert.ok(feature("trigramCosine", unrelated) < 0.2);
});
