import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { inferSchema } from "./infer_schema.ts";

Deno.test("reserved columns get Personalize's types, others are nullable categorical strings", () => {
  const schema = inferSchema("INTERACTIONS", [
    "user_id",
    " ITEM_ID ",
    "Timestamp",
    "EVENT_VALUE",
    "IMPRESSION",
    "DEVICE",
  ]);
  assert.deepEqual(schema.avro.fields, [
    { name: "USER_ID", type: "string" },
    { name: "ITEM_ID", type: "string" },
    { name: "TIMESTAMP", type: "long" },
    { name: "EVENT_VALUE", type: ["null", "float"] },
    { name: "IMPRESSION", type: ["null", "string"] },
    { name: "DEVICE", type: ["null", "string"], categorical: true },
  ]);
  assert.equal(schema.avro.namespace, "com.amazonaws.personalize.schema");
  const items = inferSchema("ITEMS", ["ITEM_ID", "CREATION_TIMESTAMP", "GENRES"]);
  assert.deepEqual(items.fields.map((f) => [f.name, f.type, f.nullable, f.categorical]), [
    ["ITEM_ID", "string", false, false],
    ["CREATION_TIMESTAMP", "long", true, false],
    ["GENRES", "string", true, true],
  ]);
});

Deno.test("a header without a required column is refused as such a schema would be", () => {
  const err = domainErrorFrom(
    () => inferSchema("INTERACTIONS", ["USER_ID", "ITEM_ID"]),
    "unprocessable",
    "schema_missing_required_field",
  );
  assert.equal(err.extra?.field, "TIMESTAMP");
  domainErrorFrom(
    () => inferSchema("ITEMS", ["ITEM_ID", "bad name"]),
    "unprocessable",
    "invalid_schema",
  );
});
