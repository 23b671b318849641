/**
 * `deno task bench:swa-serving`: `predict` in `swa` and `swag` (S = 16, 32) modes through the
 * gateway at fixed request rates, next to the same row sent straight to the worker pool (the
 * limit), and one stacked graph of S = 16 draws vs 16 separate worker models. Targets (the
 * issue's): `swa` adds at most 1 ms p50 over the direct worker call; `swag` with S = 16 costs at
 * most 4× `swa` in p50. Results go to docs/benchmarks.md (section `swa-serving`).
 *
 * One embedded process (pool + gateway), one open-loop generator process; at each rate, run 1
 * of every target, then run 2, … (drift hits every target alike); rows report medians.
 *
 * Options: --rates (100,300,600), --stack-rates (25,100), --runs (5), --duration-ms (4000),
 * --warmup-ms (1000), --no-write.
 */
import { parseArgs } from "node:util";
import { writeReportSection } from "@edgeml/shared/eval/report";
import { digitsRows, manifest } from "../control/testing/fixtures.ts";
import type { OpenLoopResult } from "@edgeml/loadtests/open-loop";
import { type OpenLoopProcess, startOpenLoopProcess } from "@edgeml/loadtests/open-loop";
import { measureRawStacked } from "./raw_stacked.ts";
import { renderReport, type Row, summarize } from "./report.ts";
import { publishSampleModels } from "./separate_models.ts";
import { type BenchServer, startBenchServer } from "./setup.ts";
import { checkTargets, inferCall, inputName, servingTargets, type Target } from "./targets.ts";
import { profilePredict } from "./profile.ts";

const { values } = parseArgs({
  options: {
    rates: { type: "string", default: "100,300,600" },
    "stack-rates": { type: "string", default: "25,100" },
    runs: { type: "string", default: "5" },
    "duration-ms": { type: "string", default: "4000" },
    "warmup-ms": { type: "string", default: "1000" },
    "no-write": { type: "boolean", default: false },
  },
});
const numbers = (s: string) => s.split(",").map(Number).filter((n) => n > 0);
const rates = numbers(values.rates);
const stackRates = numbers(values["stack-rates"]);
const runs = Number(values.runs);
const durationMs = Number(values["duration-ms"]);
const warmupMs = Number(values["warmup-ms"]);
if (!rates.length || !(runs >= 1) || !(durationMs > 0) || !(warmupMs >= 0)) {
  throw new Error("--rates, --runs and --duration-ms must be positive");
}
const SAMPLES = [16, 32];
const SEPARATE = 16;
const encoder = new TextEncoder();
const progress = (text: string) => Deno.stderr.writeSync(encoder.encode(text + "\n"));
const row = Array.from(digitsRows([manifest.data.test_indices[0]]));

/** At each rate: every run of every target, interleaved, summarised per target. */
async function measure(gen: OpenLoopProcess, targets: Target[], at: number[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const rate of at) {
    const results = new Map<string, OpenLoopResult[]>(targets.map((t) => [t.key, []]));
    for (let run = 1; run <= runs; run++) {
      for (const t of targets) {
        const r = await gen.run({ rate, durationMs, warmupMs, calls: t.calls });
        progress(
          `  ${rate} req/s, run ${run}, ${t.key}: ${r.throughput.toFixed(0)} req/s, p50 ${
            r.p50Ms.toFixed(2)
          } ms, p99 ${r.p99Ms.toFixed(2)} ms, errors ${r.errors}${
            r.firstError ? ` (${r.firstError})` : ""
          }`,
        );
        results.get(t.key)!.push(r);
      }
    }
    for (const t of targets) rows.push(summarize(rate, t.key, t.label, results.get(t.key)!));
  }
  return rows;
}

let server: BenchServer | undefined;
let gen: OpenLoopProcess | undefined;
async function cleanUp() {
  await gen?.stop().catch(() => {});
  await server?.embedded.stop().catch(() => {});
  if (server) await Deno.remove(server.embedded.dataDir, { recursive: true }).catch(() => {});
  gen = server = undefined;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    progress(`${signal}: stopping`);
    await cleanUp();
    Deno.exit(130);
  });
}

try {
  progress("starting the embedded process");
  server = await startBenchServer(SAMPLES, progress);
  const { embedded, poolUrl, models } = server;
  progress(`publishing ${SEPARATE} separate sample models and their stacked graph`);
  const sample = await publishSampleModels({
    dataDir: embedded.dataDir,
    poolUrl,
    samples: SEPARATE,
  });
  const serving = await servingTargets(embedded.url, poolUrl, models, row);
  const input = await inputName(poolUrl, sample.stacked, 1);
  const stacking: Target[] = [
    {
      key: "stacked",
      label: `pool direct, 1 stacked model (S = ${SEPARATE}), 1 call`,
      calls: [inferCall(poolUrl, sample.stacked, 1, input, row)],
    },
    {
      key: "separate",
      label: `pool direct, ${SEPARATE} separate models, ${SEPARATE} calls at once`,
      calls: sample.separate.map((m) => inferCall(poolUrl, m, 1, input, row)),
    },
  ];
  await checkTargets([...serving, ...stacking]);
  gen = startOpenLoopProcess();
  progress("serving targets");
  const servingRows = await measure(gen, serving, rates);
  progress("stacked vs separate");
  const stackingRows = await measure(gen, stacking, stackRates);
  await gen.stop();
  gen = undefined;
  const profile = await profilePredict(embedded.url, poolUrl, models[0], row);
  await cleanUp();
  progress("raw ORT: stacked vs separate");
  const raw = await measureRawStacked(
    sample.stackedBytes,
    sample.separateBytes,
    Float32Array.from(row),
  );
  const { markdown, missed } = renderReport({
    command: "npx deno task bench:swa-serving",
    runs,
    durationMs,
    warmupMs,
    samples: SAMPLES,
    serving: servingRows,
    stacking: stackingRows,
    separateCount: SEPARATE,
    raw,
  });
  const text = missed ? `${markdown}\n\n${profile.join("\n")}` : markdown;
  console.log(text);
  if (!values["no-write"]) {
    await writeReportSection(
      new URL("../../../docs/benchmarks.md", import.meta.url).pathname,
      "swa-serving",
      "SWA serving (`npx deno task bench:swa-serving`)",
      text,
    );
    progress("wrote docs/benchmarks.md");
  }
} finally {
  await cleanUp();
}
