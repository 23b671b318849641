/**
 * Text analysis shared by indexing and querying: Unicode word tokens (letters, marks and digits,
 * with inner apostrophes), lowercased, English possessive `'s` dropped, stop words removed (the
 * compact list of Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`), ASCII words Porter-stemmed
 * (`stemmer`, Porter 1980). Positions count every word, stop words included, as Lucene's position
 * increments do; offsets are UTF-16 indices into the original text, for highlights.
 *
 * Synonyms (Solr format, see `synonyms.ts`) apply at query time only: `expandQuery` returns one
 * group of alternative terms per query word or matched synonym phrase (longest match first). A
 * multi-word alternative contributes each of its terms to the group.
 *
 * @example
 * ```ts
 * const analyzer = createAnalyzer({ synonyms: "covid, coronavirus" });
 * analyzer.analyze("The Libraries' hours"); // librari@4–13 (position 1), hour@15–20 (position 2)
 * analyzer.expandQuery("covid rules"); // [{ terms: ["covid", "coronavirus"] }, { terms: ["rule"] }]
 * ```
 */
import { stemmer } from "stemmer";
import { parseSynonyms } from "./synonyms.ts";

/** Lucene's `EnglishAnalyzer.ENGLISH_STOP_WORDS_SET`. */
export const ENGLISH_STOP_WORDS: readonly string[] = [
  "a",
  "an",
  "and",
  "are",
  "as",
  "at",
  "be",
  "but",
  "by",
  "for",
  "if",
  "in",
  "into",
  "is",
  "it",
  "no",
  "not",
  "of",
  "on",
  "or",
  "such",
  "that",
  "the",
  "their",
  "then",
  "there",
  "these",
  "they",
  "this",
  "to",
  "was",
  "will",
  "with",
]; // deno-fmt-ignore

export interface AnalyzerOptions {
  /** Words dropped before stemming (lowercase); default {@link ENGLISH_STOP_WORDS}. */
  stopWords?: Iterable<string>;
  /** Solr `synonyms.txt` text, applied by `expandQuery`. */
  synonyms?: string;
  /** Porter-stem ASCII words (default true). */
  stem?: boolean;
  /**
   * Keep the tokens of texts analysed again and again (stored fields, as hit details and
   * re-ranker features read the same candidates query after query), up to this many tokens in
   * all (default 0: none; building an index reads each text once).
   */
  memoTokens?: number;
}

export interface Token {
  term: string;
  start: number;
  end: number;
  position: number;
}

/** One query word (or synonym phrase) and the terms any of which may match it. */
export interface QueryTermGroup {
  terms: string[];
  /** The query's words this group stands for, lowercased. */
  text: string;
  start: number;
  end: number;
}

/** Called per kept token; `word` is the lowercased word before stemming. */
export type TokenVisitor = (
  term: string,
  start: number,
  end: number,
  position: number,
  word: string,
) => void;

export interface Analyzer {
  analyze(text: string): Token[];
  /** `analyze` without building the array: for indexing. */
  forEachToken(text: string, visit: TokenVisitor): void;
  expandQuery(text: string): QueryTermGroup[];
}

