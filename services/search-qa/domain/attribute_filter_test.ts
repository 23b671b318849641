import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import {
  type AttributeFilter,
  type Attributes,
  type AttributeSchema,
  compileFilter,
  validateFilter,
} from "./attribute_filter.ts";

const schema: AttributeSchema = {
  city: "STRING",
  tags: "STRING_LIST",
  views: "LONG",
  updated: "DATE",
};
const items: Record<string, Attributes> = {
  a: { city: "Springfield", tags: ["parks", "events"], views: 10, updated: "2024-03-01" },
  b: { city: "Shelbyville", tags: ["parks"], views: 5, updated: "2024-01-15T12:00:00Z" },
  c: { city: "Springfield", tags: [], views: 0 },
  d: { tags: "library" },
};
const matching = (filter: AttributeFilter) => {
  validateFilter(filter, schema);
  const p = compileFilter(filter);
  return Object.keys(items).filter((id) => p(items[id]));
};
const s = (key: string, stringValue: string) => ({ key, value: { stringValue } });
const list = (key: string, stringListValue: string[]) => ({ key, value: { stringListValue } });
const long = (key: string, longValue: number) => ({ key, value: { longValue } });
const date = (key: string, dateValue: string) => ({ key, value: { dateValue } });

Deno.test("each leaf operator, by hand over four items", () => {
  assert.deepEqual(matching({ equalsTo: s("city", "Springfield") }), ["a", "c"]);
  assert.deepEqual(matching({ equalsTo: list("tags", ["events", "parks"]) }), ["a"]);
  assert.deepEqual(matching({ equalsTo: long("views", 5) }), ["b"]);
  assert.deepEqual(matching({ equalsTo: date("updated", "2024-03-01T00:00:00Z") }), ["a"]);
  assert.deepEqual(matching({ containsAny: list("tags", ["events", "library"]) }), ["a", "d"]);
  assert.deepEqual(matching({ containsAll: list("tags", ["parks", "events"]) }), ["a"]);
  assert.deepEqual(matching({ containsAll: list("tags", []) }), ["a", "b", "c", "d"]);
  assert.deepEqual(matching({ containsAny: list("city", ["Shelbyville", "Ogdenville"]) }), ["b"]);
  assert.deepEqual(matching({ greaterThan: long("views", 5) }), ["a"]);
  assert.deepEqual(matching({ greaterThanOrEquals: long("views", 5) }), ["a", "b"]);
  assert.deepEqual(matching({ lessThan: long("views", 5) }), ["c"]);
  assert.deepEqual(matching({ lessThanOrEquals: long("views", 5) }), ["b", "c"]);
  assert.deepEqual(matching({ greaterThan: date("updated", "2024-02-01") }), ["a"]);
  assert.deepEqual(matching({ lessThanOrEquals: date("updated", "2024-01-15T12:00Z") }), ["b"]);
});

Deno.test("notFilter holds for items missing the attribute; nesting composes", () => {
  assert.deepEqual(matching({ notFilter: { equalsTo: s("city", "Springfield") } }), ["b", "d"]);
  assert.deepEqual(matching({ notFilter: { greaterThan: long("views", 1) } }), ["c", "d"]);
  const nested: AttributeFilter = {
    orAllFilters: [
      {
        andAllFilters: [
          { equalsTo: s("city", "Springfield") },
          { notFilter: { containsAny: list("tags", ["events"]) } },
        ],
      },
      { lessThan: date("updated", "2024-02-01") },
    ],
  };
  assert.deepEqual(matching(nested), ["b", "c"]);
  assert.deepEqual(matching({ andAllFilters: [] }), ["a", "b", "c", "d"]);
  assert.deepEqual(matching({ orAllFilters: [] }), []);
});

Deno.test("epoch-millisecond dates compare like ISO ones", () => {
  const p = compileFilter({ greaterThan: date("updated", "2024-02-01") });
  assert.equal(p({ updated: Date.parse("2024-03-01") }), true);
  assert.equal(p({ updated: Date.parse("2024-01-01") }), false);
});

const rejects = (filter: unknown, kind: string, code: string, options = {}) =>
  assert.throws(() => validateFilter(filter as AttributeFilter, schema, options), (e: unknown) => {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.kind, kind);
    assert.equal(e.code, code);
    return true;
  });

Deno.test("validation: unknown attribute (422 naming it), depth, list length, value types", () => {
  assert.throws(() => validateFilter({ equalsTo: s("zip", "1") }, schema), (e: unknown) => {
    assert.ok(e instanceof DomainError);
    assert.equal(e.kind, "unprocessable");
    assert.equal(e.code, "unknown_attribute");
    assert.match(e.detail, /"zip"/);
    assert.deepEqual(e.extra, { attribute: "zip" });
    return true;
  });
  const depth2 = { andAllFilters: [{ orAllFilters: [{ equalsTo: s("city", "x") }] }] };
  validateFilter(depth2, schema, { maxDepth: 2 });
  rejects({ notFilter: depth2 }, "invalid", "filter_too_deep", { maxDepth: 2 });
  rejects({ containsAny: list("tags", ["a", "b", "c"]) }, "invalid", "filter_list_too_long", {
    maxListLength: 2,
  });
  rejects(
    { orAllFilters: [{ equalsTo: s("city", "x") }, { equalsTo: s("city", "y") }] },
    "invalid",
    "filter_list_too_long",
    { maxListLength: 1 },
  );
  rejects({ equalsTo: long("city", 3) }, "invalid", "filter_value_type");
  rejects({ greaterThan: s("city", "a") }, "invalid", "filter_value_type");
  rejects({ equalsTo: long("views", 1.5) }, "invalid", "filter_value_type");
  rejects({ lessThan: date("updated", "yesterday") }, "invalid", "filter_value_type");
  rejects(
    { equalsTo: { key: "views", value: { longValue: 1, stringValue: "1" } } },
    "invalid",
    "filter_value_type",
  );
  rejects({}, "invalid", "invalid_filter");
  rejects({ equalsTo: s("city", "a"), notFilter: {} }, "invalid", "invalid_filter");
});
