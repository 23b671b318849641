/**
 * The worker pool alone (what a GPU node runs): `deno run -A gpu-workers/main.ts
 * --repository ./models --port 8001 [--host 0.0.0.0] [--gpus 0,1|none] [--cpu-workers 1] [--isolation thread|process]`.
 * `--isolation process` (or EDGEML_ISOLATION=process) runs each device's model instances in a
 * worker process of its own instead of threads of this one.
 * SIGTERM / Ctrl-C drain queued requests before exiting.
 */
import { parseArgs } from "node:util";
import { createLogger, type LogLevel } from "@edgeml/shared/http";
import { detectGpus } from "./pool/devices.ts";
import { startPoolServer } from "./server/pool_server.ts";

const { values } = parseArgs({
  options: {
    repository: { type: "string", default: "./data/models" },
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8001" },
    gpus: { type: "string" },
    "cpu-workers": { type: "string", default: "1" },
    isolation: { type: "string", default: Deno.env.get("EDGEML_ISOLATION") ?? "thread" },
    "log-level": { type: "string", default: Deno.env.get("EDGEML_LOG_LEVEL") ?? "info" },
  },
});

const logger = createLogger({ service: "gpu-workers", level: values["log-level"] as LogLevel });
const gpus = values.gpus === undefined
  ? await detectGpus()
  : values.gpus === "none"
  ? []
  : values.gpus.split(",").map(Number);
if (values.isolation !== "thread" && values.isolation !== "process") {
  console.error(`--isolation must be thread or process, not '${values.isolation}'`);
  Deno.exit(2);
}
const server = await startPoolServer({
  isolation: values.isolation,
  repository: values.repository,
  hostname: values.host,
  port: Number(values.port),
  gpus,
  cpuWorkers: Number(values["cpu-workers"]),
  logger,
});
logger.info("worker pool listening", { url: server.url, gpus, workers: server.pool.workers() });
// A line on stdout that a parent process (bench, tests) can wait for.
console.log(JSON.stringify({ listening: server.url }));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    if (stopping) return;
    stopping = true;
    await server.shutdown();
    Deno.exit(0);
  });
}
