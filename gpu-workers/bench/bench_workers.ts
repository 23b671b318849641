/**
 * `deno task bench:workers`: the worker pool, the gateway in front of it and the peers a user
 * could pick instead, measured in one run with one load generator, with the demo model
 * `mlp_large` (one request = one row), at 1, 16 and 64 connections, JSON and binary tensors:
 *
 * - `pool`: the pool's own port, in the embedded process (default: device threads);
 * - `gateway`: the gateway of the embedded default (`embedded_process.ts --gateway`: the pool
 *   and the gateway in one process, the gateway calling the pool's app, as `/main.ts` does);
 * - `isolation`: the pool with `isolation: "process"` (worker processes), its own process;
 * - `batched`: `peer_batched_server.ts`, Hono + in-process ORT + a 1 ms micro-batcher;
 * - `naive`: `peer_naive_server.ts`, Hono + in-process ORT, one run per request;
 * - `route-gateway` vs `route-hono`: `GET /nope` (a local 404) on the embedded gateway and on
 *   a bare Hono app (`peer_bare_hono.ts`), at 64 connections;
 * - `raw`: raw in-process ORT at batch 1 and max_batch_size (the limit; no HTTP).
 *
 * The load generator is `wrk -t1` when it is installed (`apt-get install wrk`), otherwise
 * `loadtests/http_load.ts` (said so loudly, and in the report). Every server is a process of
 * its own on a free port, probed until ready, checked to answer what raw ORT computes, and
 * stopped at the end with whatever it started (checked with `pgrep -f`). Any failed request
 * fails the benchmark. Runs are interleaved (run 1 of every row, then run 2, …) so drift on a
 * shared machine hits every target alike; each row reports the medians.
 *
 * Options: --runs N (3), --duration-ms MS (10000; whole seconds with wrk), --warmup-ms MS
 * (1000), --generator wrk|http_load (wrk when found), --only pool,gateway,… (targets above),
 * --no-write (leave docs/benchmarks.md alone), --json FILE (everything, every run).
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { buildMlpClassifier, DEMO_MODELS, encodeModel } from "@edgeml/shared/onnx";
import { splitBinaryBody } from "@edgeml/shared/contracts/wire";
import { writeReportSection } from "@edgeml/shared/eval/report";
import { inferBody } from "@edgeml/loadtests/scenarios";
import { sampleRow, WORKER_SCENARIOS } from "@edgeml/loadtests/scenario_matrix";
import * as ort from "onnxruntime-node";
import { DEMO_CONFIGS, seedDemoRepository } from "../repository/demo_repository.ts";
import { createSessionWithFallback } from "../device/session_factory.ts";
import { measureRawOrt, type RawResult } from "./raw_ort.ts";
import { cpuSeconds, machineCpuSeconds } from "./cpu_usage.ts";
import {
  createHttpLoadGenerator,
  createWrkGenerator,
  type LoadGenerator,
  type LoadRequest,
  type Measurement,
  wrkVersion,
} from "./load_generator.ts";
import { pgrep, type ServerProcess, startServerProcess, waitUntil } from "./server_process.ts";
import {
  type BenchReport,
  type Cell,
  type Encoding,
  HTTP_TARGETS,
  type HttpTarget,
  renderReport,
} from "./report.ts";

const ALL_TARGETS = [...Object.keys(HTTP_TARGETS), "raw"] as const;
type Target = HttpTarget | "raw";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "duration-ms": { type: "string", default: "10000" },
    "warmup-ms": { type: "string", default: "1000" },
    generator: { type: "string" },
    only: { type: "string" },
    "no-write": { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const runs = Number(values.runs);
const durationMs = Number(values["duration-ms"]);
const warmupMs = Number(values["warmup-ms"]);
const only = new Set<Target>(
  (values.only?.split(",").map((s) => s.trim()).filter(Boolean) ?? [...ALL_TARGETS]) as Target[],
);
for (const t of only) {
  if (!(ALL_TARGETS as readonly string[]).includes(t)) {
    throw new Error(`--only: unknown target '${t}' (known: ${ALL_TARGETS.join(", ")})`);
  }
}
if (!(runs >= 1) || !(durationMs > 0)) throw new Error("--runs and --duration-ms must be positive");

const MODEL = "mlp_large";
const spec = DEMO_MODELS.find((m) => m.name === MODEL)!;
const maxBatch = (DEMO_CONFIGS[MODEL] as { max_batch_size?: number }).max_batch_size ?? 64;
const CONNECTIONS = WORKER_SCENARIOS.concurrency; // 1, 16, 64
const ROUTE_CONNECTIONS = [64];
const ENCODINGS = ["json", "binary"] as const;
const encoder = new TextEncoder();
const progress = (text: string) => Deno.stderr.writeSync(encoder.encode(text + "\n"));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------------------------------------
// The load generator.

async function pickGenerator(): Promise<LoadGenerator> {
  const wanted = values.generator;
  if (wanted !== undefined && wanted !== "wrk" && wanted !== "http_load") {
    throw new Error(`--generator is wrk or http_load, not '${wanted}'`);
  }
  if (wanted !== "http_load") {
    const version = await wrkVersion();
    if (version) {
      if (durationMs % 1000 !== 0 || warmupMs % 1000 !== 0) {
        throw new Error(
          "with wrk, --duration-ms and --warmup-ms are whole seconds (1000, 2000, …)",
        );
      }
      return createWrkGenerator(version);
    }
    if (wanted === "wrk") throw new Error("--generator wrk: wrk is not installed");
    progress(
      "\n*** wrk not found: falling back to loadtests/http_load.ts (Deno), which costs more CPU" +
        " per request on the shared cores.\n*** For the reference numbers: apt-get install wrk\n",
    );
  }
  return createHttpLoadGenerator();
}

// ---------------------------------------------------------------------------------------------
// The servers.

const tag = `edgeml-bench-${crypto.randomUUID()}`;
const servers: ServerProcess[] = [];
const scratch = await Deno.makeTempDir({ prefix: "edgeml-bench-workers-" });
const repository = join(scratch, "models");

async function stopAll(): Promise<string[]> {
  const problems: string[] = [];
  for (const server of servers.splice(0).reverse()) {
    const { forced } = await server.stop().catch((e) => {
      problems.push(`${server.name}: ${e}`);
      return { forced: [] };
    });
    if (forced.length) problems.push(`${server.name}: killed ${forced.join(", ")} with SIGKILL`);
  }
  const left = await pgrep(tag);
  if (left.length) {
    problems.push(`processes left running (pgrep -f ${tag}): ${left.join(", ")}; killed`);
    for (const pid of left) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch { /* gone */ }
    }
  }
  return problems;
}

