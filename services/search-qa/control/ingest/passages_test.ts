import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { splitPassages } from "./passages.ts";

const s1 = "The library opens at nine on weekdays.";
const s2 = "It closes at five, except on Thursdays.";
const s3 = "On Thursdays it stays open until eight.";

Deno.test("passages end at sentence boundaries and keep their block's headings and page", () => {
  const passages = splitPassages([
    { headings: ["Library", "Hours"], text: `${s1} ${s2}\n\n${s3}` },
    { headings: [], text: "Page text.", page: 4 },
  ], { maxChars: s1.length + 1 + s2.length });
  assert.deepEqual(passages, [
    { index: 0, headings: ["Library", "Hours"], text: `${s1} ${s2}` },
    { index: 1, headings: ["Library", "Hours"], text: s3 },
    { index: 2, headings: [], text: "Page text.", page: 4 },
  ]);
});

Deno.test("everything fits in one passage under the default 1200 characters", () => {
  const passages = splitPassages([{ headings: ["H"], text: `${s1} ${s2} ${s3}` }]);
  assert.deepEqual(passages, [{ index: 0, headings: ["H"], text: `${s1} ${s2} ${s3}` }]);
});

Deno.test("a sentence over maxChars is split between words, never inside one", () => {
  const words = Array.from({ length: 60 }, (_, i) => `word${i}`);
  const passages = splitPassages([{ headings: [], text: words.join(" ") }], { maxChars: 50 });
  for (const { text } of passages) assert.ok(text.length <= 50, text);
  assert.deepEqual(passages.flatMap((p) => p.text.split(" ")), words);
  // Only a single word longer than the limit is cut.
  const long = splitPassages([{ headings: [], text: "x".repeat(25) }], { maxChars: 10 });
  assert.deepEqual(long.map((p) => p.text), ["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
});

Deno.test("overlap repeats the previous passage's last whole sentences", () => {
  const passages = splitPassages([{ headings: [], text: `${s1} ${s2} ${s3}` }], {
    maxChars: 80,
    overlap: s2.length,
  });
  assert.deepEqual(passages.map((p) => p.text), [`${s1} ${s2}`, `${s2} ${s3}`]);
  // An overlap smaller than the last sentence carries nothing.
  const none = splitPassages([{ headings: [], text: `${s1} ${s2} ${s3}` }], {
    maxChars: 80,
    overlap: 10,
  });
  assert.deepEqual(none.map((p) => p.text), [`${s1} ${s2}`, s3]);
});

Deno.test("empty blocks give no passages; bad options are refused", () => {
  assert.deepEqual(splitPassages([{ headings: ["H"], text: "  \n\n " }]), []);
  domainErrorFrom(() => splitPassages([], { maxChars: 0 }), "invalid", "invalid_passage_options");
  domainErrorFrom(
    () => splitPassages([], { maxChars: 10, overlap: 10 }),
    "invalid",
    "invalid_passage_options",
  );
});
