/**
 * Solr `synonyms.txt` parsing (the format of Solr's SynonymGraphFilter and Lucene's
 * SolrSynonymParser): one rule a line, `#` starts a comment, blank lines are skipped.
 *
 * - `a, b, c`: an equivalence; each phrase stands for all of them (Solr's `expand=true`).
 * - `a, b => c, d`: an explicit mapping; `a` and `b` are replaced by `c` and `d`.
 *
 * Phrases are kept as written (trimmed); the analyzer turns them into terms.
 *
 * @example
 * ```ts
 * parseSynonyms("covid, coronavirus\nflu => influenza");
 * // [{ from: ["covid", "coronavirus"], to: ["covid", "coronavirus"] },
 * //  { from: ["flu"], to: ["influenza"] }]
 * ```
 */
import { invalid } from "@edgeml/shared/errors";

/** One parsed line: every phrase of `from` is read as all phrases of `to`. */
export interface SynonymRule {
  from: string[];
  to: string[];
}

/** Parses Solr synonyms text; a malformed line throws `invalid("invalid_synonyms")` naming it. */
export function parseSynonyms(text: string): SynonymRule[] {
  const rules: SynonymRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/#.*$/, "").trim();
    if (line === "") continue;
    const sides = line.split("=>");
    if (sides.length > 2) throw bad(i, "has more than one =>");
    const from = phrases(sides[0]);
    const to = sides.length === 2 ? phrases(sides[1]) : from;
    if (from.length === 0 || to.length === 0) throw bad(i, "has an empty side");
    rules.push({ from, to });
  }
  return rules;
}

const phrases = (side: string) => side.split(",").map((p) => p.trim()).filter((p) => p !== "");

const bad = (index: number, why: string) =>
  invalid("invalid_synonyms", `synonyms line ${index + 1} ${why}`, {
    extra: { line: index + 1 },
  });
