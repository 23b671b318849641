/**
 * Benchmark 3, through the service as a user runs it: the synthetic dataset (default 1M
 * interactions, 20k users, 100k items) imported as Personalize files into the embedded default,
 * FULL trained (timed from the request to ACTIVE), a campaign created (exploration weight 0.3),
 * an hour's worth of events and new items recorded, UPDATE trained (timed the same way), the
 * campaign moved to it in place, then GetRecommendations (25 items) at a fixed rate through the
 * gateway by the open-loop generator in its own process (latency from each request's scheduled
 * time). Targets: p99 ≤ 25 ms at 200 req/s; FULL ≤ 10 min; UPDATE ≤ FULL / 10.
 *
 *   deno run --allow-all services/recommendations/bench/serving/bench_serving.ts \
 *     [--interactions=1000000] [--users=20000] [--items=100000] [--rate=200] [--runs=3]
 */
import { startEmbedded } from "@edgeml/gateway/testing";
import { type OpenLoopResult, startOpenLoopProcess } from "@edgeml/loadtests/open-loop";
import { mulberry32 } from "@edgeml/shared/onnx";
import { recsClient } from "../recs_client.ts";
import { generateSynthetic } from "../offline/synthetic.ts";
import { itemId, SCHEMAS, syntheticFiles, userId } from "./synthetic_files.ts";

export interface ServingBenchOptions {
  interactions?: number;
  users?: number;
  items?: number;
  rate?: number;
  runs?: number;
  durationMs?: number;
  /** Users with events after training, and items added, before UPDATE. */
  newSessions?: number;
  newItems?: number;
  log?: (line: string) => void;
}

export interface ServingBenchResult {
  interactions: number;
  users: number;
  items: number;
  importSeconds: number;
  fullSeconds: number;
  fullTrainingSeconds: number;
  updateSeconds: number;
  updateTrainingSeconds: number;
  newEvents: number;
  rate: number;
  runs: OpenLoopResult[];
  p50Ms: number;
  p99Ms: number;
  throughput: number;
}

