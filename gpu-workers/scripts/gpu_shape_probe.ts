/**
 * Where a conv net's time goes on CUDA under dynamic batching (run by gpu_check.sh's
 * environment on a GPU host: `GPU_CHECK_SCRIPT=gpu-workers/scripts/gpu_shape_probe.ts`):
 * raw ORT with alternating vs repeated batch sizes, and the pool at concurrency 1 and 64 with
 * the conv net's batches padded to max_batch_size (the default on CUDA) or not. Writes
 * DIR/gpu_shape_probe.json.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { encodeModel } from "@edgeml/shared/onnx";
import { loadPoolModel } from "../bench/pool_load.ts";
import { detectGpus } from "../pool/devices.ts";
import { startPoolServer } from "../server/pool_server.ts";
import { shapeSwitchCost } from "../bench/raw_ort.ts";
import { BENCH_CONV_NET, buildConvNet, convNetInputWidth } from "../bench/conv_net.ts";
import { writeVersion } from "../testing/fixture_repository.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "./out" },
    "duration-ms": { type: "string", default: "3000" },
  },
});
const durationMs = Number(values["duration-ms"]);
await Deno.mkdir(values.out, { recursive: true });
const log = (text: string) => Deno.stderr.writeSync(new TextEncoder().encode(text + "\n"));
const gpus = await detectGpus();
const provider = gpus.length > 0 ? "cuda" : "cpu";
const bytes = encodeModel(buildConvNet(BENCH_CONV_NET));
const width = convNetInputWidth(BENCH_CONV_NET);

const raw = [];
for (const batches of [[32, 64], [1, 64], [63, 64]]) {
  const cost = await shapeSwitchCost(bytes, width, batches, 20, provider);
  log(`raw shape switch ${JSON.stringify(cost)}`);
  raw.push(cost);
}

const repository = await Deno.makeTempDir({ prefix: "edgeml-shape-probe-" });
const variants: Record<string, string> = { padded: "true", unpadded: "false" };
for (const [name, padding] of Object.entries(variants)) {
  await Deno.mkdir(join(repository, name), { recursive: true });
  await Deno.writeTextFile(
    join(repository, name, "config.json"),
    JSON.stringify({
      max_batch_size: 64,
      dynamic_batching: { max_queue_delay_microseconds: 100 },
      parameters: { cuda_batch_padding: { string_value: padding } },
      instance_group: [{ kind: gpus.length > 0 ? "KIND_GPU" : "KIND_CPU", count: 1 }],
    }),
  );
  await writeVersion(repository, name, 1, bytes);
}
const pool = [];
const server = await startPoolServer({ repository, gpus, isolation: "thread" });
try {
  for (const name of Object.keys(variants)) {
    for (const connections of [1, 64]) {
      const result = await loadPoolModel(server.url, name, width, connections, durationMs);
      log(`pool ${name} c=${connections}: ${Math.round(result.rps)} rps, p50 ${result.p50Ms} ms`);
      pool.push({ variant: name, connections, ...result });
    }
  }
} finally {
  await server.shutdown();
  await Deno.remove(repository, { recursive: true });
}
await Deno.writeTextFile(
  join(values.out, "gpu_shape_probe.json"),
  JSON.stringify({ date: new Date().toISOString(), provider, raw, pool }, null, 2) + "\n",
);
