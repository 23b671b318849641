/**
 * The embedded default as the benchmark runs it: the worker pool on its own port and, with
 * `--gateway`, the gateway in the same process calling the pool's app directly, built exactly
 * as `/main.ts` builds it (same app, same upstream, same deps), on free ports:
 *
 *   deno run -A gpu-workers/bench/embedded_process.ts --repository DIR --data DIR
 *     [--gateway] [--isolation thread|process] [--gpus none|0,1]
 *
 * Prints one line on stdout, `{"pool":"http://…","gateway":"http://…"}`, once both listen;
 * logs (errors only) go to stderr. SIGTERM / SIGINT drain and exit.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createLogger } from "@edgeml/shared/http";
import { openStores } from "@edgeml/shared/store";
import { createEmbeddedGateway } from "@edgeml/gateway/embedded";
import { type PoolServerOptions, startPoolServer } from "../server/pool_server.ts";

const { values } = parseArgs({
  options: {
    repository: { type: "string" },
    data: { type: "string" },
    gateway: { type: "boolean", default: false },
    isolation: { type: "string", default: "thread" },
    gpus: { type: "string", default: "none" },
    host: { type: "string", default: "127.0.0.1" },
    // Marks the process so the benchmark can check that nothing it started outlives it.
    "bench-tag": { type: "string" },
  },
});
if (!values.repository || !values.data) throw new Error("--repository and --data are required");
if (values.isolation !== "thread" && values.isolation !== "process") {
  throw new Error(`--isolation is thread or process, not '${values.isolation}'`);
}
const hostname = values.host;
const logger = createLogger({ service: "bench-embedded", level: "error" });
const gpus = values.gpus === "none" ? [] : values.gpus.split(",").map(Number);

// `isolation`: model instances in device threads of this process ("thread", the default) or in
// one worker process per device ("process").
const poolOptions: PoolServerOptions & { isolation: "thread" | "process" } = {
  repository: values.repository,
  gpus,
  hostname,
  port: 0,
  logger,
  isolation: values.isolation,
};
const pool = await startPoolServer(poolOptions);
const stopHooks: Array<() => Promise<void>> = [() => pool.shutdown()];
const urls: Record<string, string> = { pool: pool.url };

if (values.gateway) {
  // As /main.ts: stores, worker client and edge services included, though the benchmark only
  // sends OIP requests (and a 404) through it.
  const stores = await openStores({
    kv: join(values.data, "kv.sqlite3"),
    artifacts: join(values.data, "artifacts"),
  });
  stopHooks.push(() => Promise.resolve(stores.kv.close()));
  const gateway = createEmbeddedGateway({
    pool,
    stores,
    adminToken: crypto.randomUUID(),
    logger,
  });
  const server = Deno.serve({ hostname, port: 0, onListen: () => {} }, gateway.fetch);
  stopHooks.unshift(() => server.shutdown());
  urls.gateway = `http://${hostname}:${(server.addr as Deno.NetAddr).port}`;
}

console.log(JSON.stringify(urls));

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    if (stopping) return;
    stopping = true;
    for (const hook of stopHooks) await hook().catch(() => {});
    Deno.exit(0);
  });
}
