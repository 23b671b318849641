import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { csvBlocks, plainTextBlocks } from "./plain_and_csv.ts";

Deno.test("plain text: paragraphs, and # headings that set the heading path", () => {
  const text = [
    "Welcome to the city guide.",
    "",
    "# Library",
    "Open 9 to 5",
    "on weekdays.",
    "",
    "Closed on holidays.",
    "### Summer",
    "10 to 4.",
    "## Contact ##",
    "Call 555-0100.",
    "#hashtag is not a heading",
  ].join("\r\n");
  assert.deepEqual(plainTextBlocks(text), [
    { headings: [], text: "Welcome to the city guide." },
    { headings: ["Library"], text: "Open 9 to 5 on weekdays.\n\nClosed on holidays." },
    { headings: ["Library", "Summer"], text: "10 to 4." },
    { headings: ["Library", "Contact"], text: "Call 555-0100. #hashtag is not a heading" },
  ]);
  assert.deepEqual(plainTextBlocks(""), []);
});

Deno.test("CSV: one block per row, each value labelled with its header", () => {
  const text = 'facility,hours,notes\nPool,7-21,"Lanes, sauna"\n\nGym,6-22,\nPark,,,dogs allowed\n';
  assert.deepEqual(csvBlocks(text), [
    { headings: [], text: "facility: Pool; hours: 7-21; notes: Lanes, sauna" },
    { headings: [], text: "facility: Gym; hours: 6-22" },
    { headings: [], text: "facility: Park; column 4: dogs allowed" },
  ]);
  assert.deepEqual(csvBlocks("a;b\n1;2\n", { delimiter: ";" }), [
    { headings: [], text: "a: 1; b: 2" },
  ]);
  assert.deepEqual(csvBlocks(""), []);
});

Deno.test("CSV: malformed or oversized documents are per-document errors", () => {
  const bad = domainErrorFrom(
    () => csvBlocks('a,b\n1,2\n3,"open\n'),
    "unprocessable",
    "document_unreadable",
  );
  assert.deepEqual(bad.extra, { line: 3 });
  domainErrorFrom(
    () => csvBlocks("a\n1\n2\n3\n", { maxRows: 2 }),
    "unprocessable",
    "document_too_large",
  );
});
