/**
 * The pool's Open Inference Protocol v2 REST API (plus Triton's repository, statistics and
 * model configuration extensions), declared from the shared OIP route contracts so its OpenAPI
 * document is generated from what it serves. Written to work with Triton's own clients
 * (`tritonclient.http`) as they send: repository bodies without Content-Type, gzip or deflate
 * request bodies, `Accept-Encoding` on inference.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context, Env } from "hono";
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  metricsRoute,
  OIP_COMPONENTS,
  oipRoutes,
  openApiRoute,
  RepositoryIndexRequest,
  RepositoryLoadRequest,
} from "@edgeml/shared/contracts";
import { invalid } from "@edgeml/shared/errors";
import {
  bodyLimit,
  compressResponse,
  createApiApp,
  createNotFoundHandler,
  createProblemHandler,
  decompressRequest,
  type Logger,
  readJson,
  registerSchemas,
  requestId,
  serviceUnavailable,
} from "@edgeml/shared/http";
import { decodeInferRequest, encodeInferResponse } from "./infer_codec.ts";
import type { OipPool } from "./pool_api.ts";
import { poolServerMetadata } from "./server_metadata.ts";

export type { OipPool } from "./pool_api.ts";

export interface OipAppOptions {
  /** Largest request body accepted (bytes), counted after decompression. */
  maxBodyBytes?: number;
  /**
   * Smallest inference response compressed when the request's `Accept-Encoding` asks for gzip
   * or deflate (bytes, default 1024). `Infinity` never compresses.
   */
  compressMinBytes?: number;
  logger?: Logger;
  serverName?: string;
  serverVersion?: string;
}

/** The OpenAPI document's `info` for the pool. */
export const POOL_API_INFO = {
  title: "edgeml worker pool (Open Inference Protocol v2)",
  version: "0.1.0",
};

/** Repository bodies: JSON with or without a Content-Type (Triton's client sends none), or none. */
const LENIENT_JSON = { allowMissingContentType: true, emptyAsObject: true } as const;

export function createOipApp(
  pool: OipPool,
  {
    maxBodyBytes = 64 * 1024 * 1024,
    compressMinBytes = 1024,
    logger,
    serverName,
    serverVersion,
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

  const decompress = decompressRequest({ maxSize: maxBodyBytes });
  const limit = bodyLimit({ maxSize: maxBodyBytes });
  const compress = compressResponse({ threshold: compressMinBytes });

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
  app.openapi(
    oipRoutes.serverMetadata,
    (c) => c.json(poolServerMetadata(serverName, serverVersion), 200),
  );

  // Statistics first: `/v2/models/stats` must not be read as the metadata of a model "stats".
  app.openapi(oipRoutes.allStats, async (c) => c.json(await pool.statistics.snapshot(), 200));
  app.openapi(oipRoutes.modelStats, async (c) => {
    const { model } = c.req.valid("param");
    return c.json(await pool.statistics.snapshot(model), 200);
  });
  app.openapi(oipRoutes.versionStats, async (c) => {
    const { model, version } = c.req.valid("param");
    return c.json(await pool.statistics.snapshot(model, version), 200);
  });
  app.openapi(oipRoutes.modelConfig, async (c) => {
    const { model } = c.req.valid("param");
    return c.json(await pool.modelConfig(model), 200);
  });
  app.openapi(oipRoutes.versionConfig, async (c) => {
    const { model, version } = c.req.valid("param");
    return c.json(await pool.modelConfig(model, version), 200);
  });

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
      // The body was read for this request alone: its bytes may go to a device by transfer.
      handOver: true,
    });
    // The codec builds the Response itself (JSON or binary): typed routes cannot see its shape.
    return encodeInferResponse(
      decoded.request,
      result.modelName,
      result.modelVersion,
      result.outputs,
    ) as never;
  };
  // Decompress before the limit, so that the limit counts the bytes the handler gets.
  const inferMiddleware = [compress, decompress, limit];
  // The hottest routes: declared in the OpenAPI document from their contracts like the rest,
  // but served without the per-request schema check of path parameters that `app.openapi`
  // adds (a router match is never empty; the pool looks the names up itself).
  app.openAPIRegistry.registerPath(oipRoutes.modelInfer);
  app.openAPIRegistry.registerPath(oipRoutes.versionInfer);
  const [compressStep, decompressStep, limitStep] = inferMiddleware;
  app.post(
    "/v2/models/:model/infer",
    compressStep,
    decompressStep,
    limitStep,
    (c) => infer(c, c.req.param("model")!),
  );
  app.post(
    "/v2/models/:model/versions/:version/infer",
    compressStep,
    decompressStep,
    limitStep,
    (c) => infer(c, c.req.param("model")!, c.req.param("version")!),
  );

  app.openapi({ ...oipRoutes.repositoryIndex, middleware: [decompress, limit] }, async (c) => {
    const body = await readJson(c, RepositoryIndexRequest, LENIENT_JSON);
    return c.json(await pool.index(body.ready === true), 200);
  });
  app.openapi({ ...oipRoutes.repositoryLoad, middleware: [decompress, limit] }, async (c) => {
    const body = await readJson(c, RepositoryLoadRequest, LENIENT_JSON);
    const files = Object.keys(body.parameters ?? {}).filter((k) => k.startsWith("file:"));
    if (files.length > 0) {
      throw invalid(
        "file_override_unsupported",
        `load with model files in the request (${files.slice(0, 3).join(", ")}) is not ` +
          "supported: this server loads models from its repository only. Put the files in the " +
          "repository and load without 'files' (a 'config' alone may still override the config).",
        { extra: { files: files.slice(0, 20) } },
      );
    }
    const config = body.parameters?.config;
    if (config !== undefined && typeof config !== "string") {
      throw invalid(
        "invalid_request",
        "parameters.config must be the model configuration as a string of JSON",
      );
    }
    await pool.load(c.req.valid("param").model, config);
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
