/**
 * The query endpoint through the gateway at a fixed rate: the embedded default (`main.ts`) with
 * the FAQ data as an index (ingested through the API, re-ranker published by the control plane
 * where one is trained), the open-loop generator (`@edgeml/loadtests/open-loop`, its own
 * process, latency from each request's scheduled time) cycling through the benchmark's queries
 * with an attribute filter. Target: p99 ≤ 20 ms at 100 req/s, re-ranker call included.
 */
import { startEmbedded } from "@edgeml/gateway/testing";
import { type OpenLoopResult, startOpenLoopProcess } from "@edgeml/loadtests/open-loop";
import type { Faq, FaqQuery } from "./faq_data.ts";

const csvCell = (text: string) => `"${text.replaceAll('"', '""')}"`;

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
  { rate = 100, runs = 3, durationMs = 10_000, warmupMs = 2_000 } = {},
): Promise<GatewayLatency> {
  const server = await startEmbedded({ env: { EDGEML_LOG_LEVEL: "error" } });
  const generator = startOpenLoopProcess();
  try {
    const auth = { authorization: `Bearer ${server.adminToken}` };
    const created = await fetch(`${server.url}/v1/search/indexes`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        name: "covid",
        attributeSchema: { source: "STRING", country: "STRING" },
      }),
    });
    if (created.status !== 201) throw new Error(`index: ${created.status} ${await created.text()}`);
    const csv = ["_question,_answer,source,country"].concat(
      faqs.map((f) => [f.question, f.answer, f.source, f.country].map(csvCell).join(",")),
    ).join("\n");
    const put = await fetch(
      `${server.url}/v1/search/indexes/covid/faqs/en?format=CSV_WITH_HEADER`,
      {
        method: "PUT",
        headers: { ...auth, "content-type": "text/csv" },
        body: csv,
      },
    );
    if (!put.ok) throw new Error(`faqs: ${put.status} ${await put.text()}`);
    await put.body?.cancel();
    const metadata = await fetch(`${server.url}/v2/models/search-covid-reranker`);
    const reranked = metadata.ok;
    await metadata.body?.cancel();
    const countries = [...new Set(faqs.map((f) => f.country))];
    const calls = queries.map((q, i) => ({
      url: `${server.url}/v1/search/indexes/covid/query`,
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
      reranked,
    };
  } finally {
    await generator.stop();
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true });
  }
}