const WORD = /[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;
const ASCII_WORD = /^[a-z]+$/;
const CACHE_LIMIT = 200_000;

/** A memo size for analyzers that read stored fields at query time (about 30 MB at most). */
export const MEMO_TOKENS = 500_000;

/** Shorter texts (queries, titles) are tokenized each time: the lookup would cost as much. */
const MEMO_MIN_CHARS = 48;

interface MemoTokens {
  terms: string[];
  words: string[];
  starts: Int32Array;
  ends: Int32Array;
  positions: Int32Array;
}

interface Analysed {
  word: string;
  term: string | null;
}

export function createAnalyzer(options: AnalyzerOptions = {}): Analyzer {
  const { stopWords = ENGLISH_STOP_WORDS, synonyms = "", stem = true, memoTokens = 0 } = options;
  const stops = new Set(stopWords);
  const cache = new Map<string, Analysed>();

  const analyseWord = (raw: string): Analysed => {
    let word = raw.toLowerCase().replaceAll("’", "'");
    if (word.endsWith("'s")) word = word.slice(0, -2);
    const term = stops.has(word) ? null : stem && ASCII_WORD.test(word) ? stemmer(word) : word;
    return { word, term };
  };

  const memo = new Map<string, MemoTokens>();
  let memoSize = 0;

  const forEachToken = (text: string, visit: TokenVisitor) => {
    if (memoTokens > 0 && text.length >= MEMO_MIN_CHARS) {
      let tokens = memo.get(text);
      if (tokens === undefined) {
        tokens = recordTokens(text);
        if (memoSize + tokens.terms.length > memoTokens) {
          memo.clear();
          memoSize = 0;
        }
        memo.set(text, tokens);
        memoSize += tokens.terms.length;
      }
      const { terms, starts, ends, positions, words } = tokens;
      for (let i = 0; i < terms.length; i++) {
        visit(terms[i], starts[i], ends[i], positions[i], words[i]);
      }
      return;
    }
    tokenize(text, visit);
  };

  const recordTokens = (text: string): MemoTokens => {
    const terms: string[] = [], words: string[] = [];
    const at: number[] = [];
    tokenize(text, (term, start, end, position, word) => {
      terms.push(term);
      words.push(word);
      at.push(start, end, position);
    });
    const n = terms.length;
    const starts = new Int32Array(n), ends = new Int32Array(n), positions = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      starts[i] = at[3 * i];
      ends[i] = at[3 * i + 1];
      positions[i] = at[3 * i + 2];
    }
    return { terms, words, starts, ends, positions };
  };

  const tokenize = (text: string, visit: TokenVisitor) => {
    let position = 0;
    for (const match of text.matchAll(WORD)) {
      const raw = match[0];
      let analysed = cache.get(raw);
      if (analysed === undefined) {
        if (cache.size >= CACHE_LIMIT) cache.clear();
        analysed = analyseWord(raw);
        cache.set(raw, analysed);
      }
      if (analysed.term !== null) {
        visit(analysed.term, match.index, match.index + raw.length, position, analysed.word);
      }
      position++;
    }
  };

  const analyze = (text: string): Token[] => {
    const tokens: Token[] = [];
    forEachToken(text, (term, start, end, position) => tokens.push({ term, start, end, position }));
    return tokens;
  };

  const { map, longest } = compileSynonyms(synonyms, analyze);

  const expandQuery = (text: string): QueryTermGroup[] => {
    const tokens = analyze(text);
    const groups: QueryTermGroup[] = [];
    for (let i = 0; i < tokens.length;) {
      let n = Math.min(longest, tokens.length - i);
      let terms: string[] | undefined;
      for (; n > 0 && terms === undefined; n--) {
        terms = map.get(tokens.slice(i, i + n).map((t) => t.term).join(" "));
      }
      n = terms === undefined ? 1 : n + 1;
      const start = tokens[i].start, end = tokens[i + n - 1].end;
      groups.push({
        terms: terms ?? [tokens[i].term],
        text: text.slice(start, end).toLowerCase(),
        start,
        end,
      });
      i += n;
    }
    return groups;
  };

  return { analyze, forEachToken, expandQuery };
}

/** Synonym phrases as analysed term keys ("covid 19") → the union of their alternatives' terms. */
function compileSynonyms(text: string, analyze: (text: string) => Token[]) {
  const map = new Map<string, string[]>();
  let longest = 0;
  const termsOf = (phrase: string) => analyze(phrase).map((t) => t.term);
  for (const rule of parseSynonyms(text)) {
    const to = rule.to.flatMap(termsOf);
    for (const phrase of rule.from) {
      const from = termsOf(phrase);
      if (from.length === 0 || to.length === 0) continue;
      const key = from.join(" ");
      map.set(key, [...new Set([...(map.get(key) ?? []), ...to])]);
      longest = Math.max(longest, from.length);
    }
  }
  return { map, longest };
}
