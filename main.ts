/**
 * The embedded default, one command, one process: seeds the demo model repository under ./data,
 * starts the worker pool (CUDA when usable, CPU otherwise) with its internal OIP v2 port, and
 * serves the gateway in the same process, which calls the pool's app directly. Ctrl-C, or
 * SIGINT / SIGTERM to any process of the launch chain (npx, deno task, this one), drains
 * in-flight requests and stops everything; with process isolation, the pool's worker processes exit if this one dies.
 *
 * Environment: EDGEML_DATA_DIR (./data), EDGEML_HOST (127.0.0.1), EDGEML_GATEWAY_PORT (8000),
 * EDGEML_POOL_PORT (8001), EDGEML_GPUS ("0,1" or "none"; detected by default),
 * EDGEML_ADMIN_TOKEN (generated into <data>/admin_token when unset), EDGEML_KV and
 * EDGEML_ARTIFACTS (<data>/kv.sqlite3 and <data>/artifacts; see shared/store/README.md),
 * EDGEML_ISOLATION ("thread", the default: model instances on threads of this process; "process":
 * a worker process per device), SWA_MAX_SAMPLES (64: the largest S a finalisation may ask
 * for), EDGEML_SWA_DEMO, EDGEML_SEARCH_DEMO and EDGEML_RECS_DEMO ("on"; "off" seeds no demo
 * SWA model / search index / recommendations campaign), EDGEML_LOG_LEVEL.
 */
import { join, resolve } from "node:path";
import { createLogger, type LogLevel } from "@edgeml/shared/http";
import { openStores, tenantStores } from "@edgeml/shared/store";
import { startPoolServer } from "@edgeml/gpu-workers";
import { detectGpus } from "@edgeml/gpu-workers/devices";
import { seedDemoRepository } from "@edgeml/gpu-workers/repository";
import { createInProcessClient } from "@edgeml/gpu-workers/client/in-process";
import { createEmbeddedGateway } from "@edgeml/gateway/embedded";
import {
  createSearchControl,
  seedDemoSearchIndex,
  startRerankerRetraining,
  startSyncScheduler,
} from "@edgeml/search-qa/control";
import {
  createRecommendationsControl,
  createScorerPublisher,
  seedDemoRecommendations,
} from "@edgeml/recommendations/control";
import { failInterruptedVersions } from "@edgeml/recommendations/domain";
import {
  createSwaControl,
  repositoryPublisher,
  seedDemoSwaModel,
} from "@edgeml/swa-serving/control";
import { loadOrCreateAdminToken } from "./services/gateway/embedded/admin_token.ts";
import { launcherChain, watchLauncherChain } from "./services/gateway/embedded/launcher_chain.ts";

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

let stopping: Promise<never> | undefined;
const stopHooks: Array<() => Promise<void>> = [];
/** Stops what has started, newest first, then exits. Safe to call more than once. */
function stop(reason: string, code = 0): Promise<never> {
  stopping ??= (async () => {
    logger.info("stopping: draining in-flight requests", { reason });
    for (const hook of stopHooks.reverse()) await hook().catch(() => {});
    Deno.exit(code);
  })();
  return stopping;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, () => stop(signal));
}
watchLauncherChain(launcherChain(), (pid) => stop(`launcher process ${pid} exited`));

const stores = await openStores({
  kv: Deno.env.get("EDGEML_KV") ?? join(dataDir, "kv.sqlite3"),
  artifacts: Deno.env.get("EDGEML_ARTIFACTS") ?? join(dataDir, "artifacts"),
});
stopHooks.push(() => Promise.resolve(stores.kv.close()));
const admin = await loadOrCreateAdminToken(dataDir, Deno.env.get("EDGEML_ADMIN_TOKEN"));
const seeded = await seedDemoRepository(repository);
if (seeded.length > 0) logger.info("seeded demo models", { repository, models: seeded });

const isolation = env("EDGEML_ISOLATION", "thread");
if (isolation !== "thread" && isolation !== "process") {
  logger.error("EDGEML_ISOLATION must be thread or process", { isolation });
  await stop("bad EDGEML_ISOLATION", 2);
}
const gpus = await detectGpus();
const pool = await startPoolServer({
  repository,
  gpus,
  hostname,
  port: poolPort,
  logger,
  isolation: isolation as "thread" | "process",
})
  .catch((err) => {
    logger.error("the worker pool could not start", { error: String(err), port: poolPort });
    return stop("pool start failed", 1);
  });
stopHooks.push(() => pool.shutdown());

// The SWA control plane publishes finalised versions into the pool's repository.
const tenant = tenantStores(stores, "default");
const swaControl = createSwaControl({
  stores: tenant,
  publisher: repositoryPublisher({
    repository,
    artifacts: tenant.artifacts,
    workers: createInProcessClient(pool.pool),
  }),
  logger,
  maxSamples: Number(env("SWA_MAX_SAMPLES", "64")),
});
try {
  await swaControl.recover();
  if (env("EDGEML_SWA_DEMO", "on") !== "off" && await seedDemoSwaModel(tenant, swaControl)) {
    logger.info("seeded the demo SWA model", { model: "digits" });
  }
} catch (err) {
  // Everything else still serves; the SWA routes answer from whatever state the store holds.
  logger.error("the SWA service could not recover or seed its demo", { error: String(err) });
}

