/**
 * The pool's Open Inference Protocol v2 REST API (plus Triton's repository extension), declared
 * from the shared OIP route contracts so its OpenAPI document is generated from what it serves.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env } from "hono";
import type { z } from "zod";
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  metricsRoute,
  OIP_COMPONENTS,
  oipRoutes,
  openApiRoute,
  RepositoryIndexRequest,
  RepositoryLoadRequest,
} from "@edgeml/shared/contracts";
import {
  bodyLimit,
  createApiApp,
  createNotFoundHandler,
  createProblemHandler,
  type Logger,
  readJson,
  registerSchemas,
  requestId,
  serviceUnavailable,
} from "@edgeml/shared/http";
import type { Pool } from "../pool/pool.ts";
import { decodeInferRequest, encodeInferResponse } from "./infer_codec.ts";

export interface OipAppOptions {
  /** Largest request body accepted (bytes). */
  maxBodyBytes?: number;
  logger?: Logger;
  serverName?: string;
  serverVersion?: string;
}

/** The OpenAPI document's `info` for the pool. */
export const POOL_API_INFO = {
  title: "edgeml worker pool (Open Inference Protocol v2)",
  version: "0.1.0",
};

/** An empty body (no length, not chunked) reads as `{}`: Triton's client may send none. */
async function optionalJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const empty = (c.req.header("content-length") ?? "0") === "0" &&
    !c.req.header("transfer-encoding");
  return empty ? schema.parse({}) : await readJson(c, schema);
}

export function createOipApp(
  pool: Pool,
  {
    maxBodyBytes = 64 * 1024 * 1024,
    logger,
    serverName = "edgeml-workers",
    serverVersion = "0.1.0",
  }: OipAppOptions = {},
): OpenAPIHono<Env> {
  const app = createApiApp();
  app.use(requestId());
  app.onError(createProblemHandler({
    kserveErrorField: true,
    onUnexpected: (err, c) =>
      logger?.error("unhandled error", { path: c.req.path, error: String(err) }),
  }));
  app.notFound(createNotFoundHandler({ kserveErrorField: true }));
  registerSchemas(app, OIP_COMPONENTS);

  app.openapi(
    oipRoutes.serverLive,
    (c) =>
      pool.live ? c.json({ live: true }, 200) : (() => {
        throw serviceUnavailable("not_live", "the pool has stopped", 1);
      })(),
  );
  app.openapi(oipRoutes.serverReady, (c) => {
    if (!pool.ready) throw serviceUnavailable("not_ready", "the pool is starting or draining", 1);
    return c.json({ ready: true }, 200);
  });
  app.openapi(oipRoutes.serverMetadata, (c) =>
    c.json({
      name: serverName,
      version: serverVersion,
      extensions: ["binary_tensor_data", "model_repository", "schedule_policy"],
    }, 200));

  app.openapi(
    oipRoutes.modelMetadata,
    (c) => c.json(pool.metadata(c.req.valid("param").model), 200),
  );
  app.openapi(oipRoutes.versionMetadata, (c) => {
    const { model, version } = c.req.valid("param");
    return c.json(pool.metadata(model, version), 200);
  });
  app.openapi(oipRoutes.modelReady, (c) => {
    const { model } = c.req.valid("param");
    return c.json({ name: model, ready: pool.isReady(model) }, 200);
  });
  app.openapi(oipRoutes.versionReady, (c) => {
    const { model, version } = c.req.valid("param");
    return c.json({ name: model, ready: pool.isReady(model, version) }, 200);
  });

  const infer = async (c: Context, model: string, version?: string) => {
    pool.assertServing(model, version);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const decoded = decodeInferRequest(
      body,
      c.req.header("content-type"),
      c.req.header(INFERENCE_HEADER_CONTENT_LENGTH),
    );
    const result = await pool.infer(model, version, {
      tensors: decoded.tensors,
      outputs: decoded.request.outputs?.map((o) => o.name),
      timeoutUs: decoded.timeoutUs,
    });
    // The codec builds the Response itself (JSON or binary): typed routes cannot see its shape.
    return encodeInferResponse(
      decoded.request,
      result.modelName,
      result.modelVersion,
      result.outputs,
    ) as never;
  };
  const limit = bodyLimit({ maxSize: maxBodyBytes });
  app.openapi(
    { ...oipRoutes.modelInfer, middleware: [limit] },
    (c) => infer(c, c.req.valid("param").model),
  );
  app.openapi({ ...oipRoutes.versionInfer, middleware: [limit] }, (c) => {
    const { model, version } = c.req.valid("param");
    return infer(c, model, version);
  });

  app.openapi(oipRoutes.repositoryIndex, async (c) => {
    const body = await optionalJson(c, RepositoryIndexRequest);
    return c.json(await pool.index(body.ready === true), 200);
  });
  app.openapi(oipRoutes.repositoryLoad, async (c) => {
    const body = await optionalJson(c, RepositoryLoadRequest);
    const config = body.parameters?.config;
    await pool.load(c.req.valid("param").model, typeof config === "string" ? config : undefined);
    return c.json({}, 200);
  });
  app.openapi(oipRoutes.repositoryUnload, async (c) => {
    await pool.unload(c.req.valid("param").model);
    return c.json({}, 200);
  });

  app.openapi(metricsRoute, async (c) =>
    c.text(await pool.metrics.registry.metrics(), 200, {
      "content-type": pool.metrics.registry.contentType,
    }));
  app.openapi(openApiRoute, (c) => c.json(app.getOpenAPI31Document(openApiConfig()), 200));
  return app;
}

function openApiConfig() {
  return { openapi: "3.1.0", info: POOL_API_INFO };
}
