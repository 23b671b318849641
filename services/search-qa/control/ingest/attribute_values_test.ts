import assert from "node:assert/strict";
import { coerceJson, coerceText, isoDate } from "./attribute_values.ts";

Deno.test("CSV cells by declared type", () => {
  assert.deepEqual(coerceText(" a "), { value: "a" });
  assert.deepEqual(coerceText("a, b,,c ", "STRING_LIST"), { value: ["a", "b", "c"] });
  assert.deepEqual(coerceText("-42", "LONG"), { value: -42 });
  assert.ok("problem" in coerceText("4.2", "LONG"));
  assert.ok("problem" in coerceText("99999999999999999999", "LONG"));
  assert.deepEqual(coerceText("2024-02-29", "DATE"), { value: "2024-02-29T00:00:00.000Z" });
  assert.ok("problem" in coerceText("2023-02-30x", "DATE"));
});

Deno.test("JSON values: shape decides unless a type is declared", () => {
  assert.deepEqual(coerceJson(["a"]), { value: ["a"] });
  assert.deepEqual(coerceJson(7), { value: 7 });
  assert.deepEqual(coerceJson("x"), { value: "x" });
  assert.ok("problem" in coerceJson(true));
  assert.ok("problem" in coerceJson("7", "LONG"));
  assert.deepEqual(coerceJson("2024-05-01T10:00:00Z", "DATE"), {
    value: "2024-05-01T10:00:00.000Z",
  });
});

Deno.test("ISO 8601 dates normalise to UTC", () => {
  assert.equal(isoDate("2024-05-01T10:00:00+02:00"), "2024-05-01T08:00:00.000Z");
  assert.equal(isoDate("May 1, 2024"), undefined);
});