// The search control plane parses uploads and builds index snapshots in the artifact store.
const searchWorkers = createInProcessClient(pool.pool);
const searchControl = createSearchControl(tenant, {
  // Indexes created with learnedReranker serve each version's re-ranker on the pool, and an
  // index's dense encoder runs there too.
  publisher: repositoryPublisher({
    repository,
    artifacts: tenant.artifacts,
    workers: searchWorkers,
  }),
  workers: searchWorkers,
  onPublishError: (error, index) =>
    logger.error("a search re-ranker could not be published", { index, error: String(error) }),
});
try {
  if (env("EDGEML_SEARCH_DEMO", "on") !== "off" && await seedDemoSearchIndex(tenant)) {
    logger.info("seeded the demo search index", { index: "city" });
  }
} catch (err) {
  logger.error("the demo search index could not be seeded", { error: String(err) });
}
// Web-crawler data sources with a schedule sync on it, in this process.
stopHooks.push(startSyncScheduler({
  stores: tenant,
  startSync: searchControl.startDataSourceSync,
  onError: (e, source) => logger.error("scheduled sync failed", { error: String(e), ...source }),
}));
// Indexes with learnedReranker retrain hourly when they have new feedback, published as uploads are.
stopHooks.push(startRerankerRetraining({
  stores: tenant,
  rebuild: searchControl.rebuildIndex,
  onError: (e, index) => logger.error("re-ranker retraining failed", { error: String(e), index }),
}));

// The recommendations control plane imports datasets and trains solution versions.
const recommendationsControl = createRecommendationsControl(tenant, {
  // Each version's ONNX scorer (user vector against every item, top-K) serves on the pool.
  publishScorer: createScorerPublisher(
    tenant,
    repositoryPublisher({
      repository,
      artifacts: tenant.artifacts,
      workers: createInProcessClient(pool.pool),
    }),
  ),
  onPublishError: (error, v) =>
    logger.error("a recommendations scorer could not be published", {
      solution: v.solution,
      version: v.version,
      error: String(error),
    }),
  onTrainingFailed: (v) =>
    logger.error("a solution version failed to train", {
      solution: v.solution,
      version: v.version,
      reason: v.failureReason,
    }),
});
try {
  const interrupted = await failInterruptedVersions(tenant.kv);
  if (interrupted > 0) logger.info("failed solution versions left training", { interrupted });
  if (env("EDGEML_RECS_DEMO", "on") !== "off" && await seedDemoRecommendations(tenant)) {
    logger.info("seeded the demo recommendations", { campaign: "library-home" });
  }
} catch (err) {
  logger.error("the demo recommendations could not be seeded", { error: String(err) });
}

const gateway = createEmbeddedGateway({
  pool,
  stores,
  adminToken: admin.token,
  logger,
  swaControl,
  searchControl,
  recommendationsControl,
  tenant,
});
let server: Deno.HttpServer;
try {
  server = Deno.serve({ hostname, port: gatewayPort, onListen: () => {} }, gateway.fetch);
} catch (err) {
  logger.error("the gateway could not listen", { error: String(err), port: gatewayPort });
  await stop("gateway listen failed", 1);
}
stopHooks.push(() => server.shutdown());

const gatewayUrl = `http://${hostname}:${gatewayPort}`;
const models = (await pool.pool.index(true)).map((m) => `${m.name}@${m.version}`).join(", ");
const adminLine = admin.created
  ? `\n  admin token  ${admin.token}\n               (printed once; kept in ${admin.path})`
  : admin.path
  ? `\n  admin token  in ${admin.path}`
  : "\n  admin token  from EDGEML_ADMIN_TOKEN";
console.log(`
edgeml is up (${gpus.length > 0 ? `GPUs ${gpus.join(",")}` : "CPU only"})
  gateway      ${gatewayUrl}        (OpenAPI: ${gatewayUrl}/openapi.json)
  worker pool  ${pool.url}  (internal OIP v2, metrics: ${pool.url}/metrics)
  models       ${models}${adminLine}
  try:  curl -s ${gatewayUrl}/v2/models/mlp_small/infer -H 'content-type: application/json' \\
          -d '{"inputs":[{"name":"input","datatype":"FP32","shape":[1,16],"data":[${
  Array(16).fill("0.5").join(",")
}]}]}'
  SWA:  curl -s ${gatewayUrl}/v1/swa/models/digits/predict -H 'content-type: application/json' \\
          -d '{"mode":"swag","inputs":[[${Array(64).fill("0.5").join(",")}]]}'
Ctrl-C stops everything.
`);
