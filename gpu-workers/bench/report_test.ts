import assert from "node:assert/strict";
import {
  type BenchReport,
  type Cell,
  checkTargets,
  type HttpTarget,
  renderReport,
} from "./report.ts";

function cell(target: HttpTarget, encoding: Cell["encoding"], connections: number, rps: number) {
  return {
    target,
    encoding,
    connections,
    rps,
    p50Ms: 1000 / rps,
    p99Ms: 2000 / rps,
    runs: [{ requests: rps, rps, p50Ms: 1000 / rps, p99Ms: 2000 / rps }],
    serverCpuUsPerRequest: 100,
    generatorCpuUsPerRequest: 20,
    serverCores: 1,
    interruptCores: 0.1,
    otherCores: 0,
    failed: 0,
  } satisfies Cell;
}

function report(cells: Cell[]): BenchReport {
  return {
    date: "2026-01-01",
    loadAverage: [0, 0, 0],
    machine: "test",
    generator: "wrk",
    runs: 1,
    durationMs: 1000,
    model: "mlp_large",
    maxBatch: 64,
    onnxruntime: "1.29.0",
    cells,
  };
}

Deno.test("targets: ratios against the right baseline, and only where both sides ran", () => {
  const checks = checkTargets(report([
    cell("pool", "binary", 64, 1000),
    cell("batched", "binary", 64, 1000),
    cell("gateway", "binary", 64, 899),
    cell("pool", "json", 1, 1000), // p50 1.000 ms
    cell("naive", "json", 1, 1250), // p50 0.800 ms: pool is 0.2 ms slower, still met
    cell("route-gateway", "none", 64, 800),
    cell("route-hono", "none", 64, 1000),
    cell("isolation", "binary", 64, 500),
  ]));
  const met = Object.fromEntries(checks.map((c) => [c.target, c.met]));
  assert.deepEqual(met, {
    "pool vs batched peer, binary, c=64 ≥ 100%": true,
    "gateway (embedded) vs pool's own port, binary, c=64 ≥ 90%": false,
    "gateway's cheapest route vs bare Hono, c=64 ≥ 80%": true,
    "c=1, json: pool p50 ≤ naive peer p50 + 0.2 ms": true,
    "process isolation vs default (device threads), binary, c=64": undefined,
  });
});

Deno.test("the report marks each target met, missed or informational", () => {
  const markdown = renderReport(report([
    cell("pool", "binary", 16, 900),
    cell("batched", "binary", 16, 1000),
    cell("isolation", "binary", 16, 800),
  ]));
  assert.match(
    markdown,
    /pool vs batched peer, binary, c=16 ≥ 100% \| 900 vs 1,000 req\/s = 90\.0% \| ❌/,
  );
  assert.match(markdown, /process isolation .* \| 800 vs 900 req\/s = 88\.9% \| \(info\)/);
  assert.match(markdown, /\| pool, own port .* \| binary \| 16 \| 900 \|/);
});
