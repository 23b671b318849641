/**
 * Result items against hand-worked expectations: excerpt windows cut at word breaks with
 * ellipses and highlights that still point at the highlighted word, the answer sentence, and
 * the Kendra shapes of FAQ, passage and ANSWER items.
 */
import assert from "node:assert/strict";
import {
  answerItem,
  answerSentence,
  excerpt,
  EXCERPT_CHARS,
  resultItem,
  type Span,
  type StoredItem,
} from "./result_items.ts";

const spanOf = (text: string, word: string, from = 0): Span => {
  const start = text.indexOf(word, from);
  assert.ok(start >= 0, `${word} is in the text`);
  return { start, end: start + word.length };
};

/** Every highlight of an excerpt, read back from its text. */
const highlighted = (
  e: { text: string; highlights: { beginOffset: number; endOffset: number }[] },
) => e.highlights.map((h) => e.text.slice(h.beginOffset, h.endOffset));

Deno.test("excerpt: a text within the limit is returned whole with its highlights", () => {
  const text = "The library opens at nine.";
  const e = excerpt(text, [spanOf(text, "library")]);
  assert.equal(e.text, text);
  assert.deepEqual(e.highlights, [
    { beginOffset: 4, endOffset: 11, topAnswer: false, type: "STANDARD" },
  ]);
});

Deno.test("excerpt: a long text is cut at word breaks around the first span, offsets shifted", () => {
  // 50 × "lorem ", "needle", 50 × "lorem": the needle sits at 300..306 of 605 characters.
  const text = "lorem ".repeat(50) + "needle " + "lorem ".repeat(50).trimEnd();
  const needle = spanOf(text, "needle");
  assert.equal(needle.start, 300);
  const far = spanOf(text, "lorem", 600); // the last word: outside any 290-character window
  const e = excerpt(text, [needle, far]);
  assert.ok(e.text.length <= EXCERPT_CHARS, `${e.text.length} characters`);
  assert.ok(e.text.startsWith("…lorem "));
  assert.ok(e.text.endsWith(" lorem…"));
  // whole words only: the inner text is a run of whole words of the original
  const inner = e.text.slice(1, -1);
  const at = text.indexOf(inner);
  assert.ok(at > 0 && text[at - 1] === " " && text[at + inner.length] === " ");
  // the far span is dropped, the needle's highlight points at "needle" in the excerpt
  assert.deepEqual(highlighted(e), ["needle"]);
  // the needle is inside the window with context on both sides, not at its edge
  const at0 = e.highlights[0].beginOffset;
  assert.ok(at0 > 60 && at0 < EXCERPT_CHARS - 60, `needle at ${at0}`);
});

Deno.test("excerpt: a span near the end keeps the text's end, with a leading ellipsis only", () => {
  const text = "lorem ".repeat(100) + "needle"; // 606 characters, needle at 600
  const e = excerpt(text, [spanOf(text, "needle")]);
  assert.ok(e.text.length <= EXCERPT_CHARS);
  assert.ok(e.text.startsWith("…lorem "));
  assert.ok(e.text.endsWith("needle"));
  assert.deepEqual(highlighted(e), ["needle"]);
});

Deno.test("excerpt: a span at the start keeps the text's start, with a trailing ellipsis only", () => {
  const text = "needle " + "lorem ".repeat(100).trimEnd();
  const e = excerpt(text, [spanOf(text, "needle")]);
  assert.ok(e.text.length <= EXCERPT_CHARS);
  assert.ok(e.text.startsWith("needle lorem"));
  assert.ok(e.text.endsWith(" lorem…"));
  assert.deepEqual(e.highlights.map((h) => [h.beginOffset, h.endOffset]), [[0, 6]]);
});

Deno.test({
  // "…" + window + "…" stays within Kendra's 290 characters.
  name: "excerpt: the ellipses count toward the 290 characters",
  fn() {
    const text = "ab ".repeat(100) + "swims " + "ab ".repeat(100).trimEnd();
    const e = excerpt(text, [spanOf(text, "swims")]);
    assert.deepEqual(highlighted(e), ["swims"]);
    assert.ok(e.text.length <= EXCERPT_CHARS, `${e.text.length} characters`);
  },
});

Deno.test("answerSentence: the sentence holding the most spans, the first on a tie", () => {
  const text =
    "The pool opens at 7. Dogs must be on a leash! Is the pool heated? Yes, the pool is heated.";
  const spans = [
    spanOf(text, "pool"),
    spanOf(text, "pool", 25),
    spanOf(text, "heated"),
    spanOf(text, "pool", 70),
    spanOf(text, "heated", 70),
  ];
  assert.deepEqual(answerSentence(text, spans), spanOf(text, "Is the pool heated?"));
  assert.deepEqual(
    answerSentence(text, [spanOf(text, "leash")]),
    spanOf(text, "Dogs must be on a leash!"),
  );
  assert.equal(answerSentence(text, []), undefined);
});

