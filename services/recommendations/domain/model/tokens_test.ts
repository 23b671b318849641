import assert from "node:assert/strict";
import { fnv1a, hashMetadataTokens, metadataTokens } from "./tokens.ts";

Deno.test("fnv1a matches the published FNV-1a 32-bit test vectors", () => {
  assert.equal(fnv1a(""), 0x811c9dc5);
  assert.equal(fnv1a("a"), 0xe40c292c);
  assert.equal(fnv1a("foobar"), 0xbf9cf968);
});

Deno.test("metadataTokens: categorical values as field=value, text as field:word", () => {
  assert.deepEqual(
    metadataTokens({
      categorical: { GENRES: ["Drama", "Comedy", ""] },
      textual: { TITLE: "The Big-Sleep, 1946!" },
    }),
    ["GENRES=drama", "GENRES=comedy", "TITLE:the", "TITLE:big", "TITLE:sleep", "TITLE:1946"],
  );
});

Deno.test("hashMetadataTokens: CSR per row, buckets in range, duplicates kept once", () => {
  const lists = hashMetadataTokens([
    { categorical: { GENRES: ["a", "a", "b"] } },
    {},
    { textual: { TITLE: "x y" } },
  ], 1000);
  assert.deepEqual([...lists.offsets], [0, 2, 2, 4]);
  assert.deepEqual([...lists.tokens], [
    fnv1a("GENRES=a") % 1000,
    fnv1a("GENRES=b") % 1000,
    fnv1a("TITLE:x") % 1000,
    fnv1a("TITLE:y") % 1000,
  ]);
  assert.throws(() => hashMetadataTokens([], 0), RangeError);
});
