import assert from "node:assert/strict";
import { domainErrorFrom } from "@edgeml/shared/testing";
import { parseFaq } from "./faq_formats.ts";

/** The 1-based line an `invalid_faq_file` error names, checked against its detail. */
function badLine(fn: () => unknown): { line: number; detail: string } {
  const error = domainErrorFrom(fn, "invalid", "invalid_faq_file");
  const line = error.extra?.line as number;
  assert.match(error.detail, new RegExp(`^line ${line}: `));
  return { line, detail: error.detail };
}

Deno.test("basic CSV: question, answer and an optional URL per row, blank lines skipped", () => {
  const text = [
    "When is the library open?,9 to 5 on weekdays",
    "",
    '"How can I protect myself from COVID-19?","Wash your hands, keep distance.",' +
    "https://city.example/covid",
  ].join("\r\n");
  assert.deepEqual(parseFaq(text, "CSV"), [
    { question: "When is the library open?", answer: "9 to 5 on weekdays", attributes: {} },
    {
      question: "How can I protect myself from COVID-19?",
      answer: "Wash your hands, keep distance.",
      uri: "https://city.example/covid",
      attributes: {},
    },
  ]);
});

Deno.test("basic CSV: a quoted answer may span lines; later errors still name the file line", () => {
  const text = 'Q1,"line one\nline two"\nQ2,A2\nQ3\n';
  assert.deepEqual(badLine(() => parseFaq(text, "CSV")), {
    line: 4,
    detail: "line 4: expected 2 or 3 columns (question, answer, optional URL), found 1",
  });
  assert.equal(parseFaq('Q1,"line one\r\nline two"', "CSV")[0].answer, "line one\nline two");
});

Deno.test("basic CSV: empty question or answer, unterminated quote, bad URL name the line", () => {
  assert.equal(badLine(() => parseFaq("Q1,A1\n ,A2\n", "CSV")).line, 2);
  assert.match(
    badLine(() => parseFaq("Q1,A1\nQ2,\n", "CSV")).detail,
    /line 2: the answer is empty/,
  );
  const unterminated = badLine(() => parseFaq('Q1,A1\n\nQ2,"never closed\nQ3,A3\n', "CSV"));
  assert.deepEqual(unterminated, { line: 3, detail: "line 3: a quoted field is never closed" });
  assert.equal(badLine(() => parseFaq('Q1,"A1"x\n', "CSV")).line, 1);
  assert.match(badLine(() => parseFaq("Q1,A1,not a url\n", "CSV")).detail, /not an absolute URL/);
});

Deno.test("CSV with header: reserved columns, custom attributes, typed lists, numbers, dates", () => {
  const text = [
    "_question,_answer,_source_uri,_category,city,tags,priority,updated",
    'Where do I pay parking fines?,At city hall.,https://a.example/fines,Parking,Springfield,"fines, parking ,",3,2024-05-01',
    "When is pickup?,Mondays.,,,Shelbyville,,,",
  ].join("\n");
  const entries = parseFaq(text, "CSV_WITH_HEADER", {
    listColumns: ["tags"],
    attributeTypes: { priority: "LONG", updated: "DATE" },
  });
  assert.deepEqual(entries, [
    {
      question: "Where do I pay parking fines?",
      answer: "At city hall.",
      uri: "https://a.example/fines",
      category: "Parking",
      attributes: {
        city: "Springfield",
        tags: ["fines", "parking"],
        priority: 3,
        updated: "2024-05-01T00:00:00.000Z",
      },
    },
    { question: "When is pickup?", answer: "Mondays.", attributes: { city: "Shelbyville" } },
  ]);
  // Undeclared, a quoted comma-separated cell stays one string.
  const plain = parseFaq('_question,_answer,tags\nQ,A,"a,b"\n', "CSV_WITH_HEADER");
  assert.deepEqual(plain[0].attributes, { tags: "a,b" });
  const declared = parseFaq('_question,_answer,tags\nQ,A,"a,b"\n', "CSV_WITH_HEADER", {
    attributeTypes: { tags: "STRING_LIST" },
  });
  assert.deepEqual(declared[0].attributes, { tags: ["a", "b"] });
});

