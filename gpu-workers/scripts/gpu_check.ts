/**
 * Proof of the CUDA path and a CPU-vs-CUDA benchmark, run on a GPU host by gpu_check.sh (which
 * unpacks the bundle and points LD_LIBRARY_PATH at CUDA 13 / cuDNN 9 first):
 *
 *   deno run -A gpu-workers/scripts/gpu_check.ts --out DIR [--width 4096] [--duration-ms 3000]
 *
 * Starts the real worker pool with the host's GPUs twice, with model instances on device threads
 * (the default: CUDA device_id = the GPU id, in this process) and with process isolation (one
 * worker process per GPU), and in each checks that both demo models report
 * `parameters.execution_provider: cuda`, then serves a wide MLP and a small conv net, each twice
 * (instance_group KIND_GPU with parameter cpu_fallback "false", so CUDA only, and instance_group
 * KIND_CPU), and measures them over HTTP at concurrency 1 (batch 1) and 64 (dynamic batching),
 * plus raw in-process ORT with each provider at batch 1 and 64, and the CUDA output against the
 * CPU output on one batch. Everything lands in DIR/gpu_check.json; the exit code is 0 only if
 * CUDA was really used, agreed with the CPU, and every load request succeeded.
 * `--allow-cpu` runs the same steps on a host without a GPU (to test the script itself).
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { buildMlpClassifier, DEMO_MODELS, encodeModel } from "@edgeml/shared/onnx";
import { loadPoolModel } from "../bench/pool_load.ts";
import { sampleRow } from "@edgeml/loadtests/scenario_matrix";
import { createOipClient } from "../client/oip_client.ts";
import { detectGpus } from "../pool/devices.ts";
import { seedDemoRepository } from "../repository/demo_repository.ts";
import type { Isolation } from "../pool/pool.ts";
import { startPoolServer } from "../server/pool_server.ts";
import { measureRawOrt, newShapeCost, providerAgreement } from "../bench/raw_ort.ts";
import { BENCH_CONV_NET, buildConvNet, convNetInputWidth } from "../bench/conv_net.ts";
import { writeVersion } from "../testing/fixture_repository.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "./out" },
    width: { type: "string", default: "4096" },
    "duration-ms": { type: "string", default: "3000" },
    "allow-cpu": { type: "boolean", default: false },
  },
});
const width = Number(values.width);
const durationMs = Number(values["duration-ms"]);
const log = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
await Deno.mkdir(values.out, { recursive: true });

async function gpuInventory(): Promise<string[]> {
  try {
    const out = await new Deno.Command("nvidia-smi", {
      args: ["--query-gpu=index,name,driver_version,memory.total", "--format=csv,noheader"],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout).split("\n").map((s) => s.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

const gpus = await detectGpus();
const inventory = await gpuInventory();
log(`GPUs: ${inventory.join(" | ") || "none"}`);
if (gpus.length === 0 && !values["allow-cpu"]) {
  log("no GPU detected (nvidia-smi); pass --allow-cpu to run the CPU path only");
}

// The demo models as the embedded default ships them, plus each benchmark model twice: a wide MLP
// (matrix products, cuBLAS) and a small conv net (convolutions, cuDNN).
const repository = await Deno.makeTempDir({ prefix: "edgeml-gpu-check-" });
await seedDemoRepository(repository);
const benchModels = [
  {
    key: "mlp",
    width,
    bytes: encodeModel(
      buildMlpClassifier({
        name: "mlp",
        inputSize: width,
        hiddenSizes: [width, width, width],
        numClasses: 10,
        seed: 7,
      }),
    ),
  },
  {
    key: "conv",
    width: convNetInputWidth(BENCH_CONV_NET),
    bytes: encodeModel(buildConvNet(BENCH_CONV_NET)),
  },
];
const batching = {
  max_queue_delay_microseconds: 100,
  default_queue_policy: { max_queue_size: 4096 },
};
const placements = {
  // No CPU fallback on the GPU side: a CUDA failure must show, not hide behind the CPU.
  cuda: {
    instance_group: [{ kind: "KIND_GPU", count: 1 }],
    parameters: { cpu_fallback: { string_value: values["allow-cpu"] ? "true" : "false" } },
  },
  cpu: { instance_group: [{ kind: "KIND_CPU", count: 1 }] },
};
for (const bench of benchModels) {
  for (const [provider, placement] of Object.entries(placements)) {
    const name = `${bench.key}_${provider}`;
    await Deno.mkdir(join(repository, name), { recursive: true });
    await Deno.writeTextFile(
      join(repository, name, "config.json"),
      JSON.stringify({ max_batch_size: 64, dynamic_batching: batching, ...placement }),
    );
    await writeVersion(repository, name, 1, bench.bytes);
  }
}

const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  host: { gpus: inventory, cpuCores: navigator.hardwareConcurrency, deno: Deno.version.deno },
  benchModels: {
    mlp: `MLP ${width} → ${width} ×3 → 10, float32`,
    conv: `conv net ${JSON.stringify(BENCH_CONV_NET)}, float32, flat input of ${
      convNetInputWidth(BENCH_CONV_NET)
    }`,
  },
};

interface DemoCell {
  model: string;
  execution_provider?: unknown;
  fallback?: unknown;
  workers?: unknown;
  error?: string;
}
interface PoolCell {
  isolation: Isolation;
  model: string;
  provider: string;
  execution_provider?: unknown;
  requests?: number;
  errors?: number;
  non2xx?: number;
  error?: string;
}

/**
 * One pool over the repository with the given isolation: device threads in this process (each
 * GPU's sessions on CUDA device_id = its GPU id) or one worker process per GPU
 * (CUDA_VISIBLE_DEVICES narrowed, device_id 0). Both must really run on CUDA.
 */
