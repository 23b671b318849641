/** The markdown section of docs/benchmarks.md for `deno task bench:search`. */
import type { QualityRow } from "./faq_quality.ts";
import type { BuildRow, LatencyRow } from "./latency.ts";

export interface SearchReport {
  /** Rows whose engine starts with "ours" are ours; the rest are peers. */
  quality?: QualityRow[];
  /** The re-ranker's training time and per-query latency (search + features + ONNX Runtime). */
  reranker?: { trainMs: number; medianMs: number; p99Ms: number };
  faqCounts?: { faqs: number; queries: number; nearMisses: number };
  builds: BuildRow[];
  latency: LatencyRow[];
  rounds: number;
  passages: number;
  queries: number;
  gcForced: boolean;
  /** The query endpoint through the gateway at a fixed rate (`gateway_latency.ts`), per setup. */
  gateway?: {
    label: string;
    rate: number;
    p50Ms: number;
    p99Ms: number;
    reranked: boolean;
    runs: number;
    errors: number;
  }[];
}

const f = (x: number, digits = 3) => x.toFixed(digits);
const met = (ok: boolean) => (ok ? "yes" : "**no**");

function machine(): string {
  let cpu = "";
  try {
    cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.+)/)?.[1] ?? "";
  } catch { /* not Linux */ }
  return `${navigator.hardwareConcurrency} cores${
    cpu ? `, ${cpu}` : ""
  }, Deno ${Deno.version.deno}`;
}

export function renderReport(r: SearchReport): string {
  const ours = r.latency[0];
  const fasterPeer = r.latency.slice(1).reduce((a, b) => (b.medianMs < a.medianMs ? b : a));
  const speedup = fasterPeer.medianMs / ours.medianMs;
  const roundSpeedups = ours.roundMedians.map((m, i) =>
    Math.min(...r.latency.slice(1).map((p) => p.roundMedians[i])) / m
  );
  const q = r.quality;
  const ourRows = q?.filter((row) => row.engine.startsWith("ours")) ?? [];
  const bestPeer = q?.filter((row) => !row.engine.startsWith("ours"))
    .reduce((a, b) => (b.mrr > a.mrr ? b : a));
  const targets = [
    "| target | measured | met |",
    "|---|---|---|",
    ...(q
      ? ourRows.map((o) =>
        `| FAQ precision@1 ≥ 0.60 (${o.engine}) | ${f(o.precisionAt1)} | ${
          met(o.precisionAt1 >= 0.6)
        } |`
      )
      : ["| FAQ precision@1 ≥ 0.60 | not run (../shared/data absent) | — |"]),
    ...(q && bestPeer
      ? ourRows.map((o) =>
        `| FAQ MRR ≥ best peer + 0.10 (${bestPeer.engine} ${f(bestPeer.mrr)} → ${
          f(bestPeer.mrr + 0.1)
        }; ${o.engine}) | ${f(o.mrr)} | ${met(o.mrr >= bestPeer.mrr + 0.1)} |`
      )
      : ["| FAQ MRR ≥ best peer + 0.10 | not run | — |"]),
    `| filtered query median ≥ 2× faster than the faster peer (${fasterPeer.engine}) | ${
      f(speedup, 2)
    }× (per round ${f(Math.min(...roundSpeedups), 2)}–${f(Math.max(...roundSpeedups), 2)}×) | ${
      met(speedup >= 2)
    } |`,
    ...(r.gateway?.length
      ? r.gateway.map((g) =>
        `| through the gateway at ${g.rate} req/s, ${g.label}: p99 ≤ 20 ms${
          g.reranked ? " (re-ranker call included)" : ""
        } | p99 ${f(g.p99Ms, 1)} ms, p50 ${
          f(g.p50Ms, 1)
        } ms (median of ${g.runs} runs, ${g.errors} errors) | ${met(g.p99Ms <= 20)} |`
      )
      : ["| through the gateway at 100 req/s: p99 ≤ 20 ms | not run (needs ../shared/data) | — |"]),
  ];
  const quality = q
    ? [
      "",
      `FAQ matching: ${r.faqCounts?.faqs} English FAQs (source and country as attributes), ` +
      `${r.faqCounts?.queries} paraphrase queries (\`similar = 1\`; any FAQ with the same ` +
      `question text counts as relevant), top 10 per query (MRR counts ranks 1–10); near-miss ` +
      `at 1 = share of the ${r.faqCounts?.nearMisses} \`similar = 0\` queries whose near-miss ` +
      "FAQ is ranked first. Peers use default settings.",
      "",
      "| engine | precision@1 | MRR | nDCG@10 | near-miss at 1 |",
      "|---|---|---|---|---|",
      ...q.map((row) =>
        `| ${row.engine} | ${f(row.precisionAt1)} | ${f(row.mrr)} | ${f(row.ndcgAt10)} | ${
          f(row.nearMissAt1)
        } |`
      ),
      ...(q.some((row) => row.engine.includes("dense encoder")) ? [] : [
        "",
        "The dense retriever (`PUT …/encoder`, any sentence-embedding ONNX model with its " +
        "tokenizer.json) is not in this table: no pretrained sentence encoder can be had on " +
        "this machine (its only registry is npm's, which ships none as ONNX). Run with " +
        "`SEARCH_BENCH_ENCODER=<folder with model.onnx and tokenizer.json>` to add its rows.",
      ]),
      ...(r.reranker
        ? [
          "",
          "Re-ranker (ours + re-ranker): a 14-feature MLP (8 hidden units) trained with tfjs " +
          "at build time on self-supervised pseudo-queries from the FAQs' own questions and " +
          "answers (never the benchmark's queries), exported as ONNX and run here in an " +
          "in-process ONNX Runtime session on the first 30 BM25F candidates. Training " +
          `${f(r.reranker.trainMs / 1000, 1)} s; per query (search + features + one ` +
          `[30, 14] inference) median ${f(r.reranker.medianMs, 3)} ms, p99 ${
            f(r.reranker.p99Ms, 3)
          } ms.`,
        ]
        : []),
    ]
    : ["", "FAQ matching: not run, `../shared/data` is absent."];
  const latency = [
    "",
    `Latency and indexing, in-process, one run: ${r.passages} synthetic passages (seeded ` +
    `generator, title + body, \`city\` one of 20, \`category\` one of 12), ${r.queries} queries ` +
    `(2–4 distinct content words of a random passage; a quarter led by "how do i" or "what is the"), each ` +
    `filtered to one city (ours: \`equalsTo\`, MiniSearch: \`filter\`, Orama: \`where\`), ` +
    `top 10. Engines interleaved per query (rotating order); ${r.rounds} timed rounds after a ` +
    `warm-up round, ${
      r.rounds * r.queries
    } samples per engine. Memory: growth of \`heapUsed + external\` ` +
    (r.gcForced
      ? "after a forced GC, index kept alive."
      : "could not be measured (no forced GC: run with `--v8-flags=--expose-gc`)."),
    "",
    "| engine | build (ms) | memory growth (MB) | query median (ms) | query p99 (ms) | mean hits |",
    "|---|---|---|---|---|---|",
    ...r.latency.map((l, i) => {
      const b = r.builds[i];
      return `| ${l.engine} | ${f(b.buildMs, 0)} | ${
        b.heapMB === undefined ? "n/a" : f(b.heapMB, 1)
      } | ${f(l.medianMs, 4)} | ${f(l.p99Ms, 3)} | ${f(l.meanHits, 1)} |`;
    }),
    "",
    `Machine: ${machine()}.`,
  ];
  return [...targets, ...quality, ...latency].join("\n");
}
