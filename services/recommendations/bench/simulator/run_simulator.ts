/**
 * Benchmark 1, the exploration simulator on the real service: for explorationWeight 0, 0.3 and 1
 * (the same world seed, the same exploration seed), a fresh embedded default process is started
 * and driven through the service loop (`service_loop.ts`); the cumulative click-through overall
 * and on new items is reported per round, with each weight's change against 0.
 *
 *   deno run --allow-all services/recommendations/bench/simulator/run_simulator.ts \
 *     [--seed=1] [--hours=48] [--every=6]
 */
import { startEmbedded } from "@edgeml/gateway/testing";
import type { RoundMetrics } from "./policy_harness.ts";
import { simulatorReport } from "./report.ts";
import { runServiceLoop, type ServiceLoopResult } from "./service_loop.ts";

export interface SimulatorBenchOptions {
  seed?: number;
  hours?: number;
  every?: number;
  weights?: number[];
  log?: (line: string) => void;
}

/** Runs every weight on its own fresh service; resolves with the markdown report. */
export async function runSimulatorBench(
  { seed = 1, hours = 48, every = 6, weights = [0, 0.3, 1], log = () => {} }:
    SimulatorBenchOptions = {},
): Promise<{ markdown: string[]; results: ServiceLoopResult[] }> {
  const results: ServiceLoopResult[] = [];
  for (const explorationWeight of weights) {
    const server = await startEmbedded({ env: { RECS_EXPLORATION_SEED: String(seed) } });
    try {
      const started = performance.now();
      results.push(
        await runServiceLoop({
          baseUrl: server.url,
          adminToken: server.adminToken,
          explorationWeight,
          seed,
          hours,
          onRound: (r) => {
            if ((r.hour + 1) % every === 0) {
              log(
                `w=${explorationWeight} hour ${r.hour + 1}: ${r.clicks}/${r.impressions} clicks, ` +
                  `${r.newClicks}/${r.newImpressions} on new items, UPDATE ${
                    r.updateSeconds.toFixed(2)
                  } s (${((performance.now() - started) / 1000).toFixed(0)} s so far)`,
              );
            }
          },
        }),
      );
    } finally {
      await server.stop();
      await Deno.remove(server.dataDir, { recursive: true }).catch(() => {});
    }
  }
  const runs: RoundMetrics[][] = results.map((r) => r.rounds);
  const updates = results.flatMap((r) => r.updateSeconds).sort((a, b) => a - b);
  const median = updates[Math.floor(updates.length / 2)] ?? 0;
  const markdown = [
    ...simulatorReport(weights, runs, every),
    "",
    `FULL at the start: ${results.map((r) => r.fullSeconds.toFixed(1)).join(" / ")} s; hourly ` +
    `UPDATE, request to ACTIVE: median ${median.toFixed(2)} s, max ${
      (updates.at(-1) ?? 0).toFixed(2)
    } s (${updates.length} updates).`,
  ];
  return { markdown, results };
}

if (import.meta.main) {
  const flag = (name: string, fallback: number) => {
    const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
    return arg ? Number(arg.slice(name.length + 3)) : fallback;
  };
  const seed = flag("seed", 1);
  const hours = flag("hours", 48);
  const { markdown } = await runSimulatorBench({
    seed,
    hours,
    every: flag("every", 6),
    log: console.log,
  });
  console.log(`\n# Exploration simulator, real service loop, seed ${seed}, ${hours} h\n`);
  console.log(markdown.join("\n"));
}