let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    if (interrupted) return;
    interrupted = true;
    progress(`\n${signal}: stopping the servers`);
    await stopAll();
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
    Deno.exit(130);
  });
}

const script = (name: string) => new URL(`./${name}`, import.meta.url);

async function start(name: string, file: string, args: string[]): Promise<ServerProcess> {
  progress(`starting ${name}`);
  const server = await startServerProcess(name, script(file), args, { tag });
  servers.push(server);
  return server;
}

async function okJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${body.slice(0, 200)}`);
  return JSON.parse(body);
}

// ---------------------------------------------------------------------------------------------
// What every infer target must answer: raw ORT's output for the request's row.

const bodies = Object.fromEntries(
  ENCODINGS.map((e) => [e, inferBody(e, spec.inputSize)]),
) as Record<(typeof ENCODINGS)[number], ReturnType<typeof inferBody>>;

async function expectedOutput(model: Uint8Array): Promise<Float32Array> {
  const { session } = await createSessionWithFallback(model, ["cpu"]);
  try {
    const input = new ort.Tensor("float32", sampleRow(spec.inputSize, 1), [1, spec.inputSize]);
    const out = await session.run({ [session.inputNames[0]]: input });
    return Float32Array.from(out[session.outputNames[0]].data as Float32Array);
  } finally {
    await session.release();
  }
}

async function checkAnswer(name: string, url: string, expected: Float32Array) {
  for (const encoding of ENCODINGS) {
    const { headers, body } = bodies[encoding];
    const response = await fetch(url, {
      method: "POST",
      headers,
      body: body as Uint8Array<ArrayBuffer>,
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200) {
      throw new Error(
        `${name} ${encoding}: HTTP ${response.status}: ${new TextDecoder().decode(bytes)}`,
      );
    }
    let got: Float32Array;
    const headerLength = response.headers.get("inference-header-content-length");
    if (encoding === "binary") {
      if (headerLength === null) throw new Error(`${name} binary: the answer is not binary`);
      const { binary } = splitBinaryBody(bytes, headerLength);
      got = new Float32Array(binary.slice().buffer);
    } else {
      const json = JSON.parse(new TextDecoder().decode(bytes));
      got = Float32Array.from(json.outputs[0].data as number[]);
      const shape = JSON.stringify(json.outputs[0].shape);
      if (shape !== `[1,${expected.length}]`) throw new Error(`${name} json: shape ${shape}`);
    }
    const off = got.length !== expected.length
      ? Infinity
      : Math.max(...expected.map((v, i) => Math.abs(v - got[i])));
    if (!(off <= 1e-5)) {
      throw new Error(`${name} ${encoding}: the answer differs from raw ORT's (by ${off})`);
    }
  }
}

