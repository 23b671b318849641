import assert from "node:assert/strict";
import { rowFromProperties } from "./properties.ts";
import { parseSchema } from "./schema.ts";

const items = parseSchema("ITEMS", {
  type: "record",
  name: "Items",
  fields: [
    { name: "ITEM_ID", type: "string" },
    { name: "GENRES", type: ["null", "string"], categorical: true },
    { name: "YEAR", type: ["null", "int"] },
    { name: "PRICE", type: "float" },
    { name: "CREATION_TIMESTAMP", type: ["null", "long"] },
  ],
});

Deno.test("properties fill fields by name; strings read as cells, absent nullable ones as null", () => {
  assert.deepEqual(
    rowFromProperties(items, "i1", { GENRES: "Drama|War", PRICE: 9.5, YEAR: "1999" }),
    {
      row: {
        ITEM_ID: "i1",
        GENRES: ["Drama", "War"],
        YEAR: 1999,
        PRICE: 9.5,
        CREATION_TIMESTAMP: null,
      },
    },
  );
  assert.deepEqual(rowFromProperties(items, "i2", { PRICE: 3, GENRES: null }), {
    row: { ITEM_ID: "i2", GENRES: null, YEAR: null, PRICE: 3, CREATION_TIMESTAMP: null },
  });
});

Deno.test("a property the schema lacks, a wrong type or a missing required field is refused", () => {
  const cases: [string, Record<string, string | number | boolean | null>, string, RegExp][] = [
    ["i", { PRICE: 1, COLOUR: "red" }, "COLOUR", /not a field/],
    ["i", { PRICE: 1, ITEM_ID: "other" }, "ITEM_ID", /given as the record's id/],
    ["i", { PRICE: 1, YEAR: 1.5 }, "YEAR", /not an integer/],
    ["i", { PRICE: true }, "PRICE", /not a float/],
    ["i", { PRICE: 1, GENRES: 5 }, "GENRES", /not a string/],
    ["i", {}, "PRICE", /empty, but not nullable/],
    ["", { PRICE: 1 }, "ITEM_ID", /empty/],
    ["i", { PRICE: 1, CREATION_TIMESTAMP: 1.7e12 }, "CREATION_TIMESTAMP", /milliseconds/],
  ];
  for (const [id, properties, column, message] of cases) {
    const result = rowFromProperties(items, id, properties);
    assert.ok("error" in result, JSON.stringify(properties));
    assert.equal(result.error.column, column);
    assert.match(result.error.message, message);
  }
});
