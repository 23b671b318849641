/**
 * The embedded default, one command: seeds the demo model repository under ./data, starts the
 * worker pool (CUDA when usable, CPU otherwise) with its OIP v2 API, and one gateway process in
 * front of it. Ctrl-C drains in-flight requests and stops everything.
 *
 * Environment: EDGEML_DATA_DIR (./data), EDGEML_HOST (127.0.0.1), EDGEML_GATEWAY_PORT (8000),
 * EDGEML_POOL_PORT (8001), EDGEML_GPUS ("0,1" or "none"; detected by default), EDGEML_LOG_LEVEL.
 */
import { join, resolve } from "node:path";
import { createLogger, type LogLevel } from "./shared/http/logger.ts";
import { seedDemoRepository } from "./gpu-workers/repository/demo_repository.ts";
import { detectGpus } from "./gpu-workers/pool/devices.ts";
import { startPoolServer } from "./gpu-workers/server/pool_server.ts";

const env = (name: string, fallback: string) => Deno.env.get(name) ?? fallback;
const logger = createLogger({
  service: "launcher",
  level: env("EDGEML_LOG_LEVEL", "info") as LogLevel,
});
const dataDir = resolve(env("EDGEML_DATA_DIR", "./data"));
const hostname = env("EDGEML_HOST", "127.0.0.1");
const gatewayPort = Number(env("EDGEML_GATEWAY_PORT", "8000"));
const poolPort = Number(env("EDGEML_POOL_PORT", "8001"));
const repository = join(dataDir, "models");

await Deno.mkdir(join(dataDir, "artifacts"), { recursive: true });
const seeded = await seedDemoRepository(repository);
if (seeded.length > 0) logger.info("seeded demo models", { repository, models: seeded });

const gpus = await detectGpus();
const pool = await startPoolServer({ repository, gpus, hostname, port: poolPort, logger });

const gateway = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-all",
    "--quiet",
    new URL("./services/gateway/main.ts", import.meta.url).pathname,
  ],
  env: {
    EDGEML_POOL_URL: pool.url,
    EDGEML_GATEWAY_PORT: String(gatewayPort),
    EDGEML_HOST: hostname,
  },
  stdin: "null",
}).spawn();

const gatewayUrl = `http://${hostname}:${gatewayPort}`;
await waitUntilServing(`${gatewayUrl}/healthz`, 30_000);
const models = (await pool.pool.index(true)).map((m) => `${m.name}@${m.version}`).join(", ");
console.log(`
edgeml is up (${gpus.length > 0 ? `GPUs ${gpus.join(",")}` : "CPU only"})
  gateway      ${gatewayUrl}        (OpenAPI: ${gatewayUrl}/openapi.json)
  worker pool  ${pool.url}  (OIP v2, metrics: ${pool.url}/metrics)
  models       ${models}
  try:  curl -s ${gatewayUrl}/v2/models/mlp_small/infer -H 'content-type: application/json' \\
          -d '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[${
  Array(16).fill("0.5").join(",")
}]}]}'
Ctrl-C stops everything.
`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  logger.info("stopping: draining in-flight requests");
  try {
    gateway.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await Promise.all([gateway.status, pool.shutdown()]);
  Deno.exit(0);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
gateway.status.then((status) => {
  if (!stopping) {
    logger.error("gateway exited; stopping", { code: status.code });
    stop();
  }
});

/** Polls until `url` answers 200, so the banner is only printed once the gateway serves. */
async function waitUntilServing(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(url).then((r) => (r.body?.cancel(), r.ok), () => false);
    if (ok) return;
    if (Date.now() > deadline) {
      logger.error("gateway did not start in time", { url });
      gateway.kill("SIGTERM");
      await pool.shutdown();
      Deno.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
