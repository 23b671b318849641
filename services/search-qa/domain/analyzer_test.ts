import assert from "node:assert/strict";
import { createAnalyzer } from "./analyzer.ts";

Deno.test("tokens are lowercased, stemmed, stop-word free, with offsets into the original", () => {
  const text = "The Libraries' opening HOURS in Zürich, 2024!";
  const tokens = createAnalyzer().analyze(text);
  assert.deepEqual(tokens, [
    { term: "librari", start: 4, end: 13, position: 1 },
    { term: "open", start: 15, end: 22, position: 2 },
    { term: "hour", start: 23, end: 28, position: 3 },
    { term: "zürich", start: 32, end: 38, position: 5 },
    { term: "2024", start: 40, end: 44, position: 6 },
  ]);
  assert.equal(text.slice(tokens[0].start, tokens[0].end), "Libraries");
});

Deno.test("possessives and curly apostrophes; offsets count UTF-16 units", () => {
  const text = "🙂 city’s park don't";
  const tokens = createAnalyzer({ stopWords: [] }).analyze(text);
  assert.deepEqual(tokens.map((t) => [t.term, t.start, t.end]), [
    ["citi", 3, 9],
    ["park", 10, 14],
    ["don't", 15, 20],
  ]);
});

Deno.test("stemming and stop words can be switched off or replaced", () => {
  const analyzer = createAnalyzer({ stem: false, stopWords: ["opening"] });
  assert.deepEqual(analyzer.analyze("the opening hours").map((t) => t.term), ["the", "hours"]);
});

Deno.test("expandQuery groups equivalent and mapped synonyms, longest phrase first", () => {
  const analyzer = createAnalyzer({
    synonyms: "covid, coronavirus, covid 19\n# comment\nflu => influenza\nlibrary, libraries",
  });
  const groups = analyzer.expandQuery("Covid 19 and FLU at the library");
  assert.deepEqual(groups, [
    { terms: ["covid", "coronaviru", "19"], text: "covid 19", start: 0, end: 8 },
    { terms: ["influenza"], text: "flu", start: 13, end: 16 },
    { terms: ["librari"], text: "library", start: 24, end: 31 },
  ]);
  assert.deepEqual(analyzer.expandQuery("coronavirus").map((g) => g.terms), [[
    "covid",
    "coronaviru",
    "19",
  ]]);
  assert.deepEqual(analyzer.expandQuery("opening hours").map((g) => g.terms), [["open"], ["hour"]]);
});

Deno.test("memoTokens: a text read again replays the same tokens, and the memo stays bounded", () => {
  const text = "The libraries' opening hours: Monday to Friday, 9:00–17:00; closed on holidays.";
  const plain = createAnalyzer();
  const memo = createAnalyzer({ memoTokens: 20 });
  const seen = (a: ReturnType<typeof createAnalyzer>, t: string) => {
    const out: unknown[] = [];
    a.forEachToken(t, (...args) => out.push(args));
    return out;
  };
  const expected = seen(plain, text);
  assert.deepEqual(seen(memo, text), expected);
  assert.deepEqual(seen(memo, text), expected); // from the memo
  // A second long text overflows the 20-token bound: the memo starts over, answers stay right.
  const other =
    "Residents may borrow up to twenty books and ten films at any branch of the library.";
  assert.deepEqual(seen(memo, other), seen(plain, other));
  assert.deepEqual(seen(memo, text), expected);
  assert.deepEqual(memo.analyze("short query"), plain.analyze("short query"));
});
