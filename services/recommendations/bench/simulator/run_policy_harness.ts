/**
 * Runs the exploration policy harness (STAND-IN recommender, not the benchmark: that is
 * `run_simulator.ts`) for explorationWeight 0, 0.3 and 1 on the same seeded world and prints,
 * cumulatively, click-through overall and on new items, and the changes against weight 0.
 *
 *   deno run --allow-all services/recommendations/bench/simulator/run_policy_harness.ts \
 *     [--seed=1] [--hours=48] [--every=6]
 */
import { runPolicyHarness } from "./policy_harness.ts";
import { simulatorReport } from "./report.ts";

const flag = (name: string, fallback: number) => {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
};
const seed = flag("seed", 1);
const hours = flag("hours", 48);
const every = flag("every", 6);
const weights = [0, 0.3, 1];

const started = performance.now();
const runs = weights.map((explorationWeight) =>
  runPolicyHarness({ explorationWeight, seed, hours })
);
console.log(`# Exploration policy harness (STAND-IN recommender), seed ${seed}, ${hours} h\n`);
console.log(simulatorReport(weights, runs, every).join("\n"));
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s for three runs)`);