async function checkPool(isolation: Isolation) {
  const server = await startPoolServer({ repository, gpus, isolation });
  const client = createOipClient(server.url);
  const demo: DemoCell[] = [];
  const pool: PoolCell[] = [];
  try {
    for (const spec of DEMO_MODELS) {
      const meta = await client.modelMetadata(spec.name).catch((e) => ({ error: String(e) }));
      demo.push({
        model: spec.name,
        execution_provider: "parameters" in meta ? meta.parameters?.execution_provider : undefined,
        fallback: "parameters" in meta ? meta.parameters?.execution_provider_fallback : undefined,
        workers: "parameters" in meta ? meta.parameters?.workers : undefined,
        error: "error" in meta ? meta.error : undefined,
      });
    }
    log(`${isolation}: demo models: ${JSON.stringify(demo)}`);
    // The same 3 rows through the pool on each provider: on CUDA they are padded to
    // max_batch_size and trimmed back, so this also proves the padding is invisible.
    for (const bench of benchModels) {
      const rows = 3;
      const data = Array.from({ length: rows }, (_, r) => [...sampleRow(bench.width, 500 + r)])
        .flat();
      const answers = [];
      for (const provider of ["cuda", "cpu"] as const) {
        const response = await client.infer(`${bench.key}_${provider}`, {
          inputs: [{ name: "input", datatype: "FP32", shape: [rows, bench.width], data }],
        });
        answers.push(response.outputs[0]);
      }
      const [onCuda, onCpu] = answers.map((o) => (o.data as number[]).map(Number));
      let diff = 0;
      let norm = 0;
      onCpu.forEach((v, i) => {
        diff += (onCuda[i] - v) ** 2;
        norm += v ** 2;
      });
      poolAgreement.push({
        isolation,
        model: bench.key,
        rows,
        shapes: answers.map((o) => o.shape),
        relativeError: Math.sqrt(diff / norm),
        finite: onCuda.length === onCpu.length && onCuda.every(Number.isFinite),
      });
    }
    for (const bench of benchModels) {
      for (const provider of ["cuda", "cpu"] as const) {
        const model = `${bench.key}_${provider}`;
        const meta = await client.modelMetadata(model).catch(() => undefined);
        if (!meta) {
          pool.push({
            isolation,
            model: bench.key,
            provider,
            error: `model ${model} did not load (see repository index)`,
          });
          continue;
        }
        for (const connections of [1, 64]) {
          log(`${isolation}: pool ${model} c=${connections}`);
          const result = await loadPoolModel(
            server.url,
            model,
            bench.width,
            connections,
            durationMs,
          );
          pool.push({
            isolation,
            model: bench.key,
            provider,
            execution_provider: meta.parameters?.execution_provider,
            connections,
            batching: connections > 1 ? "dynamic (max 64)" : "batch 1",
            ...result,
          } as PoolCell);
        }
      }
    }
    return { repository: await client.repositoryIndex(), demo, pool };
  } finally {
    await server.shutdown();
  }
}

