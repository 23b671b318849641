/** Turns a workers benchmark run into the markdown table of docs/benchmarks.md, targets included. */
import type { RawResult } from "./raw_ort.ts";

export interface PoolCell {
  model: string;
  batching: "on" | "off";
  encoding: "binary" | "json";
  connections: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Rows per model execution, from the pool's own counters. */
  meanBatch: number;
  failed: number;
  /** CPU cores busy on average during the cell: the load generator, the pool, its workers. */
  cpuCores: { loadGenerator: number; pool: number; workers: number };
}

export interface BenchReport {
  date: string;
  machine: string;
  runs: number;
  durationMs: number;
  raw: Record<string, RawResult[]>;
  rawAtObservedBatch: RawResult;
  cells: PoolCell[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

const f = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function cell(
  report: BenchReport,
  model: string,
  batching: string,
  encoding: string,
  connections: number,
) {
  return report.cells.find((c) =>
    c.model === model && c.batching === batching && c.encoding === encoding &&
    c.connections === connections
  )!;
}

export function checkTargets(report: BenchReport): TargetCheck[] {
  const large = "mlp_large";
  const on64 = cell(report, large, "on", "binary", 64);
  const off64 = cell(report, large, "off", "binary", 64);
  const rawLarge = report.raw[large];
  const rawMax = rawLarge[rawLarge.length - 1];
  const checks: TargetCheck[] = [];
  const speedup = on64.rps / off64.rps;
  checks.push({
    target: `${large}, c=64: batching on ≥ 3× batching off`,
    measured: `${f(on64.rps)} vs ${f(off64.rps)} req/s = ${f(speedup, 2)}×`,
    met: speedup >= 3,
  });
  const share = on64.rps / rawMax.rowsPerSecond;
  checks.push({
    target: `${large}, c=64, batching on ≥ 60% of raw ORT at max_batch_size (${rawMax.batch})`,
    measured: `${f(on64.rps)} vs ${f(rawMax.rowsPerSecond)} rows/s = ${
      f(share * 100, 1)
    }% (raw at the pool's mean batch ${report.rawAtObservedBatch.batch}: ${
      f(report.rawAtObservedBatch.rowsPerSecond)
    } rows/s, pool = ${f((on64.rps / report.rawAtObservedBatch.rowsPerSecond) * 100, 1)}%)`,
    met: share >= 0.6,
  });
  for (const model of Object.keys(report.raw)) {
    const raw1 = report.raw[model][0];
    for (const batching of ["off", "on"]) {
      const c1 = cell(report, model, batching, "binary", 1);
      const added = c1.p50Ms - raw1.p50Ms;
      checks.push({
        target: `${model}, c=1, batching ${batching}: pool adds ≤ 1 ms to raw batch-1 p50`,
        measured: `${f(c1.p50Ms, 3)} − ${f(raw1.p50Ms, 3)} = ${f(added, 3)} ms`,
        met: added <= 1,
      });
    }
  }
  const json64 = cell(report, large, "on", "json", 64);
  const binaryGain = on64.rps / json64.rps;
  checks.push({
    target: `${large} (784 floats), c=64, batching on: binary ≥ 1.5× JSON throughput`,
    measured: `${f(on64.rps)} vs ${f(json64.rps)} req/s = ${f(binaryGain, 2)}×`,
    met: binaryGain >= 1.5,
  });
  return checks;
}

export function renderReport(report: BenchReport): string {
  const lines = [
    `Measured ${report.date} on ${report.machine}; medians of ${report.runs} runs of ${report.durationMs} ms each.`,
    "Command: `npx deno task bench:workers`. Load: closed-loop HTTP/1.1 keep-alive clients",
    "(`loadtests/http_load.ts`) on the same machine, one request = one row.",
    "",
    "### Targets",
    "",
    "| target | measured | met |",
    "|---|---|---|",
    ...checkTargets(report).map((t) =>
      `| ${t.target} | ${t.measured} | ${t.met ? "yes" : "**no**"} |`
    ),
    "",
    "### Raw in-process ONNX Runtime (same session options as the workers)",
    "",
    "| model | batch | rows/s | p50 ms | p99 ms |",
    "|---|---:|---:|---:|---:|",
    ...Object.entries(report.raw).flatMap(([model, results]) =>
      results.map((r) =>
        `| ${model} | ${r.batch} | ${f(r.rowsPerSecond)} | ${f(r.p50Ms, 3)} | ${f(r.p99Ms, 3)} |`
      )
    ),
    `| mlp_large | ${report.rawAtObservedBatch.batch} (pool's mean batch at c=64) | ${
      f(report.rawAtObservedBatch.rowsPerSecond)
    } | ${f(report.rawAtObservedBatch.p50Ms, 3)} | ${f(report.rawAtObservedBatch.p99Ms, 3)} |`,
    "",
    "### Worker pool over HTTP",
    "",
    "CPU columns: cores busy on average (load generator / pool process: HTTP, validation,",
    `batching / worker process: IPC and ONNX Runtime), of the ${navigator.hardwareConcurrency} the three share.`,
    "",
    "| model | batching | tensors | clients | req/s | p50 ms | p99 ms | rows per execution | failed | CPU load gen / pool / worker |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ...report.cells.map((c) =>
      `| ${c.model} | ${c.batching} | ${c.encoding} | ${c.connections} | ${f(c.rps)} | ${
        f(c.p50Ms, 3)
      } | ${f(c.p99Ms, 3)} | ${f(c.meanBatch, 1)} | ${c.failed} | ${
        [c.cpuCores.loadGenerator, c.cpuCores.pool, c.cpuCores.workers].map((x) => f(x, 2)).join(
          " / ",
        )
      } |`
    ),
  ];
  return lines.join("\n");
}
