import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { inferSchema, normalizeAttributes } from "./attribute_schema.ts";

Deno.test("types are inferred per key; a single string widens to a list beside lists", () => {
  const schema = inferSchema([
    { city: "Springfield", tags: "parks", views: 3, updated: "2024-03-01T10:00:00Z" },
    { city: "2024", tags: ["a", "b"], updated: "2023-12-31" },
  ]);
  assert.deepEqual(schema, { city: "STRING", tags: "STRING_LIST", views: "LONG", updated: "DATE" });
  assert.throws(() => inferSchema([{ x: 1 }, { x: "one" }]), DomainError);
});

Deno.test("normalised: dates in epoch ms, string lists as lists; wrong types throw", () => {
  const schema = { tags: "STRING_LIST", updated: "DATE", views: "LONG" } as const;
  assert.deepEqual(
    normalizeAttributes({ tags: "parks", updated: "2024-01-01T00:00:00Z", views: 2 }, schema),
    { tags: ["parks"], updated: 1704067200000, views: 2 },
  );
  for (const bad of [{ views: "2" }, { updated: "soon" }, { other: "x" }]) {
    assert.throws(() => normalizeAttributes(bad, schema), (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.equal(e.code, "attribute_type_conflict");
      return true;
    });
  }
});
