import assert from "node:assert/strict";
import { mulberry32 } from "@edgeml/shared/onnx";
import { boundedEditDistance } from "./edit_distance.ts";
import { createSuggester } from "./suggest.ts";

Deno.test("nearest word within 2 edits; ties to the higher document frequency", () => {
  const df: Record<string, number> = { library: 5, libraries: 9, park: 7, bark: 2, pork: 7 };
  const suggest = createSuggester(Object.keys(df), (w) => df[w]);
  assert.equal(suggest("libary"), "library"); // 1 edit beats libraries (3)
  assert.equal(suggest("librarie"), "libraries"); // 1 edit; library is 2
  assert.equal(suggest("pxrk"), "park"); // park, bark, pork all 1 edit: df 7 tie → alphabetical
  assert.equal(suggest("zzzzzz"), undefined);
  assert.equal(createSuggester(["ab"], () => 1, 1)("abcd"), undefined);
});

Deno.test("the letter-count filter drops no word within reach: same answers as comparing every word", () => {
  const random = mulberry32(7);
  const letters = "abcdeéfghijklmnopqrstuvwxyz0123";
  const word = (n: number) =>
    Array.from({ length: n }, () => letters[Math.floor(random() * letters.length)]).join("");
  const words = [
    ...new Set(Array.from({ length: 1500 }, () => word(3 + Math.floor(random() * 8)))),
  ];
  const df = (w: string) => w.charCodeAt(0) % 7;
  const suggest = createSuggester(words, df);
  const bruteForce = (q: string) => {
    let best: string | undefined, bestD = 3, bestDf = -1;
    for (const w of words) {
      const d = boundedEditDistance(q, w, 2);
      if (d > 2 || d > bestD) continue;
      if (d < bestD || df(w) > bestDf || (df(w) === bestDf && best !== undefined && w < best)) {
        best = w, bestD = d, bestDf = df(w);
      }
    }
    return best;
  };
  for (let i = 0; i < 200; i++) {
    // Misspell a known word (one or two edits), or take a random one.
    const base = i % 2 === 0 ? words[Math.floor(random() * words.length)] : word(6);
    const at = Math.floor(random() * base.length);
    const q = i % 4 === 0
      ? base.slice(0, at) + base.slice(at + 1)
      : base.slice(0, at) + "x" + base.slice(at);
    assert.equal(suggest(q), bruteForce(q), q);
  }
});
