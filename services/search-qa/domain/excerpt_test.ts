import assert from "node:assert/strict";
import { excerpt, type Highlight } from "./excerpt.ts";

const at = (text: string, word: string) => {
  const beginOffset = text.indexOf(word);
  return { beginOffset, endOffset: beginOffset + word.length };
};

Deno.test("a short text is its own excerpt, highlights unchanged", () => {
  const text = "The library opens at nine.";
  assert.deepEqual(excerpt(text, [at(text, "library")]), {
    text,
    highlights: [at(text, "library")],
  });
});

Deno.test("a long text is cut around the first highlight at word boundaries, with ellipses", () => {
  const before = Array.from({ length: 80 }, (_, i) => `alpha${i}`).join(" ");
  const after = Array.from({ length: 80 }, (_, i) => `omega${i}`).join(" ");
  const text = `${before} library hours ${after}`;
  const result = excerpt(text, [at(text, "hours"), at(text, "library"), at(text, "omega79")]);
  assert.ok(result.text.length <= 290, `${result.text.length}`);
  assert.ok(result.text.startsWith("…alpha") && result.text.endsWith("…"));
  // Every word in the excerpt is a whole word of the text.
  const inner = result.text.slice(1, -1).split(" ");
  for (const word of inner) assert.ok(text.split(" ").includes(word), word);
  // The highlights point at the same words inside the excerpt; the one outside is dropped.
  assert.deepEqual(result.highlights.map((h) => result.text.slice(h.beginOffset, h.endOffset)), [
    "hours",
    "library",
  ]);
  // Centred: the highlight sits near the middle.
  const middle = result.highlights[1].beginOffset / result.text.length;
  assert.ok(middle > 0.35 && middle < 0.65, `${middle}`);
});

Deno.test("a highlight near the start or end keeps that end whole, no ellipsis there", () => {
  const text = `Library ${"filler ".repeat(100)}end.`;
  const head = excerpt(text, [at(text, "Library")], 50);
  assert.ok(head.text.startsWith("Library filler") && head.text.endsWith("…"));
  assert.ok(head.text.length <= 50);
  assert.deepEqual(head.highlights, [at(text, "Library")]);
  const tail = excerpt(text, [at(text, "end.")], 50);
  assert.ok(tail.text.startsWith("…filler") && tail.text.endsWith("filler end."), tail.text);
  assert.equal(
    tail.text.slice(tail.highlights[0].beginOffset, tail.highlights[0].endOffset),
    "end.",
  );
});

Deno.test("extra highlight fields survive; a highlight across the cut is clipped", () => {
  const text = `${"word ".repeat(30)}alpha beta ${"word ".repeat(30)}`;
  const beta = at(text, "beta");
  const long = { beginOffset: beta.endOffset + 1, endOffset: text.length, topAnswer: true };
  const highlights: Highlight[] = [{ ...beta, type: "STANDARD" }, long];
  const result = excerpt(text, highlights, 40);
  const [first, second] = result.highlights;
  assert.equal(first.type, "STANDARD");
  assert.equal(result.text.slice(first.beginOffset, first.endOffset), "beta");
  assert.equal(second.topAnswer, true);
  assert.equal(second.beginOffset, first.endOffset + 1);
  assert.equal(second.endOffset, result.text.length - 1, "clipped before the closing ellipsis");
});
