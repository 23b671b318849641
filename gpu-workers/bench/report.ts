/** Turns a workers benchmark run into the markdown of docs/benchmarks.md, targets included. */
import type { RawResult } from "./raw_ort.ts";

/** What is measured over HTTP, each its own server process (pool and gateway share one). */
export const HTTP_TARGETS = {
  pool: "pool, own port (embedded process, device threads)",
  gateway: "gateway, embedded (in-process upstream to the pool)",
  isolation: 'pool, process isolation (`isolation: "process"`)',
  batched: "peer: Hono + ORT + 1 ms micro-batcher",
  naive: "peer: Hono + ORT, one run per request",
  "route-gateway": "gateway's cheapest route (`GET /nope`, 404)",
  "route-hono": "bare Hono app (`GET /nope`, 404)",
} as const;
export type HttpTarget = keyof typeof HTTP_TARGETS;
export type Encoding = "json" | "binary" | "none";

export interface Cell {
  target: HttpTarget;
  /** Tensor encoding of the infer request; "none" for the route cells. */
  encoding: Encoding;
  connections: number;
  /** Medians over the runs. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Every run: requests, req/s, p50, p99. */
  runs: Array<{ requests: number; rps: number; p50Ms: number; p99Ms: number }>;
  /** Rows per model execution (the server's own counters), where it tells. */
  rowsPerRun?: number;
  /** CPU µs per request, all runs together: the target's process tree, the load generator. */
  serverCpuUsPerRequest: number;
  generatorCpuUsPerRequest: number;
  /** Cores the target's processes kept busy on average while measured. */
  serverCores: number;
  /** Cores busy with interrupts, machine-wide (loopback TCP is softirq, charged to no process). */
  interruptCores: number;
  /**
   * Cores busy with anything but the target and the load generator while measured (other
   * processes on the machine, hypervisor steal): large values mean a noisy row.
   */
  otherCores: number;
  /** Failed requests (always 0: any failure aborts the benchmark). */
  failed: 0;
}

export interface BenchReport {
  date: string;
  machine: string;
  /** The machine's load average (1, 5, 15 min) when the run began. */
  loadAverage: number[];
  generator: string;
  runs: number;
  durationMs: number;
  model: string;
  maxBatch: number;
  onnxruntime: string;
  raw?: RawResult[];
  cells: Cell[];
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined: reported beside the others, no target to meet. */
  met?: boolean;
}

const f = (x: number, digits = 0) =>
  x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function find(report: BenchReport, target: HttpTarget, encoding: Encoding, connections: number) {
  return report.cells.find((c) =>
    c.target === target && c.encoding === encoding && c.connections === connections
  );
}

export function checkTargets(report: BenchReport): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratio = (
    label: string,
    a: Cell | undefined,
    b: Cell | undefined,
    least: number | undefined,
  ) => {
    if (!a || !b) return;
    const r = a.rps / b.rps;
    checks.push({
      target: least === undefined ? label : `${label} ≥ ${f(least * 100)}%`,
      measured: `${f(a.rps)} vs ${f(b.rps)} req/s = ${f(r * 100, 1)}%`,
      met: least === undefined ? undefined : r >= least,
    });
  };
  for (const encoding of ["json", "binary"] as const) {
    for (const c of [16, 64]) {
      ratio(
        `pool vs batched peer, ${encoding}, c=${c}`,
        find(report, "pool", encoding, c),
        find(report, "batched", encoding, c),
        1,
      );
    }
  }
  for (const encoding of ["json", "binary"] as const) {
    for (const c of [16, 64]) {
      ratio(
        `gateway (embedded) vs pool's own port, ${encoding}, c=${c}`,
        find(report, "gateway", encoding, c),
        find(report, "pool", encoding, c),
        0.9,
      );
    }
  }
  for (const c of [1, 16, 64]) {
    ratio(
      `gateway's cheapest route vs bare Hono, c=${c}`,
      find(report, "route-gateway", "none", c),
      find(report, "route-hono", "none", c),
      0.8,
    );
  }
  for (const encoding of ["json", "binary"] as const) {
    const pool = find(report, "pool", encoding, 1);
    const naive = find(report, "naive", encoding, 1);
    if (!pool || !naive) continue;
    checks.push({
      target: `c=1, ${encoding}: pool p50 ≤ naive peer p50 + 0.2 ms`,
      measured: `${f(pool.p50Ms, 3)} vs ${f(naive.p50Ms, 3)} ms (${
        pool.p50Ms >= naive.p50Ms ? "+" : "−"
      }${f(Math.abs(pool.p50Ms - naive.p50Ms), 3)} ms)`,
      met: pool.p50Ms <= naive.p50Ms + 0.2,
    });
  }
  for (const encoding of ["json", "binary"] as const) {
    for (const c of [16, 64]) {
      ratio(
        `process isolation vs default (device threads), ${encoding}, c=${c}`,
        find(report, "isolation", encoding, c),
        find(report, "pool", encoding, c),
        undefined,
      );
    }
  }
  const rawMax = report.raw?.find((r) => r.batch === report.maxBatch);
  const pool64 = find(report, "pool", "binary", 64);
  if (rawMax && pool64) {
    checks.push({
      target: `pool, binary, c=64 vs raw ORT at batch ${rawMax.batch} (the limit)`,
      measured: `${f(pool64.rps)} req/s vs ${f(rawMax.rowsPerSecond)} rows/s = ${
        f((pool64.rps / rawMax.rowsPerSecond) * 100, 1)
      }%`,
    });
  }
  return checks;
}

