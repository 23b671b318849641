/**
 * `deno task bench:search`: our search index vs MiniSearch and Orama (default settings).
 *
 * (a) FAQ matching quality on the 224 English COVID-19 FAQs of `../shared/data` (skipped with a
 *     message when that folder is absent): precision@1, MRR and nDCG@10 over the 164 paraphrase
 *     queries, and how often a near-miss (`similar = 0`) FAQ is ranked first.
 * (b) Indexing and filtered-query latency in-process on a seeded 20 000-passage corpus with
 *     1000 queries, each filtered to one of 20 cities, engines interleaved per query.
 *
 * Memory growth needs a forced GC: without `--v8-flags=--expose-gc` the script re-runs itself
 * with it. Options: --rounds N (3 timed rounds after a warm-up), --no-write.
 */
import { parseArgs } from "node:util";
import { writeReportSection } from "@edgeml/shared/eval/report";
import { buildCorpus } from "./corpus.ts";
import { loadFaqBenchData } from "./faq_data.ts";
import { faqQuality, type QualityRow } from "./faq_quality.ts";
import { buildAll, type Engine, timeQueries } from "./latency.ts";
import { oursCorpus, oursFaq } from "./ours.ts";
import { miniSearchCorpus, miniSearchFaq } from "./peer_minisearch.ts";
import { oramaCorpus, oramaFaq } from "./peer_orama.ts";
import { renderReport } from "./report.ts";

if (!("gc" in globalThis) && !Deno.env.get("BENCH_SEARCH_CHILD")) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--v8-flags=--expose-gc", import.meta.filename!, ...Deno.args],
    env: { BENCH_SEARCH_CHILD: "1" },
  });
  Deno.exit((await child.spawn().status).code);
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "3" },
    "no-write": { type: "boolean", default: false },
  },
});
const ROUNDS = Number(values.rounds);
const progress = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));

// ---- (a) FAQ quality ----------------------------------------------------------------------

const faqData = await loadFaqBenchData();
let quality: QualityRow[] | undefined;
if (!faqData) {
  progress(
    "FAQ quality skipped: ../shared/data (covid-faq.tsv, covid-faq-question-similarity.csv) " +
      "is absent beside the repository root; docs/benchmarks.md is left as it is.",
  );
} else {
  progress(`FAQ quality: ${faqData.faqs.length} FAQs, ${faqData.queries.length} queries`);
  quality = [
    faqQuality("ours", oursFaq(faqData.faqs), faqData),
    faqQuality("MiniSearch (question)", miniSearchFaq(faqData.faqs, ["question"]), faqData),
    faqQuality(
      "MiniSearch (question + answer)",
      miniSearchFaq(faqData.faqs, ["question", "answer"]),
      faqData,
    ),
    faqQuality("Orama (question, answer)", oramaFaq(faqData.faqs), faqData),
  ];
}

// ---- (b) latency and indexing -------------------------------------------------------------

progress("corpus: 20 000 passages, 1000 queries");
const corpus = buildCorpus();
const cityOf = new Map(corpus.passages.map((p) => [p.id, p.city]));
const engines: Engine[] = [
  { name: "ours", build: oursCorpus },
  { name: "MiniSearch", build: miniSearchCorpus },
  { name: "Orama", build: oramaCorpus },
];
progress("building indexes");
const built = buildAll(engines, corpus.passages);
progress(`querying: 1 warm-up + ${ROUNDS} rounds × 1000 queries × ${engines.length} engines`);
const latency = timeQueries(
  engines.map((e) => e.name),
  built.searches,
  corpus.queries,
  cityOf,
  ROUNDS,
);

const markdown = renderReport({
  quality,
  faqCounts: faqData &&
    {
      faqs: faqData.faqs.length,
      queries: faqData.queries.length,
      nearMisses: faqData.nearMisses.length,
    },
  builds: built.rows,
  latency,
  rounds: ROUNDS,
  passages: corpus.passages.length,
  queries: corpus.queries.length,
  gcForced: "gc" in globalThis,
});
console.log(markdown);
if (!values["no-write"] && quality) {
  await writeReportSection(
    new URL("../../../docs/benchmarks.md", import.meta.url).pathname,
    "search",
    "Search Q&A (`npx deno task bench:search`)",
    markdown,
  );
}
