import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { bindHeader, parseRow } from "./rows.ts";
import { parseSchema } from "./schema.ts";

const interactions = parseSchema("INTERACTIONS", {
  type: "record",
  name: "Interactions",
  fields: [
    { name: "USER_ID", type: "string" },
    { name: "ITEM_ID", type: "string" },
    { name: "TIMESTAMP", type: "long" },
    { name: "EVENT_TYPE", type: ["null", "string"] },
    { name: "EVENT_VALUE", type: ["null", "float"] },
    { name: "IMPRESSION", type: ["null", "string"] },
    { name: "DEVICE", type: ["null", "string"], categorical: true },
  ],
});
const items = parseSchema("ITEMS", {
  type: "record",
  name: "Items",
  fields: [
    { name: "ITEM_ID", type: "string" },
    { name: "GENRES", type: "string", categorical: true },
    { name: "YEAR", type: ["null", "int"] },
    { name: "PRICE", type: "double" },
    { name: "ADULT", type: ["null", "boolean"] },
    { name: "TITLE", type: ["null", "string"], textual: true },
  ],
});
const HEADER = ["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE", "IMPRESSION"];
const bound = bindHeader(interactions, HEADER);
const row = (cells: string[]) => parseRow(bound, cells);
const itemRow = (cells: string[]) =>
  parseRow(bindHeader(items, ["ITEM_ID", "GENRES", "YEAR", "PRICE", "ADULT", "TITLE"]), cells);

Deno.test("a good row is typed in schema order; absent nullable columns are null", () => {
  assert.deepEqual(row(["u1", "i2", "1700000000", "click", "2.5", "i2|i7||i9"]), {
    row: {
      USER_ID: "u1",
      ITEM_ID: "i2",
      TIMESTAMP: 1700000000,
      EVENT_TYPE: "click",
      EVENT_VALUE: 2.5,
      IMPRESSION: ["i2", "i7", "i9"],
      DEVICE: null,
    },
  });
  assert.deepEqual(row(["u1", "i2", " 0 ", "", "", ""]), {
    row: {
      USER_ID: "u1",
      ITEM_ID: "i2",
      TIMESTAMP: 0,
      EVENT_TYPE: null,
      EVENT_VALUE: null,
      IMPRESSION: null,
      DEVICE: null,
    },
  });
  assert.deepEqual(itemRow(["m1", "Action|Comedy", "1999", "-1.5e1", "TRUE", 'Up, "the" film']), {
    row: {
      ITEM_ID: "m1",
      GENRES: ["Action", "Comedy"],
      YEAR: 1999,
      PRICE: -15,
      ADULT: true,
      TITLE: 'Up, "the" film',
    },
  });
});

Deno.test("a bad cell makes the row an error naming the column and why", () => {
  const cases: [string[], string, RegExp][] = [
    [["", "i2", "1", "", "", ""], "USER_ID", /empty, but not nullable/],
    [["  ", "i2", "1", "", "", ""], "USER_ID", /blank/],
    [["u".repeat(257), "i2", "1", "", "", ""], "USER_ID", /257 characters; at most 256/],
    [["u1", "i2", "", "", "", ""], "TIMESTAMP", /empty/],
    [["u1", "i2", "17e8", "", "", ""], "TIMESTAMP", /not an integer \(epoch seconds\)/],
    [["u1", "i2", "1700000000.5", "", "", ""], "TIMESTAMP", /not an integer/],
    [["u1", "i2", "2024-01-02T03:04:05Z", "", "", ""], "TIMESTAMP", /is a date; .*epoch seconds/],
    [["u1", "i2", "1700000000000", "", "", ""], "TIMESTAMP", /not milliseconds/],
    [["u1", "i2", "-5", "", "", ""], "TIMESTAMP", /outside/],
    [["u1", "i2", "1", "", "NaN", ""], "EVENT_VALUE", /not a finite decimal/],
    [["u1", "i2", "1", "", "1,5", ""], "EVENT_VALUE", /not a finite decimal/],
    [["u1", "i2", "1", "", "0x10", ""], "EVENT_VALUE", /not a finite decimal/],
    [["u1", "i2", "1", "", "1e999", ""], "EVENT_VALUE", /not a finite decimal/],
    [["u1", "i2", "1", "", "", `i1|${"x".repeat(300)}`], "IMPRESSION", /300 characters/],
  ];
  for (const [cells, column, message] of cases) {
    const result = row(cells);
    assert.ok("error" in result, `${cells} should fail`);
    assert.equal(result.error.column, column);
    assert.match(result.error.message, message);
    assert.ok(result.error.message.startsWith(`${column}: `));
  }
  const intRange = itemRow(["m", "A", "2147483648", "1", "", ""]);
  assert.ok("error" in intRange && /int range/.test(intRange.error.message));
  const bool = itemRow(["m", "A", "", "1", "yes", ""]);
  assert.ok("error" in bool && bool.error.column === "ADULT");
  const noGenres = itemRow(["m", "|", "", "1", "", ""]);
  assert.ok("error" in noGenres && noGenres.error.column === "GENRES");
});

Deno.test("a row with the wrong number of columns is an error of the whole row", () => {
  const result = row(["u1", "i2", "1"]);
  assert.deepEqual(result, { error: { message: "expected 6 columns as in the header, found 3" } });
});

Deno.test("headers match fields ignoring case and order; unknown or missing columns refuse", () => {
  const reordered = bindHeader(interactions, ["timestamp", "item_id", "user_id"]);
  assert.deepEqual(parseRow(reordered, ["5", "i", "u"]), {
    row: {
      USER_ID: "u",
      ITEM_ID: "i",
      TIMESTAMP: 5,
      EVENT_TYPE: null,
      EVENT_VALUE: null,
      IMPRESSION: null,
      DEVICE: null,
    },
  });
  const unknown = domainErrorFrom(
    () => bindHeader(interactions, [...HEADER, "COLOUR"]),
    "unprocessable",
    "csv_unknown_column",
  );
  assert.equal(unknown.extra?.column, "COLOUR");
  const missing = domainErrorFrom(
    () => bindHeader(interactions, ["USER_ID", "ITEM_ID"]),
    "unprocessable",
    "csv_missing_column",
  );
  assert.equal(missing.extra?.column, "TIMESTAMP");
  domainErrorFrom(
    () => bindHeader(interactions, [...HEADER, "user_id"]),
    "unprocessable",
    "csv_duplicate_column",
  );
});
