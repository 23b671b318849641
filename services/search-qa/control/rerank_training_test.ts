/**
 * The re-ranker trained on a synthetic FAQ set built here: questions about services × aspects,
 * answers that name other services too (so BM25F's answer field misleads), and held-out
 * pseudo-queries drawn with another seed; then the exported ONNX against the tfjs model.
 */
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { mulberry32 } from "@edgeml/shared/onnx";
import { createAnalyzer } from "../domain/analyzer.ts";
import type { IndexedItem } from "../domain/index_data.ts";
import { featureRows } from "../domain/rerank.ts";
import { RERANK_FEATURES } from "../domain/rerank_features.ts";
import { parseRerankerManifest } from "../domain/reranker_manifest.ts";
import { buildIndex } from "../domain/search_index.ts";
import { pseudoQueries } from "./rerank/pseudo_queries.ts";
import { trainingGroups } from "./rerank/training_data.ts";
import type { FeedbackQuery } from "./rerank/feedback_queries.ts";
import { feedbackWeight, precisionAt1, trainIndexReranker } from "./rerank_training.ts";

const SERVICES = [
  "library",
  "swimming pool",
  "recycling centre",
  "parking permit",
  "dog licence",
  "bulky waste collection",
  "marriage registration",
  "council tax",
  "school admission",
  "building permit",
];
const ASPECTS = [
  "When is the {s} open",
  "How much does the {s} cost",
  "Where can I find the {s} office",
  "Who do I contact about the {s}",
];

function syntheticFaqs(): IndexedItem[] {
  const random = mulberry32(42);
  const other = (s: string) => {
    const rest = SERVICES.filter((x) => x !== s);
    return rest[Math.floor(random() * rest.length)];
  };
  return SERVICES.flatMap((s, i) =>
    ASPECTS.map((a, j) => ({
      id: `faq.${i}.${j}`,
      kind: "FAQ" as const,
      fields: {
        question: a.replace("{s}", s) + "?",
        answer: `Unlike the ${other(s)} and the ${other(s)}, the ${s} is run by the city. ` +
          `Opening times, cost, office and contact for the ${other(s)} are listed separately.`,
      },
      attributes: {},
    }))
  );
}

Deno.test("the trained re-ranker puts the true FAQ first for held-out pseudo-queries more often than BM25F", async () => {
  const items = syntheticFaqs();
  const index = buildIndex(items);
  const trained = await trainIndexReranker(index, items, { index: "town", version: 3, seed: 1 });
  assert.ok(trained);
  try {
    const groups = trainingGroups(index, createAnalyzer(), pseudoQueries(items, { seed: 99 }));
    const model = precisionAt1(groups, (g) => trained.ranker.predict(g.features, g.rows));
    const bm25f = precisionAt1(groups, (g) => g.labels.map((_, i) => -i));
    assert.ok(groups.length > 100, `${groups.length} held-out queries`);
    assert.ok(model > bm25f + 0.05, `re-ranked ${model} vs BM25F ${bm25f}`);
    const manifest = parseRerankerManifest(
      new TextEncoder().encode(JSON.stringify(trained.manifest)),
    );
    assert.equal(manifest?.model, "search-town-reranker");
    assert.equal(manifest?.version, 3);
  } finally {
    trained.ranker.dispose();
  }
});

Deno.test("the exported ONNX scores as the tfjs model does (onnxruntime, 1e-5)", async () => {
  const items = syntheticFaqs();
  const index = buildIndex(items);
  const trained = await trainIndexReranker(index, items, { index: "town", version: 1 });
  assert.ok(trained);
  const session = await ort.InferenceSession.create(trained.onnx);
  try {
    const analyzer = createAnalyzer();
    const width = RERANK_FEATURES.length;
    for (const text of ["library open", "cost of a dog licence", "parking office contact"]) {
      const { hits } = index.search({ text, limit: 30 });
      const x = featureRows(hits, {
        analyzer,
        item: index.item,
        queryText: text,
        prior: () => 1.5,
      });
      const out = await session.run({
        features: new ort.Tensor("float32", x, [hits.length, width]),
      });
      assert.deepEqual(out.score.dims, [hits.length, 1]);
      const expected = trained.ranker.predict(x, hits.length);
      const actual = out.score.data as Float32Array;
      for (let i = 0; i < hits.length; i++) {
        assert.ok(
          Math.abs(actual[i] - expected[i]) <= 1e-5,
          `${text}[${i}]: ${actual[i]} vs ${expected[i]}`,
        );
      }
    }
  } finally {
    await session.release();
    trained.ranker.dispose();
  }
});

Deno.test("feedbackWeight: feedback queries together weigh a quarter of the pseudo-queries, 1 to 20 each", () => {
  assert.equal(feedbackWeight(640, 0), 1);
  assert.equal(feedbackWeight(640, 3), 20); // 53.3, capped: a handful of votes still matter
  assert.equal(feedbackWeight(640, 40), 4); // 40 × 4 = 160 = 640 / 4
  assert.equal(feedbackWeight(640, 400), 1); // many real queries: as much as a pseudo-query each
});

Deno.test("trainIndexReranker: a handful of voted real queries train too and carry over to similar ones", async () => {
  const items = syntheticFaqs();
  const index = buildIndex(items);
  const analyzer = createAnalyzer();
  const query = (text: string, relevant: string[], notRelevant: string[] = []): FeedbackQuery => ({
    text,
    relevant,
    notRelevant,
    at: "2025-01-01T00:00:00.000Z",
  });
  // Residents' wording, not the FAQs': "price" for "cost", "address" for "office", …
  const real = SERVICES.flatMap((s, i) =>
    ["opening times", "price", "address", "phone number"].map((a, j) =>
      query(`${s} ${a}`, [`faq.${i}.${j}`])
    )
  );
  const bm25fWrong = trainingGroups(index, analyzer, real, 20).filter((g) => g.labels[0] === 0);
  const voted = real.filter((q) => bm25fWrong.slice(0, 5).some((g) => g.text === q.text));
  const feedback = [
    ...voted,
    query("pool contact", [], ["faq.1.3"]), // only a negative: nothing to rank first
    query("library opening hours", ["faq.not-indexed"]), // no candidate is relevant
  ];
  const plain = await trainIndexReranker(index, items, { index: "town", version: 1 });
  const trained = await trainIndexReranker(index, items, { index: "town", version: 1, feedback });
  assert.ok(plain && trained);
  try {
    const pseudo = plain.manifest.training.queries;
    assert.deepEqual(
      [plain.manifest.training.feedbackQueries, plain.manifest.training.feedbackWeight],
      [0, 1],
    );
    const { training } = trained.manifest;
    assert.equal(training.feedbackQueries, 5);
    assert.equal(training.feedbackWeight, feedbackWeight(pseudo, 5));
    assert.equal(training.queries, pseudo + 5);
    // Measured on the real queries nobody voted on.
    const others = trainingGroups(
      index,
      analyzer,
      real.filter((q) => !voted.includes(q)),
      20,
    );
    const before = precisionAt1(others, (g) => plain.ranker.predict(g.features, g.rows));
    const after = precisionAt1(others, (g) => trained.ranker.predict(g.features, g.rows));
    assert.ok(others.length >= 30, `${others.length} unvoted real queries`);
    assert.ok(after > before + 0.05, `with feedback ${after} vs without ${before}`);
  } finally {
    plain.ranker.dispose();
    trained.ranker.dispose();
  }
});
