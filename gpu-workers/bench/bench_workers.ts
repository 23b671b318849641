/**
 * `deno task bench:workers`: the worker pool against raw in-process ONNX Runtime, side by side
 * in one run, for both demo models: raw ORT at batch 1 and at max_batch_size; the pool over
 * HTTP with dynamic batching off and on, at concurrency 1, 16 and 64, with JSON and binary
 * tensors. Medians of `--runs` runs; results go to docs/benchmarks.md (and `--json FILE`).
 *
 * Options: --runs N (3), --duration-ms MS (3000), --no-write, --json FILE.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { buildMlpClassifier, DEMO_MODELS, encodeModel } from "@edgeml/shared/onnx";
import { runLoad } from "@edgeml/loadtests";
import { inferBody } from "@edgeml/loadtests/scenarios";
import { WORKER_SCENARIOS } from "@edgeml/loadtests/scenario_matrix";
import { DEMO_CONFIGS } from "../repository/demo_repository.ts";
import { createFixtureRepository } from "../testing/fixture_repository.ts";
import { measureRawOrt, type RawResult } from "./raw_ort.ts";
import { startPoolProcess } from "./pool_process.ts";
import { childPids, cpuSeconds } from "./cpu_usage.ts";
import { type BenchReport, type PoolCell, renderReport } from "./report.ts";
import { writeReportSection } from "@edgeml/shared/eval/report";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "duration-ms": { type: "string", default: "3000" },
    "no-write": { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const runs = Number(values.runs);
const durationMs = Number(values["duration-ms"]);
const { concurrency: CONCURRENCY, encodings: ENCODINGS } = WORKER_SCENARIOS;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const progress = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));

// The same weights served twice: with the demo config (dynamic batching) and without it.
const models = DEMO_MODELS.map((spec) => ({
  spec,
  bytes: encodeModel(buildMlpClassifier({ ...spec })),
}));
const repository = await createFixtureRepository(models.flatMap(({ spec, bytes }) => {
  const config = DEMO_CONFIGS[spec.name];
  const { dynamic_batching: _, ...withoutBatching } = config;
  return [
    { name: `${spec.name}_batching_on`, config, versions: [bytes] },
    { name: `${spec.name}_batching_off`, config: withoutBatching, versions: [bytes] },
  ];
}));

const raw: Record<string, RawResult[]> = {};
for (const { spec, bytes } of models) {
  const maxBatch = DEMO_CONFIGS[spec.name].max_batch_size!;
  progress(`raw ORT ${spec.name}`);
  const perRun: RawResult[][] = [];
  for (let r = 0; r < runs; r++) {
    perRun.push(await measureRawOrt(bytes, spec.inputSize, [1, maxBatch], durationMs));
  }
  raw[spec.name] = perRun[0].map((first, i) => ({
    ...first,
    rowsPerSecond: median(perRun.map((p) => p[i].rowsPerSecond)),
    p50Ms: median(perRun.map((p) => p[i].p50Ms)),
    p99Ms: median(perRun.map((p) => p[i].p99Ms)),
  }));
}

const pool = await startPoolProcess(repository, ["--gpus=none"]);
const cells: PoolCell[] = [];
try {
  for (const { spec } of models) {
    for (const batching of ["off", "on"] as const) {
      const model = `${spec.name}_batching_${batching}`;
      for (const encoding of ENCODINGS) {
        const { headers, body } = inferBody(encoding, spec.inputSize);
        for (const connections of CONCURRENCY) {
          progress(`pool ${model} ${encoding} c=${connections}`);
          const before = await scrape(pool.url, model);
          const workers = childPids(pool.pid);
          const cpuBefore = [Deno.pid, pool.pid, ...workers].map(cpuSeconds);
          const wallBefore = performance.now();
          const results = [];
          for (let r = 0; r < runs; r++) {
            results.push(
              await runLoad({
                url: `${pool.url}/v2/models/${model}/infer`,
                headers,
                body,
                connections,
                durationMs,
              }),
            );
          }
          const wallSeconds = (performance.now() - wallBefore) / 1000;
          const cpuAfter = [Deno.pid, pool.pid, ...workers].map(cpuSeconds);
          const cores = cpuAfter.map((c, i) => (c - cpuBefore[i]) / wallSeconds);
          const after = await scrape(pool.url, model);
          const failed = results.reduce((n, r) => n + r.errors + r.non2xx, 0);
          cells.push({
            model: spec.name,
            batching,
            encoding,
            connections,
            rps: median(results.map((r) => r.rps)),
            p50Ms: median(results.map((r) => r.p50Ms)),
            p99Ms: median(results.map((r) => r.p99Ms)),
            meanBatch: (after.inferences - before.inferences) /
              Math.max(1, after.executions - before.executions),
            failed,
            cpuCores: {
              loadGenerator: cores[0],
              pool: cores[1],
              workers: cores.slice(2).reduce((a, b) => a + b, 0),
            },
          });
        }
      }
    }
  }
} finally {
  await pool.stop();
  await Deno.remove(repository, { recursive: true });
}

// Raw ORT at the batch size the pool actually formed under the heaviest load (fairer ceiling).
const heavy = cells.find((c) =>
  c.model === "mlp_large" && c.batching === "on" && c.encoding === "binary" && c.connections === 64
)!;
const observedBatch = Math.max(1, Math.round(heavy.meanBatch));
const large = models.find((m) => m.spec.name === "mlp_large")!;
const rawObserved = await measureRawOrt(
  large.bytes,
  large.spec.inputSize,
  [observedBatch],
  durationMs,
);

const report: BenchReport = {
  date: new Date().toISOString().slice(0, 10),
  machine:
    `${navigator.hardwareConcurrency} cores, ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}`,
  runs,
  durationMs,
  raw,
  rawAtObservedBatch: rawObserved[0],
  cells,
};
const markdown = renderReport(report);
console.log(markdown);
if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
if (!values["no-write"]) {
  await writeReportSection(
    join(new URL("../../docs/benchmarks.md", import.meta.url).pathname),
    "workers",
    "Worker pool (`npx deno task bench:workers`)",
    markdown,
  );
}

async function scrape(url: string, model: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name}{model="${model}",`));
    return line ? Number(line.split(" ").pop()) : 0;
  };
  return { inferences: read("nv_inference_count"), executions: read("nv_inference_exec_count") };
}