const mark = (met: boolean | undefined) => met === undefined ? "(info)" : met ? "✅" : "❌";

export function renderReport(report: BenchReport): string {
  const order = Object.keys(HTTP_TARGETS) as HttpTarget[];
  const cells = [...report.cells].sort((a, b) =>
    order.indexOf(a.target) - order.indexOf(b.target) ||
    a.encoding.localeCompare(b.encoding) || a.connections - b.connections
  );
  const checks = checkTargets(report);
  const lines = [
    `Measured ${report.date} on ${report.machine}; load average at the start ${
      report.loadAverage.map((x) => f(x, 2)).join(" / ")
    }.`,
    `Load generator: ${report.generator}, on the same machine, for every target; closed loop,`,
    `HTTP/1.1 keep-alive; medians of ${report.runs} run(s) of ${
      f(report.durationMs)
    } ms per row, the`,
    "runs of all rows interleaved. One request = one row of `" + report.model +
    "` (784 FP32 in, 10 out);",
    `max_batch_size ${report.maxBatch}; CPU execution provider (onnxruntime-node ${report.onnxruntime}),`,
    "the pool's session options everywhere. Every server is its own process on a free port; any",
    "failed request aborts the run. Command: `npx deno task bench:workers`.",
    "",
    "### Targets",
    "",
    "| target | measured | met |",
    "|---|---|---|",
    ...checks.map((t) => `| ${t.target} | ${t.measured} | ${mark(t.met)} |`),
    "",
    "### Over HTTP",
    "",
    "Rows per run: rows per model execution (the server's counters; 1 for the naive peer).",
    "CPU µs per request: the target's processes (server, worker processes) and the load",
    `generator, user + system time from /proc. Cores (of the ${navigator.hardwareConcurrency}), averaged while measured: the server's; softirq`,
    "(machine-wide, mostly loopback TCP, charged to no process); other: the rest of the machine's",
    "load (other processes, hypervisor steal), which is noise.",
    "",
    "| target | tensors | clients | req/s | p50 ms | p99 ms | rows per run | server CPU µs/req | load gen CPU µs/req | server cores | softirq cores | other cores |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...cells.map((c) =>
      `| ${HTTP_TARGETS[c.target]} | ${
        c.encoding === "none" ? "–" : c.encoding
      } | ${c.connections} | ${f(c.rps)} | ${f(c.p50Ms, 3)} | ${f(c.p99Ms, 3)} | ${
        c.rowsPerRun === undefined ? "–" : f(c.rowsPerRun, 1)
      } | ${f(c.serverCpuUsPerRequest)} | ${f(c.generatorCpuUsPerRequest)} | ${
        [c.serverCores, c.interruptCores, c.otherCores].map((x) => f(x, 2)).join(" | ")
      } |`
    ),
  ];
  if (report.raw) {
    lines.push(
      "",
      "### Raw in-process ONNX Runtime (the limit: `session.run` back to back, no HTTP)",
      "",
      "| batch | rows/s | p50 ms | p99 ms |",
      "|---:|---:|---:|---:|",
      ...report.raw.map((r) =>
        `| ${r.batch} | ${f(r.rowsPerSecond)} | ${f(r.p50Ms, 3)} | ${f(r.p99Ms, 3)} |`
      ),
    );
  }
  return lines.join("\n");
}
