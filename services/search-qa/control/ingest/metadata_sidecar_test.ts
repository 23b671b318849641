import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { parseMetadataSidecar } from "./metadata_sidecar.ts";

Deno.test("a Kendra sidecar: reserved and custom attributes, typed", () => {
  const sidecar = JSON.stringify({
    DocumentId: "library-hours",
    Title: " Library hours ",
    ContentType: "HTML",
    Attributes: {
      _source_uri: "https://city.example/library",
      _category: "Library",
      _authors: ["Parks Dept"],
      _created_at: "2024-05-01T08:00:00+02:00",
      _view_count: 12,
      city: "Springfield",
      neighbourhoods: ["North", "East"],
      floors: 3,
    },
  });
  assert.deepEqual(parseMetadataSidecar(sidecar), {
    documentId: "library-hours",
    title: "Library hours",
    contentType: "HTML",
    attributes: {
      _source_uri: "https://city.example/library",
      _category: "Library",
      _authors: ["Parks Dept"],
      _created_at: "2024-05-01T06:00:00.000Z",
      _view_count: 12,
      city: "Springfield",
      neighbourhoods: ["North", "East"],
      floors: 3,
    },
  });
  assert.deepEqual(parseMetadataSidecar({}), { attributes: {} });
});

Deno.test("declared custom types are checked", () => {
  const options = { attributeTypes: { opened: "DATE" as const } };
  assert.deepEqual(
    parseMetadataSidecar({ Attributes: { opened: "2020-01-31" } }, options).attributes,
    { opened: "2020-01-31T00:00:00.000Z" },
  );
  const error = domainErrorFrom(
    () => parseMetadataSidecar({ Attributes: { opened: 2020 } }, options),
    "invalid",
    "invalid_metadata",
  );
  assert.deepEqual(error.extra, { field: "Attributes.opened" });
});

Deno.test("bad sidecars name the field", () => {
  const cases: [unknown, string][] = [
    ["{not json", ""],
    [[], ""],
    [{ ContentType: "DOCX" }, "ContentType"],
    [{ Title: 5 }, "Title"],
    [
      { AccessControlList: [{ Name: "staff", Type: "GROUP", Access: "ALLOW" }] },
      "AccessControlList",
    ],
    [{ Extra: 1 }, "Extra"],
    [{ Attributes: [] }, "Attributes"],
    [{ Attributes: { _view_count: "many" } }, "Attributes._view_count"],
    [{ Attributes: { _created_at: "yesterday" } }, "Attributes._created_at"],
    [{ Attributes: { _made_up: "x" } }, "Attributes._made_up"],
    [{ Attributes: { _source_uri: "not a url" } }, "Attributes._source_uri"],
    [{ Attributes: { city: { name: "x" } } }, "Attributes.city"],
    [{ Attributes: { tags: ["a", 1] } }, "Attributes.tags"],
    [{ Attributes: { rank: 1.5 } }, "Attributes.rank"],
    [{ Attributes: { note: "x".repeat(2049) } }, "Attributes.note"],
  ];
  for (const [sidecar, field] of cases) {
    const error = domainErrorFrom(
      () => parseMetadataSidecar(sidecar),
      "invalid",
      "invalid_metadata",
    );
    assert.equal(error.extra?.field ?? "", field, JSON.stringify(sidecar).slice(0, 80));
  }
});
