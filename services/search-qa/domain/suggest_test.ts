import assert from "node:assert/strict";
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