async function checkStatus(name: string, url: string, status: number) {
  const response = await fetch(url);
  await response.body?.cancel();
  if (response.status !== status) {
    throw new Error(`${name}: GET ${url} answered ${response.status}, not ${status}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring.

interface Plan {
  target: HttpTarget;
  encoding: Encoding;
  connections: number;
  request: LoadRequest;
  server: ServerProcess;
  /** Rows and model executions so far, where the server tells. */
  counters?: () => Promise<{ rows: number; runs: number }>;
}

interface Sample {
  measurement: Measurement;
  serverCpuSeconds: number;
  /** CPU seconds of interrupts (loopback TCP, mostly) on the whole machine. */
  interruptCpuSeconds: number;
  /** CPU seconds the machine was busy with anything else (other processes, steal). */
  otherCpuSeconds: number;
  rows?: number;
  executions?: number;
}

async function poolCounters(poolUrl: string) {
  const text = await (await fetch(`${poolUrl}/metrics`)).text();
  const sum = (name: string) =>
    text.split("\n").filter((l) => l.startsWith(`${name}{`) && l.includes(`model="${MODEL}"`))
      .reduce((total, l) => total + Number(l.split(" ").pop()), 0);
  return { rows: sum("nv_inference_count"), runs: sum("nv_inference_exec_count") };
}

async function measureOnce(plan: Plan, generator: LoadGenerator, ms: number): Promise<Sample> {
  // Counters first: serving /metrics is not the request being measured.
  const before = await plan.counters?.().catch(() => undefined);
  const treeBefore = plan.server.tree();
  const cpu = new Map(treeBefore.map((pid) => [pid, cpuSeconds(pid)]));
  const machineBefore = machineCpuSeconds();
  const selfBefore = cpuSeconds(Deno.pid);
  const measurement = await generator.measure(plan.request, plan.connections, ms);
  const machineAfter = machineCpuSeconds();
  // The benchmark process: the generator itself (http_load) or its parent (wrk).
  const self = generator.kind === "wrk" ? cpuSeconds(Deno.pid) - selfBefore : 0;
  let serverCpuSeconds = 0;
  for (const pid of new Set([...treeBefore, ...plan.server.tree()])) {
    serverCpuSeconds += cpuSeconds(pid) - (cpu.get(pid) ?? 0);
  }
  const interruptCpuSeconds = machineAfter.interrupts - machineBefore.interrupts;
  const otherCpuSeconds = Math.max(
    0,
    machineAfter.tasks - machineBefore.tasks - serverCpuSeconds -
      measurement.generatorCpuSeconds - self,
  );
  const after = await plan.counters?.().catch(() => undefined);
  const counted = before && after && after.runs > before.runs;
  return {
    measurement,
    serverCpuSeconds,
    interruptCpuSeconds,
    otherCpuSeconds,
    ...(counted ? { rows: after.rows - before.rows, executions: after.runs - before.runs } : {}),
  };
}

function summarize(plan: Plan, samples: Sample[]): Cell {
  const ms = samples.map((s) => s.measurement);
  const requests = ms.reduce((n, m) => n + m.requests, 0);
  const seconds = ms.reduce((n, m) => n + m.durationMs, 0) / 1000;
  const serverCpu = samples.reduce((n, s) => n + s.serverCpuSeconds, 0);
  const generatorCpu = ms.reduce((n, m) => n + m.generatorCpuSeconds, 0);
  const executions = samples.every((s) => s.executions !== undefined)
    ? samples.reduce((n, s) => n + s.executions!, 0)
    : undefined;
  const rows = samples.reduce((n, s) => n + (s.rows ?? 0), 0);
  return {
    target: plan.target,
    encoding: plan.encoding,
    connections: plan.connections,
    rps: median(ms.map((m) => m.rps)),
    p50Ms: median(ms.map((m) => m.p50Ms)),
    p99Ms: median(ms.map((m) => m.p99Ms)),
    runs: ms.map(({ requests, rps, p50Ms, p99Ms }) => ({ requests, rps, p50Ms, p99Ms })),
    ...(executions ? { rowsPerRun: rows / executions } : {}),
    ...(plan.target === "naive" ? { rowsPerRun: 1 } : {}),
    serverCpuUsPerRequest: (serverCpu / requests) * 1e6,
    generatorCpuUsPerRequest: (generatorCpu / requests) * 1e6,
    serverCores: serverCpu / seconds,
    interruptCores: samples.reduce((n, s) => n + s.interruptCpuSeconds, 0) / seconds,
    otherCores: samples.reduce((n, s) => n + s.otherCpuSeconds, 0) / seconds,
    failed: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The run.

async function main(): Promise<BenchReport> {
  const generator = await pickGenerator();
  // What else the machine was doing when the run began (1, 5, 15 minutes).
  const loadAverage = Deno.loadavg();
  progress(`load generator: ${generator.description}`);
  try {
    await seedDemoRepository(repository);
    const modelFile = join(repository, MODEL, "1", "model.onnx");
    const modelBytes = await Deno.readFile(modelFile).catch(() =>
      encodeModel(buildMlpClassifier({ ...spec }))
    );
    const modelArgs = await Deno.stat(modelFile).then(() => [`--model=${modelFile}`], () => []);
    const expected = await expectedOutput(modelBytes);

    // Raw ORT first, while no load runs.
    let raw: RawResult[] | undefined;
    if (only.has("raw")) {
      const perRun: RawResult[][] = [];
      for (let r = 0; r < runs; r++) {
        progress(`raw ORT, run ${r + 1}/${runs}`);
        perRun.push(await measureRawOrt(modelBytes, spec.inputSize, [1, maxBatch], durationMs));
      }
      raw = perRun[0].map((first, i) => ({
        ...first,
        rowsPerSecond: median(perRun.map((p) => p[i].rowsPerSecond)),
        p50Ms: median(perRun.map((p) => p[i].p50Ms)),
        p99Ms: median(perRun.map((p) => p[i].p99Ms)),
      }));
    }

    // The servers, each its own process.
    const plans: Plan[] = [];
    const inferPath = `/v2/models/${MODEL}/infer`;
    const addInfer = (
      target: HttpTarget,
      server: ServerProcess,
      base: string,
      counters?: Plan["counters"],
    ) => {
      for (const connections of CONNECTIONS) {
        for (const encoding of ENCODINGS) {
          const { headers, body } = bodies[encoding];
          plans.push({
            target,
            encoding,
            connections,
            server,
            counters,
            request: { url: base + inferPath, method: "POST", headers, body, expectStatus: 200 },
          });
        }
      }
    };
    const addRoute = (target: HttpTarget, server: ServerProcess, base: string) => {
      for (const connections of ROUTE_CONNECTIONS) {
        plans.push({
          target,
          encoding: "none",
          connections,
          server,
          request: { url: `${base}/nope`, method: "GET", headers: {}, expectStatus: 404 },
        });
      }
    };
    const poolReady = async (name: string, url: string) => {
      await waitUntil(`${name} ready`, async () => {
        const ready = await okJson(`${url}/v2/models/${MODEL}/ready`) as { ready?: boolean };
        return ready.ready === true;
      });
    };

    if (only.has("pool") || only.has("gateway") || only.has("route-gateway")) {
      const data = join(scratch, "embedded");
      await Deno.mkdir(data, { recursive: true });
      const embedded = await start("embedded (pool + gateway)", "embedded_process.ts", [
        `--repository=${repository}`,
        `--data=${data}`,
        "--gateway",
        "--isolation=thread",
      ]);
      const { pool, gateway } = embedded.urls;
      await poolReady("embedded pool", pool);
      await poolReady("embedded gateway", gateway);
      const counters = () => poolCounters(pool);
      if (only.has("pool")) {
        await checkAnswer("pool", pool + inferPath, expected);
        addInfer("pool", embedded, pool, counters);
      }
      if (only.has("gateway")) {
        await checkAnswer("gateway", gateway + inferPath, expected);
        addInfer("gateway", embedded, gateway, counters);
      }
      if (only.has("route-gateway")) {
        await checkStatus("gateway", `${gateway}/nope`, 404);
        addRoute("route-gateway", embedded, gateway);
      }
    }
    if (only.has("isolation")) {
      const data = join(scratch, "isolated");
      await Deno.mkdir(data, { recursive: true });
      const isolated = await start("pool (process isolation)", "embedded_process.ts", [
        `--repository=${repository}`,
        `--data=${data}`,
        "--isolation=process",
      ]);
      const { pool } = isolated.urls;
      await poolReady("isolated pool", pool);
      await checkAnswer("isolation", pool + inferPath, expected);
      addInfer("isolation", isolated, pool, () => poolCounters(pool));
    }
    if (only.has("batched")) {
      const peer = await start("batched peer", "peer_batched_server.ts", [
        ...modelArgs,
        `--name=${MODEL}`,
        `--max-batch=${maxBatch}`,
        "--window-ms=1",
      ]);
      const url = peer.urls.listening;
      await waitUntil("batched peer", () => okJson(`${url}/v2/health/ready`).then(() => true));
      await checkAnswer("batched", url + inferPath, expected);
      addInfer("batched", peer, url, async () => {
        const { rows, runs } = await okJson(`${url}/stats`) as { rows: number; runs: number };
        return { rows, runs };
      });
    }
    if (only.has("naive")) {
      const peer = await start("naive peer", "peer_naive_server.ts", [
        ...modelArgs,
        `--name=${MODEL}`,
      ]);
      const url = peer.urls.listening;
      await waitUntil("naive peer", () => okJson(`${url}/v2/health/ready`).then(() => true));
      await checkAnswer("naive", url + inferPath, expected);
      addInfer("naive", peer, url);
    }
    if (only.has("route-hono")) {
      const peer = await start("bare Hono", "peer_bare_hono.ts", []);
      const url = peer.urls.listening;
      await waitUntil("bare Hono", async () => {
        const response = await fetch(url);
        await response.body?.cancel();
        return response.ok;
      });
      await checkStatus("bare Hono", `${url}/nope`, 404);
      addRoute("route-hono", peer, url);
    }

    // Same connections and encoding side by side, every target, then the next run.
    plans.sort((a, b) =>
      a.connections - b.connections || a.encoding.localeCompare(b.encoding) ||
      Object.keys(HTTP_TARGETS).indexOf(a.target) - Object.keys(HTTP_TARGETS).indexOf(b.target)
    );
    const samples = plans.map(() => [] as Sample[]);
    for (let r = 0; r < runs; r++) {
      for (const [i, plan] of plans.entries()) {
        const label = `${plan.target} ${plan.encoding} c=${plan.connections}`;
        if (r === 0 && warmupMs > 0) await measureOnce(plan, generator, warmupMs);
        const sample = await measureOnce(plan, generator, durationMs);
        samples[i].push(sample);
        const m = sample.measurement;
        progress(
          `[run ${r + 1}/${runs}] ${label}: ${m.rps.toFixed(0)} req/s, p50 ${
            m.p50Ms.toFixed(3)
          } ms, p99 ${m.p99Ms.toFixed(3)} ms, server ${
            ((sample.serverCpuSeconds / m.requests) * 1e6).toFixed(0)
          } µs CPU/req`,
        );
      }
    }

    const cpuModel = (await Deno.readTextFile("/proc/cpuinfo").catch(() => ""))
      .match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim();
    const ortVersion = (await Deno.readTextFile(new URL("../../deno.json", import.meta.url))
      .then((t) => /onnxruntime-node@([\d.]+)/.exec(t)?.[1]).catch(() => undefined)) ??
      "unknown";
    return {
      date: new Date().toISOString().slice(0, 10),
      loadAverage,
      machine: `${navigator.hardwareConcurrency} cores${cpuModel ? ` (${cpuModel})` : ""}, ${
        Math.round(Deno.systemMemoryInfo().total / 2 ** 30)
      } GiB, ${Deno.build.os}/${Deno.build.arch}, Deno ${Deno.version.deno}`,
      generator: generator.description,
      runs,
      durationMs,
      model: MODEL,
      maxBatch,
      onnxruntime: ortVersion,
      ...(raw ? { raw } : {}),
      cells: plans.map((plan, i) => summarize(plan, samples[i])),
    };
  } finally {
    await generator.close();
  }
}

let report: BenchReport;
try {
  report = await main();
} catch (e) {
  const problems = await stopAll();
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
  progress(`\nbench:workers FAILED: ${(e as Error).stack ?? e}`);
  for (const p of problems) progress(`  cleanup: ${p}`);
  Deno.exit(1);
}
const problems = await stopAll();
await Deno.remove(scratch, { recursive: true }).catch(() => {});
if (problems.length) {
  for (const p of problems) progress(`cleanup: ${p}`);
  progress("bench:workers FAILED: servers did not stop cleanly");
  Deno.exit(1);
}
progress("all servers stopped; no process left (pgrep -f)");

const markdown = renderReport(report);
console.log(markdown);
if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
if (!values["no-write"]) {
  await writeReportSection(
    new URL("../../docs/benchmarks.md", import.meta.url).pathname,
    "workers",
    "Worker pool (`npx deno task bench:workers`)",
    markdown,
  );
  progress("docs/benchmarks.md: workers section written");
}
Deno.exit(0);
