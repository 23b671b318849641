/**
 * The SWA service's edge app: `/v1/swa/…` routes, each validating with the contracts and calling
 * one domain function. Predictions call the workers through the typed client; checkpoint
 * uploads fold into the run state in the store (edge-safe math); finalisation, rollback and
 * deletes go to the control plane, which a deployment without one answers with 503.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import {
  createSwaModelRoute,
  deleteVersionRoute,
  evaluateRoute,
  finalizeRoute,
  getJobRoute,
  getSwaModelRoute,
  getVersionRoute,
  listRunsRoute,
  listSwaModelsRoute,
  listVersionsRoute,
  predictRoute,
  putCalibrationSetRoute,
  rollbackRoute,
  uploadCheckpointRoute,
} from "@edgeml/shared/contracts/swa";
import {
  adminOnly,
  bodyLimit,
  controlPlaneOf,
  createApiApp,
  type EdgeDeps,
  readBodyLimited,
  unsupportedMediaType,
} from "@edgeml/shared/http";
import type { TenantStores } from "@edgeml/shared/store";
import type { OipClient } from "@edgeml/gpu-workers/client";
import { putCalibrationSet } from "../domain/calibration.ts";
import {
  getJob,
  getModel,
  getVersion,
  listModels,
  listVersions,
  versionView,
} from "../domain/catalog.ts";
import { evaluate } from "../domain/evaluate.ts";
import { ingestCheckpoint, listRuns, modelView, registerModel } from "../domain/ingest.ts";
import { predict } from "../domain/predict.ts";
import type { SwaControl } from "../control/swa_control.ts";

export type SwaEdgeDeps = EdgeDeps<OipClient, TenantStores>;

export interface SwaEdgeOptions {
  /** The control plane (finalise, rollback, delete); absent where the edge runs alone. */
  control?: SwaControl;
  /** Bearer token of the mutating routes; absent → they answer 403. */
  adminToken?: string;
}

const MiB = 1024 * 1024;
const limit = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

function octetStream(req: Request) {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/octet-stream\s*(;|$)/i.test(type)) {
    throw unsupportedMediaType(
      "unsupported_media_type",
      "send the ONNX file's bytes as the body with Content-Type: application/octet-stream",
    );
  }
}

export function createSwaEdgeApp(
  deps: SwaEdgeDeps,
  { control, adminToken }: SwaEdgeOptions = {},
): OpenAPIHono<Env> {
  const { store, workers, config } = deps;
  const maxCheckpointBytes = limit(config.SWA_MAX_CHECKPOINT_BYTES, 512 * MiB);
  const maxJsonBytes = limit(config.SWA_MAX_JSON_BYTES, 64 * MiB);
  const admin = adminOnly(adminToken, "SWA model management");
  const json = bodyLimit({ maxSize: maxJsonBytes });
  const controlPlane = controlPlaneOf(control, "finalise where the workers' repository is");
  const app = createApiApp();

  app.openapi({ ...createSwaModelRoute, middleware: [admin, json] }, async (c) => {
    return c.json(await registerModel(store, c.req.valid("json")), 201);
  });
  app.openapi(listSwaModelsRoute, async (c) => {
    const models = await listModels(store.kv);
    const views = await Promise.all(
      models.map(async (m) => modelView(m, await listRuns(store, m.name))),
    );
    return c.json({ models: views }, 200);
  });
  app.openapi(getSwaModelRoute, async (c) => {
    const { name } = c.req.valid("param");
    return c.json(modelView(await getModel(store.kv, name), await listRuns(store, name)), 200);
  });
  app.openapi({ ...uploadCheckpointRoute, middleware: [admin] }, async (c) => {
    const { name, run } = c.req.valid("param");
    octetStream(c.req.raw);
    const model = await getModel(store.kv, name);
    const bytes = await readBodyLimited(c.req.raw, maxCheckpointBytes);
    return c.json(await ingestCheckpoint(store, model, run, bytes, maxCheckpointBytes), 200);
  });
  app.openapi(listRunsRoute, async (c) => {
    const { name } = c.req.valid("param");
    await getModel(store.kv, name);
    return c.json({ runs: await listRuns(store, name) }, 200);
  });
  app.openapi({ ...putCalibrationSetRoute, middleware: [admin] }, async (c) => {
    const { name, set } = c.req.valid("param");
    octetStream(c.req.raw);
    const model = await getModel(store.kv, name);
    const bytes = await readBodyLimited(c.req.raw, maxCheckpointBytes);
    return c.json(await putCalibrationSet(store, model, set, bytes), 200);
  });
  app.openapi({ ...finalizeRoute, middleware: [admin, json] }, async (c) => {
    const { name } = c.req.valid("param");
    return c.json(await controlPlane().finalize(name, c.req.valid("json")), 202);
  });
  app.openapi(listVersionsRoute, async (c) => {
    const { name } = c.req.valid("param");
    const model = await getModel(store.kv, name);
    const versions = await listVersions(store.kv, name);
    return c.json({ versions: versions.map((v) => versionView(v, model)) }, 200);
  });
  app.openapi(getVersionRoute, async (c) => {
    const { name, version } = c.req.valid("param");
    const model = await getModel(store.kv, name);
    return c.json(versionView(await getVersion(store.kv, name, version), model), 200);
  });
  app.openapi({ ...deleteVersionRoute, middleware: [admin] }, async (c) => {
    const { name, version } = c.req.valid("param");
    await controlPlane().deleteVersion(name, version);
    return c.body(null, 204);
  });
  app.openapi({ ...rollbackRoute, middleware: [admin, json] }, async (c) => {
    const { name } = c.req.valid("param");
    return c.json(await controlPlane().rollback(name, c.req.valid("json").version), 200);
  });
  app.openapi(getJobRoute, async (c) => {
    return c.json(await getJob(store.kv, c.req.valid("param").jobId), 200);
  });
  app.openapi({ ...predictRoute, middleware: [json] }, async (c) => {
    const { name } = c.req.valid("param");
    return c.json(await predict({ kv: store.kv, workers }, name, c.req.valid("json")), 200);
  });
  app.openapi({ ...evaluateRoute, middleware: [json] }, async (c) => {
    const { name, version } = c.req.valid("param");
    const result = await evaluate({ kv: store.kv, workers }, name, version, c.req.valid("json"));
    return c.json(result, 200);
  });
  return app;
}
