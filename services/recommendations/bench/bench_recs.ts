/**
 * `deno task bench:recs`: the recommendations service's three benchmarks in one run, written to
 * docs/benchmarks.md (between the `bench:recommendations` markers):
 *
 * 1. the exploration simulator on the real service loop, explorationWeight 0 / 0.3 / 1
 *    (`simulator/run_simulator.ts`);
 * 2. offline quality against popularity and BPR-MF, FULL and UPDATE in process
 *    (`offline/bench_offline.ts`);
 * 3. serving through the gateway at 200 req/s with a 100k-item catalogue, and FULL / UPDATE
 *    timed through the service (`serving/bench_serving.ts`).
 *
 *   deno task bench:recs [--quick] [--no-write]
 *
 * `--quick` shrinks every benchmark (a smoke run of the machinery, minutes); its figures are
 * not the targets' and it never writes the docs.
 */
import { writeReportSection } from "@edgeml/shared/eval/report";
import { runOfflineBench } from "./offline/bench_offline.ts";
import { runServingBench, servingReport } from "./serving/bench_serving.ts";
import { runSimulatorBench } from "./simulator/run_simulator.ts";

const quick = Deno.args.includes("--quick");
const write = !quick && !Deno.args.includes("--no-write");
const log = (line: string) => console.error(`[${new Date().toISOString()}] ${line}`);
const started = performance.now();

log("1/3 exploration simulator (real service loop)");
const hours = quick ? 6 : 48;
const simulator = await runSimulatorBench({ hours, every: quick ? 2 : 6, log });
log("2/3 offline quality");
const offline = runOfflineBench(quick ? { interactions: 100_000, evalUsers: 1000, log } : { log });
log("3/3 serving and training through the service");
const serving = await runServingBench(
  quick ? { interactions: 100_000, users: 5000, items: 20_000, runs: 1, log } : { log },
);

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
const markdown = [
  `One run of \`npx deno task bench:recs\` (${minutes} min) on ${navigator.hardwareConcurrency} ` +
  `cores, ${new Date().toISOString().slice(0, 10)}.`,
  "",
  `### 1. Exploration simulator (real service loop, seed 1, ${hours} simulated hours)`,
  "",
  "Cumulative figures at each hour: click-through, click-through of new items (clicks on new " +
  "items per new-item impression), clicks on new items per impression of any item, and the " +
  "share of impressions that were new items.",
  "",
  ...simulator.markdown,
  "",
  "### 2. Offline quality (Personalize's time-based holdout)",
  "",
  ...offline,
  "",
  "### 3. Serving and training through the service",
  "",
  ...servingReport(serving),
].join("\n");
console.log(markdown);
if (write) {
  await writeReportSection(
    new URL("../../../docs/benchmarks.md", import.meta.url).pathname,
    "recommendations",
    "Recommendations (`npx deno task bench:recs`)",
    markdown,
  );
  log("wrote docs/benchmarks.md");
}