const poolAgreement: {
  isolation: Isolation;
  model: string;
  rows: number;
  shapes: unknown[];
  relativeError: number;
  finite: boolean;
}[] = [];
const demoCells: DemoCell[] = [];
const cells: PoolCell[] = [];
try {
  for (const isolation of ["thread", "process"] as const) {
    const checked = await checkPool(isolation);
    report[`repository_${isolation}`] = checked.repository;
    demoCells.push(...checked.demo.map((d) => ({ ...d, isolation })));
    cells.push(...checked.pool);
  }
  report.demoModels = demoCells;
  report.pool = cells;
  const raw = [];
  const agreement = [];
  for (const bench of benchModels) {
    for (const provider of ["cuda", "cpu"] as const) {
      if (provider === "cuda" && gpus.length === 0) continue;
      log(`raw ORT ${bench.key} ${provider}`);
      const rows = await measureRawOrt(bench.bytes, bench.width, [1, 64], durationMs, [provider]);
      raw.push(...rows.map((row) => ({ model: bench.key, ...row })));
    }
    if (gpus.length > 0) {
      const agreed = await providerAgreement(bench.bytes, bench.width, 8, ["cuda", "cpu"]);
      log(`${bench.key}: CUDA vs CPU relative error ${agreed.relativeError}`);
      agreement.push({ model: bench.key, ...agreed });
    }
  }
  report.raw = raw;
  report.agreement = agreement;
  report.poolAgreement = poolAgreement;
  if (gpus.length > 0) {
    // Every new batch size's first run on CUDA, then a repeat: the per-shape cost padding avoids.
    const conv = benchModels.find((b) => b.key === "conv")!;
    report.newShapeCost = await newShapeCost(conv.bytes, conv.width, [
      1,
      2,
      3,
      5,
      8,
      13,
      21,
      34,
      64,
    ], "cuda");
    log(`conv new-shape cost on CUDA: ${JSON.stringify(report.newShapeCost)}`);
  }
} finally {
  await Deno.remove(repository, { recursive: true });
}

const demoOnCuda = demoCells.every((d) => d.execution_provider === "cuda");
const benchOnCuda = cells.filter((p) => p.provider === "cuda").every((p) =>
  p.execution_provider === "cuda"
);
// Every measured cell answered every request, and at least one.
// tf32 matrix products land near 3e-4 from float32; 1e-2 would mean wrong kernels. NaN fails.
const agreementOk = ((report.agreement ?? []) as { relativeError: number; finite: boolean }[])
  .every((a) => a.finite && a.relativeError < 1e-2);
const poolAgreementOk = poolAgreement.every((a) =>
  a.finite && a.relativeError < 1e-2 &&
  a.shapes.every((shape) => JSON.stringify(shape).startsWith("[3,"))
);
report.agreementOk = agreementOk && poolAgreementOk;
const loadOk = cells.every((p) =>
  p.requests === undefined || (p.requests > 0 && p.errors === 0 && p.non2xx === 0)
);
report.loadOk = loadOk;
report.ok = gpus.length > 0 && demoOnCuda && benchOnCuda && loadOk && agreementOk &&
  poolAgreementOk;
await Deno.writeTextFile(
  join(values.out, "gpu_check.json"),
  JSON.stringify(report, null, 2) + "\n",
);
console.log(
  JSON.stringify(
    {
      ok: report.ok,
      demoModels: report.demoModels,
      pool: report.pool,
      raw: report.raw,
      agreement: report.agreement,
      poolAgreement: report.poolAgreement,
      newShapeCost: report.newShapeCost,
    },
    null,
    2,
  ),
);
Deno.exit(report.ok || (values["allow-cpu"] && loadOk && poolAgreementOk) ? 0 : 1);
