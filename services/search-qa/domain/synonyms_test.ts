import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { parseSynonyms } from "./synonyms.ts";

Deno.test("equivalences map every phrase to all; => maps the left side to the right", () => {
  const text = [
    "# city services",
    "covid, coronavirus , covid 19",
    "",
    "flu, grippe => influenza # trailing comment",
  ].join("\n");
  assert.deepEqual(parseSynonyms(text), [
    {
      from: ["covid", "coronavirus", "covid 19"],
      to: ["covid", "coronavirus", "covid 19"],
    },
    { from: ["flu", "grippe"], to: ["influenza"] },
  ]);
});

Deno.test("a malformed line is an invalid_synonyms error naming its line", () => {
  for (const [text, line] of [["a, b\nx => y => z", 2], ["=> y", 1], ["a =>", 1]] as const) {
    assert.throws(() => parseSynonyms(text), (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.equal(e.code, "invalid_synonyms");
      assert.equal(e.extra?.line, line);
      return true;
    });
  }
});