const faq: StoredItem = {
  id: "faq.pets.0",
  kind: "FAQ",
  fields: { question: "Where do I register a dog?", answer: "At the animal office on Elm Street." },
  attributes: {
    _document_id: "pets",
    _source_uri: "https://city.example/dogs",
    city: "Springfield",
    audience: ["adults", "children"],
    year: 2024,
  },
};

Deno.test("resultItem: an FAQ is a QUESTION_ANSWER with question, answer and attributes", () => {
  const item = resultItem(
    faq,
    {
      question: [spanOf(faq.fields.question!, "dog")],
      answer: [spanOf(faq.fields.answer!, "animal")],
    },
    "HIGH",
    "q1.faq.pets.0",
  );
  assert.equal(item.type, "QUESTION_ANSWER");
  assert.equal(item.id, "faq.pets.0");
  assert.equal(item.documentId, "pets");
  assert.equal(item.documentURI, "https://city.example/dogs");
  assert.equal(item.feedbackToken, "q1.faq.pets.0");
  assert.equal(item.scoreAttributes.scoreConfidence, "HIGH");
  assert.deepEqual(highlighted(item.questionText!), ["dog"]);
  assert.equal(item.answerText!.text, "At the animal office on Elm Street.");
  assert.deepEqual(highlighted(item.answerText!), ["animal"]);
  assert.deepEqual(highlighted(item.documentExcerpt!), ["animal"]);
  assert.deepEqual(item.documentAttributes, [
    { key: "_source_uri", value: { stringValue: "https://city.example/dogs" } },
    { key: "city", value: { stringValue: "Springfield" } },
    { key: "audience", value: { stringListValue: ["adults", "children"] } },
    { key: "year", value: { longValue: 2024 } },
  ]);
});

const filler = "lorem ".repeat(60).trimEnd() + ". ";
const longBody = "Glass goes into the green container. " + filler +
  "Batteries are accepted at every supermarket checkout. " + filler.trimEnd();
const passage: StoredItem = {
  id: "doc.recycling.0",
  kind: "PASSAGE",
  fields: { title: "Recycling guide", headings: "Recycling", body: longBody },
  attributes: { _document_title: "Recycling guide" },
};

Deno.test("resultItem: a passage is a DOCUMENT with its title and an excerpt of its body", () => {
  const item = resultItem(
    passage,
    {
      title: [spanOf("Recycling guide", "Recycling")],
      body: [spanOf(longBody, "Batteries")],
    },
    "MEDIUM",
    "q1.doc.recycling.0",
  );
  assert.equal(item.type, "DOCUMENT");
  assert.equal(item.documentId, "doc.recycling.0"); // no _document_id: the item's own id
  assert.equal(item.documentURI, undefined);
  assert.deepEqual(highlighted(item.documentTitle!), ["Recycling"]);
  assert.ok(item.documentExcerpt!.text.length <= EXCERPT_CHARS);
  assert.ok(item.documentExcerpt!.text.startsWith("…"));
  assert.deepEqual(highlighted(item.documentExcerpt!), ["Batteries"]);
  assert.equal(item.questionText, undefined);
});

Deno.test("answerItem: the best sentence of a passage, highlighted whole as the top answer", () => {
  const body = longBody;
  const answer = answerItem(
    passage,
    { body: [spanOf(body, "Batteries"), spanOf(body, "supermarket")] },
    "HIGH",
    "q1.answer:doc.recycling.0",
  );
  assert.ok(answer);
  assert.equal(answer.type, "ANSWER");
  assert.equal(answer.id, "answer:doc.recycling.0");
  assert.equal(answer.documentTitle!.text, "Recycling guide");
  assert.equal(
    answer.documentExcerpt!.text,
    "Batteries are accepted at every supermarket checkout.",
  );
  assert.deepEqual(answer.documentExcerpt!.highlights, [
    { beginOffset: 0, endOffset: 53, topAnswer: true, type: "STANDARD" },
  ]);
  assert.equal(answerItem(passage, {}, "HIGH", "t"), undefined);
});

Deno.test("answerItem: a sentence over 290 characters is cut at a word, the ellipsis not highlighted", () => {
  const sentence = "Batteries " + "and more ".repeat(40) + "go to the checkout.";
  const item: StoredItem = { ...passage, fields: { title: "T", body: sentence } };
  const answer = answerItem(item, { body: [spanOf(sentence, "Batteries")] }, "HIGH", "t")!;
  const { text, highlights } = answer.documentExcerpt!;
  assert.ok(text.length <= EXCERPT_CHARS + 1);
  assert.ok(text.endsWith("…"));
  assert.ok(sentence.startsWith(text.slice(0, -1)));
  assert.equal(sentence[text.length - 1], " "); // cut at a word break
  assert.deepEqual(highlights.map((h) => [h.beginOffset, h.endOffset]), [[0, text.length - 1]]);
});
