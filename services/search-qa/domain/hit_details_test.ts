import assert from "node:assert/strict";
import { createAnalyzer } from "./analyzer.ts";
import { createHitDetails } from "./hit_details.ts";

Deno.test("highlights per field and per-field BM25, by hand", () => {
  const details = createHitDetails(
    createAnalyzer(),
    {
      k1: 1.2,
      fieldB: { title: 0, headings: 0, body: 0.75, question: 0, answer: 0 },
      averageFieldLength: [2, 0, 4, 0, 0],
    },
    [{ terms: ["open"], idf: 2 }, { terms: ["park", "garden"], idf: 1 }],
  );
  const item = {
    id: "x",
    kind: "PASSAGE" as const,
    fields: { title: "Gardens", body: "Parks are opened at dawn; parks close late." },
    attributes: {},
  };
  const { fieldScores, highlights } = details(item);
  assert.deepEqual(highlights, {
    title: [{ start: 0, end: 7 }],
    body: [{ start: 0, end: 5 }, { start: 10, end: 16 }, { start: 26, end: 31 }],
  });
  // title: l = 1, b = 0 → norm = k1 = 1.2; garden tf 1: 1 · 1/(1 + 1.2)
  assert.ok(Math.abs(fieldScores.title! - 1 / 2.2) < 1e-12);
  // body: tokens park open dawn park close late → l = 6, B = 0.25 + 0.75 · 6/4 = 1.375,
  // k1·B = 1.65; open: 2 · 1/2.65, park: 1 · 2/3.65
  assert.ok(Math.abs(fieldScores.body! - (2 / 2.65 + 2 / 3.65)) < 1e-12);
});