Deno.test("CSV with header: bad header, column count and attribute types name the line", () => {
  assert.match(
    badLine(() => parseFaq("_question,answer\nQ,A\n", "CSV_WITH_HEADER")).detail,
    /^line 1: the header has no "_answer" column$/,
  );
  assert.equal(badLine(() => parseFaq("_question,_answer,_answer\n", "CSV_WITH_HEADER")).line, 1);
  assert.equal(badLine(() => parseFaq("", "CSV_WITH_HEADER")).line, 1);
  assert.deepEqual(
    badLine(() => parseFaq("_question,_answer\nQ,A\nQ2,A2,extra\n", "CSV_WITH_HEADER")),
    {
      line: 3,
      detail: "line 3: expected 2 columns as in the header, found 3",
    },
  );
  const options = { attributeTypes: { priority: "LONG" as const, when: "DATE" as const } };
  assert.deepEqual(
    badLine(() =>
      parseFaq("_question,_answer,priority\nQ,A,1\nQ,A,high\n", "CSV_WITH_HEADER", options)
    ),
    { line: 3, detail: 'line 3: column "priority": "high" is not a whole number (LONG)' },
  );
  assert.equal(
    badLine(() => parseFaq("_question,_answer,when\nQ,A,May 1st\n", "CSV_WITH_HEADER", options))
      .line,
    2,
  );
});

Deno.test("JSON: FaqDocuments with reserved and custom attributes", () => {
  const text = JSON.stringify(
    {
      SchemaVersion: 1,
      FaqDocuments: [
        {
          Question: "When is the library open?",
          Answer: "9 to 5.",
          Attributes: {
            _source_uri: "https://city.example/library",
            _category: "Library",
            city: "Springfield",
            branches: ["Main", "East"],
            floors: 3,
          },
        },
        { Question: "Q2", Answer: "A2" },
      ],
    },
    null,
    2,
  );
  assert.deepEqual(parseFaq(text, "JSON"), [
    {
      question: "When is the library open?",
      answer: "9 to 5.",
      uri: "https://city.example/library",
      category: "Library",
      attributes: { city: "Springfield", branches: ["Main", "East"], floors: 3 },
    },
    { question: "Q2", answer: "A2", attributes: {} },
  ]);
});

Deno.test("JSON: syntax errors and bad documents name the line of the file", () => {
  const syntax = badLine(() =>
    parseFaq('{\n  "FaqDocuments": [\n    {"Question": "Q",}\n  ]\n}', "JSON")
  );
  assert.equal(syntax.line, 3);
  assert.match(syntax.detail, /invalid JSON at column 22/);
  const text = [
    "{",
    '  "SchemaVersion": 1,',
    '  "FaqDocuments": [',
    '    { "Question": "Q1", "Answer": "A1" },',
    "    {",
    '      "Question": "Q2",',
    '      "Answer": ""',
    "    },",
    '    { "Question": "Q3", "Answer": "A3", "Attributes": { "floors": "three" } }',
    "  ]",
    "}",
  ];
  assert.deepEqual(badLine(() => parseFaq(text.join("\n"), "JSON")), {
    line: 5,
    detail: "line 5: the answer is empty",
  });
  text[6] = '      "Answer": "A2"';
  const typed = badLine(() =>
    parseFaq(text.join("\n"), "JSON", { attributeTypes: { floors: "LONG" } })
  );
  assert.deepEqual(typed, {
    line: 9,
    detail: "line 9: FaqDocuments[2].Attributes.floors: expected a whole number, got a string",
  });
  assert.equal(badLine(() => parseFaq('{"SchemaVersion": 2, "FaqDocuments": []}', "JSON")).line, 1);
  assert.equal(badLine(() => parseFaq('{"FaqDocuments": {}}', "JSON")).line, 1);
  assert.equal(
    badLine(() => parseFaq('{"FaqDocuments": [\n{"Question": 1, "Answer": "A"}]}', "JSON")).line,
    2,
  );
  assert.equal(badLine(() => parseFaq("", "JSON")).line, 1);
});

Deno.test("limits: entries per file, question and answer length, each naming the line", () => {
  const rows = Array.from({ length: 4 }, (_, i) => `Q${i},A${i}`).join("\n");
  assert.equal(parseFaq(rows, "CSV", { maxEntries: 4 }).length, 4);
  assert.deepEqual(badLine(() => parseFaq(rows, "CSV", { maxEntries: 3 })), {
    line: 4,
    detail: "line 4: more than 3 FAQ entries",
  });
  const long = `Q,A\n${"q".repeat(1001)},A\n`;
  assert.deepEqual(badLine(() => parseFaq(long, "CSV")), {
    line: 2,
    detail: "line 2: the question is 1001 characters, over 1000",
  });
  assert.equal(parseFaq(`${"q".repeat(1000)},${"a".repeat(10_000)}`, "CSV").length, 1);
  assert.equal(badLine(() => parseFaq(`Q,${"a".repeat(10_001)}`, "CSV")).line, 1);
});

Deno.test("an unknown format is refused with its own code", () => {
  domainErrorFrom(() => parseFaq("", "XLSX" as "CSV"), "invalid", "unknown_faq_format");
});