const GROUP = "bench";
const SOLUTION = "bench-recs";
const CAMPAIGN = "bench-home";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function runServingBench(
  {
    interactions = 1_000_000,
    users = 20_000,
    items = 100_000,
    rate = 200,
    runs = 3,
    durationMs = 10_000,
    newSessions = 2000,
    newItems = 200,
    log = () => {},
  }: ServingBenchOptions = {},
): Promise<ServingBenchResult> {
  const ds = generateSynthetic({ interactions, users, items });
  const files = syntheticFiles(ds);
  log(`generated ${ds.interactions.user.length} interactions, ${items} items, ${users} users`);
  const server = await startEmbedded({});
  const generator = startOpenLoopProcess();
  try {
    const recs = recsClient(server.url, server.adminToken);
    await recs.post("/dataset-groups", { name: GROUP }, 201);
    let started = performance.now();
    for (const type of ["ITEMS", "USERS", "INTERACTIONS"] as const) {
      await recs.put(`/dataset-groups/${GROUP}/datasets/${type}`, { schema: SCHEMAS[type] });
      const job = await recs.importCsv(GROUP, type, files[type]) as { rowsImported: number };
      log(`imported ${job.rowsImported} ${type} rows`);
    }
    const importSeconds = (performance.now() - started) / 1000;
    await recs.post("/solutions", { name: SOLUTION, datasetGroup: GROUP }, 201);
    started = performance.now();
    const full = await recs.train(SOLUTION, "FULL");
    const fullSeconds = (performance.now() - started) / 1000;
    log(
      `FULL: ${fullSeconds.toFixed(1)} s to ACTIVE (${
        full.trainingSeconds?.toFixed(1)
      } s training)`,
    );
    await recs.post("/campaigns", { name: CAMPAIGN, solution: SOLUTION }, 201);

    // An hour of traffic: new items arrive, sessions click (some on the new items).
    const latest = ds.interactions.time.reduce((a, b) => Math.max(a, b), 0);
    for (let i = 0; i < newItems; i += 10) {
      await recs.post(`/dataset-groups/${GROUP}/items`, {
        items: Array.from({ length: Math.min(10, newItems - i) }, (_, j) => ({
          itemId: `new-${i + j}`,
          properties: { GENRES: `g${(i + j) % 40}`, CREATION_TIMESTAMP: latest + 60 },
        })),
      }, 204);
    }
    const random = mulberry32(11);
    let newEvents = 0;
    for (let s = 0; s < newSessions; s++) {
      const eventList = Array.from({ length: 1 + Math.floor(random() * 5) }, (_, e) => ({
        eventType: "click",
        itemId: random() < 0.2
          ? `new-${Math.floor(random() * newItems)}`
          : itemId(Math.floor(random() * items)),
        sentAt: latest + 60 + s + e,
      }));
      newEvents += eventList.length;
      await recs.putEvents(GROUP, {
        sessionId: `bench-${s}`,
        userId: userId(Math.floor(random() * users * 1.05)), // about 5% users new since FULL
        eventList,
      });
    }
    started = performance.now();
    const update = await recs.train(SOLUTION, "UPDATE");
    const updateSeconds = (performance.now() - started) / 1000;
    log(`UPDATE: ${updateSeconds.toFixed(2)} s to ACTIVE on ${newEvents} new events`);
    await recs.patch(`/campaigns/${CAMPAIGN}`, { solutionVersion: update.version });

    // Known users, users new since training, and strangers (popular and fresh fallback).
    const url = `${server.url}/v1/recommendations/campaigns/${CAMPAIGN}/recommendations`;
    const calls = Array.from({ length: 4000 }, (_, i) => ({
      url,
      body: JSON.stringify({
        userId: i % 20 === 19 ? `stranger-${i}` : userId(Math.floor(random() * users * 1.05)),
        numResults: 25,
      }),
    }));
    await recs.recommend(CAMPAIGN, { userId: userId(0), numResults: 25 }); // version loaded
    const results: OpenLoopResult[] = [];
    for (let r = 0; r < runs; r++) {
      const result = await generator.run({
        rate,
        durationMs,
        warmupMs: 2000,
        calls,
        rotate: true,
      });
      if (result.errors > 0) throw new Error(`load run ${r + 1}: ${result.firstError}`);
      log(
        `load run ${r + 1}: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms`,
      );
      results.push(result);
    }
    return {
      interactions: ds.interactions.user.length,
      users,
      items,
      importSeconds,
      fullSeconds,
      fullTrainingSeconds: full.trainingSeconds ?? NaN,
      updateSeconds,
      updateTrainingSeconds: update.trainingSeconds ?? NaN,
      newEvents,
      rate,
      runs: results,
      p50Ms: median(results.map((r) => r.p50Ms)),
      p99Ms: median(results.map((r) => r.p99Ms)),
      throughput: median(results.map((r) => r.throughput)),
    };
  } finally {
    await generator.stop();
    await server.stop();
    await Deno.remove(server.dataDir, { recursive: true }).catch(() => {});
  }
}

/** The benchmark's markdown rows. */
export function servingReport(r: ServingBenchResult): string[] {
  return [
    `${r.interactions} interactions, ${r.users} users, ${r.items} items imported as CSV in ${
      r.importSeconds.toFixed(1)
    } s; ${r.runs.length} runs of ${r.rate} req/s (median shown).`,
    "",
    "| target | measured | met |",
    "|---|---|---|",
    `| GetRecommendations p99 ≤ 25 ms at ${r.rate} req/s, ${r.items} items | p99 ${
      r.p99Ms.toFixed(1)
    } ms, p50 ${r.p50Ms.toFixed(1)} ms, ${r.throughput.toFixed(0)} req/s served (runs: ${
      r.runs.map((x) => x.p99Ms.toFixed(1)).join(" / ")
    } ms p99) | ${r.p99Ms <= 25 ? "yes" : "no"} |`,
    `| FULL on ${r.interactions} interactions ≤ 10 min | ${
      r.fullSeconds.toFixed(1)
    } s request to ACTIVE (${
      r.fullTrainingSeconds.toFixed(1)
    } s of it training and evaluation in the worker) | ${r.fullSeconds <= 600 ? "yes" : "no"} |`,
    `| UPDATE ≤ FULL / 10 | ${
      r.updateSeconds.toFixed(2)
    } s request to ACTIVE on ${r.newEvents} new events (${
      (r.updateSeconds / r.fullSeconds).toFixed(3)
    } of FULL) | ${r.updateSeconds <= r.fullSeconds / 10 ? "yes" : "no"} |`,
  ];
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
    return arg ? Number(arg.slice(name.length + 3)) : fallback;
  };
  const result = await runServingBench({
    interactions: flag("interactions", 1_000_000),
    users: flag("users", 20_000),
    items: flag("items", 100_000),
    rate: flag("rate", 200),
    runs: flag("runs", 3),
    log: (line) => console.error(`[${new Date().toISOString()}] ${line}`),
  });
  console.log(servingReport(result).join("\n"));
}
