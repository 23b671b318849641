import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { parseSchema } from "./schema.ts";

const record = (fields: unknown[]) => ({
  type: "record",
  name: "Interactions",
  namespace: "com.amazonaws.personalize.schema",
  fields,
  version: "1.0",
});

const INTERACTIONS = [
  { name: "USER_ID", type: "string" },
  { name: "ITEM_ID", type: "string" },
  { name: "TIMESTAMP", type: "long" },
];

Deno.test("Personalize's own example schemas are accepted as written", () => {
  const interactions = parseSchema("INTERACTIONS", {
    ...record([
      ...INTERACTIONS,
      { name: "EVENT_TYPE", type: "string" },
      { name: "EVENT_VALUE", type: ["null", "float"] },
      { name: "IMPRESSION", type: ["null", "string"] },
      { name: "RECOMMENDATION_ID", type: ["null", "string"] },
      { name: "DEVICE", type: ["string", "null"], categorical: true },
    ]),
  });
  assert.deepEqual(interactions.fields.map((f) => [f.name, f.type, f.nullable]), [
    ["USER_ID", "string", false],
    ["ITEM_ID", "string", false],
    ["TIMESTAMP", "long", false],
    ["EVENT_TYPE", "string", false],
    ["EVENT_VALUE", "float", true],
    ["IMPRESSION", "string", true],
    ["RECOMMENDATION_ID", "string", true],
    ["DEVICE", "string", true],
  ]);
  const items = parseSchema("ITEMS", {
    type: "record",
    name: "Items",
    namespace: "com.amazonaws.personalize.schema",
    fields: [
      { name: "ITEM_ID", type: "string" },
      { name: "GENRES", type: ["null", "string"], categorical: true },
      { name: "PRICE", type: "double" },
      { name: "DESCRIPTION", type: ["null", "string"], textual: true },
      { name: "CREATION_TIMESTAMP", type: "long" },
    ],
    version: "1.0",
  });
  assert.deepEqual(items.fields[1], {
    name: "GENRES",
    type: "string",
    nullable: true,
    categorical: true,
    textual: false,
  });
  assert.equal(items.fields[3].textual, true);
  const users = parseSchema(
    "USERS",
    JSON.stringify({
      type: "record",
      name: "Users",
      fields: [
        { name: "USER_ID", type: "string" },
        { name: "AGE", type: "int" },
        { name: "MEMBER", type: "boolean" },
      ],
    }),
  );
  assert.deepEqual(users.fields.map((f) => f.type), ["string", "int", "boolean"]);
  assert.equal(users.avro.name, "Users");
});

Deno.test("a schema breaking a rule is a 422 whose code and field say which", () => {
  const cases: [Parameters<typeof parseSchema>[0], unknown, string, string | undefined][] = [
    [
      "INTERACTIONS",
      record(INTERACTIONS.slice(0, 2)),
      "schema_missing_required_field",
      "TIMESTAMP",
    ],
    [
      "ITEMS",
      record([{ name: "TITLE", type: "string" }]),
      "schema_missing_required_field",
      "ITEM_ID",
    ],
    [
      "USERS",
      record([{ name: "user_id", type: "string" }]),
      "schema_missing_required_field",
      "USER_ID",
    ],
    [
      "INTERACTIONS",
      record([...INTERACTIONS.slice(0, 2), { name: "TIMESTAMP", type: "string" }]),
      "schema_reserved_field_type",
      "TIMESTAMP",
    ],
    [
      "INTERACTIONS",
      record([{ name: "USER_ID", type: ["null", "string"] }, ...INTERACTIONS.slice(1)]),
      "schema_reserved_field_type",
      "USER_ID",
    ],
    [
      "INTERACTIONS",
      record([...INTERACTIONS, { name: "EVENT_VALUE", type: "string" }]),
      "schema_reserved_field_type",
      "EVENT_VALUE",
    ],
    [
      "ITEMS",
      record([{ name: "ITEM_ID", type: "string" }, { name: "CREATION_TIMESTAMP", type: "int" }]),
      "schema_reserved_field_type",
      "CREATION_TIMESTAMP",
    ],
    [
      "ITEMS",
      record([{ name: "ITEM_ID", type: "string" }, { name: "N", type: "int", categorical: true }]),
      "schema_invalid_categorical",
      "N",
    ],
    [
      "USERS",
      record([{ name: "USER_ID", type: "string" }, { name: "BIO", type: "string", textual: true }]),
      "schema_invalid_textual",
      "BIO",
    ],
    [
      "ITEMS",
      record([{ name: "ITEM_ID", type: "string" }, { name: "X", type: "bytes" }]),
      "schema_unsupported_type",
      "X",
    ],
    [
      "ITEMS",
      record([{ name: "ITEM_ID", type: "string" }, { name: "X", type: ["int", "string"] }]),
      "schema_unsupported_type",
      "X",
    ],
    [
      "ITEMS",
      record([{ name: "ITEM_ID", type: "string" }, { name: "item_id", type: "string" }]),
      "invalid_schema",
      "item_id",
    ],
    [
      "ITEMS",
      record([{ name: "ITEM_ID", type: "string" }, { name: "2ND", type: "string" }]),
      "invalid_schema",
      "2ND",
    ],
    ["ITEMS", { type: "enum", name: "x", symbols: [] }, "invalid_schema", undefined],
    ["ITEMS", '{"type": "record",', "invalid_schema", undefined],
    ["ITEMS", record([]), "invalid_schema", undefined],
  ];
  for (const [type, schema, code, field] of cases) {
    const err = domainErrorFrom(() => parseSchema(type, schema), "unprocessable", code);
    assert.equal(err.extra?.field, field, err.detail);
    if (field) assert.match(err.detail, new RegExp(field, "i"));
  }
});

Deno.test("the refusal of a lower-case reserved name says names are case-sensitive", () => {
  const err = domainErrorFrom(
    () => parseSchema("USERS", record([{ name: "user_id", type: "string" }])),
    "unprocessable",
    "schema_missing_required_field",
  );
  assert.match(err.detail, /found user_id: names are case-sensitive/);
});
