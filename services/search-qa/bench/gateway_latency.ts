/**
 * The query endpoint through the gateway at a fixed rate: the FAQ data as an index of the
 * embedded default (`embedded_index.ts`: re-ranker and dense encoder as asked), the open-loop
 * generator (`@edgeml/loadtests/open-loop`, its own process, latency from each request's
 * scheduled time) cycling through the benchmark's queries with an attribute filter. Target:
 * p99 ≤ 20 ms at 100 req/s, re-ranker call included.
 */
import { type OpenLoopResult, startOpenLoopProcess } from "@edgeml/loadtests/open-loop";
import { type EmbeddedIndexOptions, startEmbeddedFaqIndex } from "./embedded_index.ts";
import type { Faq, FaqQuery } from "./faq_data.ts";

export interface GatewayLatency {
  rate: number;
  runs: OpenLoopResult[];
  p99Ms: number;
  p50Ms: number;
  reranked: boolean;
}

export async function measureGatewayLatency(
  faqs: Faq[],
  queries: FaqQuery[],
  { rate = 100, runs = 3, durationMs = 10_000, warmupMs = 2_000, ...index }:
    & { rate?: number; runs?: number; durationMs?: number; warmupMs?: number }
    & EmbeddedIndexOptions = {},
): Promise<GatewayLatency> {
  const embedded = await startEmbeddedFaqIndex(faqs, index);
  const generator = startOpenLoopProcess();
  try {
    const countries = [...new Set(faqs.map((f) => f.country))];
    const calls = queries.map((q, i) => ({
      url: embedded.queryUrl,
      body: JSON.stringify({
        queryText: q.text,
        // Every other query is filtered, as a chatbot's caller location would.
        ...(i % 2 === 0
          ? {
            attributeFilter: {
              equalsTo: { key: "country", value: { stringValue: countries[i % countries.length] } },
            },
          }
          : {}),
      }),
    }));
    const results: OpenLoopResult[] = [];
    for (let r = 0; r < runs; r++) {
      results.push(await generator.run({ rate, durationMs, warmupMs, calls, rotate: true }));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return {
      rate,
      runs: results,
      p99Ms: median(results.map((r) => r.p99Ms)),
      p50Ms: median(results.map((r) => r.p50Ms)),
      reranked: embedded.reranked,
    };
  } finally {
    await generator.stop();
    await embedded.stop();
  }
}
