/**
 * `deno task bench:search`: our search index vs MiniSearch and Orama (default settings).
 *
 * (a) FAQ matching quality on the 224 English COVID-19 FAQs of `../shared/data` (skipped with a
 *     message when that folder is absent): precision@1, MRR and nDCG@10 over the 164 paraphrase
 *     queries, and how often a near-miss (`similar = 0`) FAQ is ranked first; ours with and
 *     without the learned re-ranker (trained from the FAQs' own text, run in an in-process ONNX
 *     Runtime session), with its training time and per-query latency.
 * (b) Indexing and filtered-query latency in-process on a seeded 20 000-passage corpus with
 *     1000 queries, each filtered to one of 20 cities, engines interleaved per query.
 * (c) The query endpoint through the gateway of the embedded default at 100 req/s (open loop),
 *     the FAQs as an index, the paraphrase queries cycled, every other one filtered: as created
 *     by default, and with the learned re-ranker (one worker-pool call per query).
 *
 * "ours (query endpoint)" is measured through the real endpoint of the embedded default. With
 * `SEARCH_BENCH_ENCODER=<folder>` (a sentence-embedding `model.onnx` and its `tokenizer.json`,
 * e.g. an ONNX export of sentence-transformers/all-MiniLM-L6-v2) the index also gets that dense
 * encoder, for a quality row and a gateway row of the hybrid retriever.
 *
 * Memory growth needs a forced GC: without `--v8-flags=--expose-gc` the script re-runs itself
 * with it. Options: --rounds N (3 timed rounds after a warm-up), --no-write.
 */
import { parseArgs } from "node:util";
import { writeReportSection } from "@edgeml/shared/eval/report";
import { buildCorpus } from "./corpus.ts";
import { loadFaqBenchData } from "./faq_data.ts";
import { faqQuality, type QualityRow } from "./faq_quality.ts";
import { buildAll, type Engine, quantile, timeQueries } from "./latency.ts";
import { oursCorpus, oursFaq } from "./ours.ts";
import { startEmbeddedFaqIndex } from "./embedded_index.ts";
import { oursRerankedFaq } from "./ours_reranked.ts";
import { miniSearchCorpus, miniSearchFaq } from "./peer_minisearch.ts";
import { oramaCorpus, oramaFaq } from "./peer_orama.ts";
import { renderReport, type SearchReport } from "./report.ts";
import { measureGatewayLatency } from "./gateway_latency.ts";

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
const ENCODER_DIR = Deno.env.get("SEARCH_BENCH_ENCODER");
const progress = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));

// ---- (a) FAQ quality ----------------------------------------------------------------------

const faqData = await loadFaqBenchData();
let quality: QualityRow[] | undefined;
let reranker: { trainMs: number; medianMs: number; p99Ms: number } | undefined;
if (!faqData) {
  progress(
    "FAQ quality skipped: ../shared/data (covid-faq.tsv, covid-faq-question-similarity.csv) " +
      "is absent beside the repository root; docs/benchmarks.md is left as it is.",
  );
} else {
  progress(`FAQ quality: ${faqData.faqs.length} FAQs, ${faqData.queries.length} queries`);
  progress("training the re-ranker from the FAQs' own text");
  const reranked = await oursRerankedFaq(faqData.faqs);
  const times: number[] = [];
  const timed = async (text: string, limit?: number) => {
    const t0 = performance.now();
    const ids = await reranked.rank(text, limit);
    times.push(performance.now() - t0);
    return ids;
  };
  const endpoint = await startEmbeddedFaqIndex(faqData.faqs);
  const endpointQuality = await faqQuality("ours (query endpoint)", endpoint.rank, faqData);
  await endpoint.stop();
  let hybridQuality: QualityRow[] = [];
  if (ENCODER_DIR) {
    progress(`uploading the dense encoder in ${ENCODER_DIR}`);
    const hybrid = await startEmbeddedFaqIndex(faqData.faqs, { encoderDir: ENCODER_DIR });
    hybridQuality = [
      await faqQuality(`ours (query endpoint + dense encoder)`, hybrid.rank, faqData),
    ];
    await hybrid.stop();
  }
  quality = [
    endpointQuality,
    ...hybridQuality,
    await faqQuality("ours, BM25F alone", oursFaq(faqData.faqs), faqData),
    await faqQuality("ours + re-ranker", timed, faqData),
    await faqQuality("MiniSearch (question)", miniSearchFaq(faqData.faqs, ["question"]), faqData),
    await faqQuality(
      "MiniSearch (question + answer)",
      miniSearchFaq(faqData.faqs, ["question", "answer"]),
      faqData,
    ),
    await faqQuality("Orama (question, answer)", oramaFaq(faqData.faqs), faqData),
  ];
  await reranked.release();
  times.sort((a, b) => a - b);
  reranker = {
    trainMs: reranked.trainMs,
    medianMs: quantile(times, 0.5),
    p99Ms: quantile(times, 0.99),
  };
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

const gateway: NonNullable<SearchReport["gateway"]> = [];
if (faqData) {
  const setups = [
    { label: "as created by default (BM25F + fusion)", options: {} },
    { label: "with the learned re-ranker", options: { learnedReranker: true } },
    ...(ENCODER_DIR
      ? [{ label: "with the dense encoder", options: { encoderDir: ENCODER_DIR } }]
      : []),
  ];
  for (const { label, options } of setups) {
    progress(`through the gateway, ${label}: 100 req/s, open loop, 3 runs of 10 s`);
    const measured = await measureGatewayLatency(faqData.faqs, faqData.queries, options);
    gateway.push({
      label,
      rate: measured.rate,
      p50Ms: measured.p50Ms,
      p99Ms: measured.p99Ms,
      reranked: measured.reranked,
      runs: measured.runs.length,
      errors: measured.runs.reduce((n, r) => n + r.errors, 0),
    });
  }
}

const markdown = renderReport({
  gateway,
  quality,
  reranker,
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
