import assert from "node:assert/strict";
import type { IndexedItem } from "./index_data.ts";
import { fuseWithHeadSimilarity } from "./head_fusion.ts";

const faq = (id: string, question: string): IndexedItem => ({
  id,
  kind: "FAQ",
  fields: { question, answer: "..." },
  attributes: {},
});

Deno.test("a candidate worded like the query rises past one BM25F ranked just above it", () => {
  const items = new Map([
    ["a", faq("a", "What cleaning products should I use?")],
    ["b", faq("b", "How do I disinfect my hands?")],
    ["c", faq("c", "Opening hours of the library")],
  ]);
  const ranked = ["a", "b", "c"].map((id, i) => ({ hit: { id }, score: 3 - i }));
  const fused = fuseWithHeadSimilarity(
    ranked,
    "how can i disinfect hands",
    (id) => items.get(id),
    30,
  );
  assert.deepEqual(fused.map((e) => e.hit.id), ["b", "a", "c"]);
  assert.equal(fused[0].score, 2, "entries keep their own scores");
});

Deno.test("ties keep the first-stage order; entries past depth stay behind, in order", () => {
  const items = new Map(["a", "b", "c", "d"].map((id) => [id, faq(id, "same words")]));
  const ranked = ["a", "b", "c", "d"].map((id) => ({ hit: { id }, score: 1 }));
  const fused = fuseWithHeadSimilarity(ranked, "same words", (id) => items.get(id), 2);
  assert.deepEqual(fused.map((e) => e.hit.id), ["a", "b", "c", "d"]);
  const single = fuseWithHeadSimilarity(ranked.slice(0, 1), "x", (id) => items.get(id), 30);
  assert.deepEqual(single.map((e) => e.hit.id), ["a"]);
});
