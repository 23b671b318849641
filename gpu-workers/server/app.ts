/** The pool's Open Inference Protocol v2 REST API (plus Triton's repository extension). */
import { Hono } from "hono";
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  RepositoryIndexRequest,
  RepositoryLoadRequest,
} from "../../shared/contracts/oip.ts";
import { bodyLimit } from "../../shared/http/body_limit.ts";
import { readJson } from "../../shared/http/json_body.ts";
import {
  createProblemHandler,
  notFoundHandler,
  serviceUnavailable,
} from "../../shared/http/problem.ts";
import { requestId } from "../../shared/http/request_id.ts";
import type { Logger } from "../../shared/http/logger.ts";
import type { Pool } from "../pool/pool.ts";
import { decodeInferRequest, encodeInferResponse } from "./infer_codec.ts";

export interface OipAppOptions {
  /** Largest request body accepted (bytes). */
  maxBodyBytes?: number;
  logger?: Logger;
  serverName?: string;
  serverVersion?: string;
}

export function createOipApp(
  pool: Pool,
  {
    maxBodyBytes = 64 * 1024 * 1024,
    logger,
    serverName = "edgeml-workers",
    serverVersion = "0.1.0",
  }: OipAppOptions = {},
): Hono {
  const app = new Hono();
  app.use(requestId());
  app.onError(createProblemHandler({
    onUnexpected: (err, c) =>
      logger?.error("unhandled error", { path: c.req.path, error: String(err) }),
  }));
  app.notFound(notFoundHandler);

  app.get("/v2/health/live", (c) => c.json({ live: pool.live }, pool.live ? 200 : 503));
  app.get("/v2/health/ready", (c) => {
    if (!pool.ready) throw serviceUnavailable("not_ready", "the pool is starting or draining", 1);
    return c.json({ ready: true });
  });
  app.get("/v2", (c) =>
    c.json({
      name: serverName,
      version: serverVersion,
      extensions: ["binary_tensor_data", "model_repository", "schedule_policy"],
    }));

  app.get("/v2/models/:model", (c) => c.json(pool.metadata(c.req.param("model"))));
  app.get(
    "/v2/models/:model/versions/:version",
    (c) => c.json(pool.metadata(c.req.param("model"), c.req.param("version"))),
  );
  const ready = (model: string, version?: string) => ({
    name: model,
    ready: pool.isReady(model, version),
  });
  app.get("/v2/models/:model/ready", (c) => c.json(ready(c.req.param("model"))));
  app.get(
    "/v2/models/:model/versions/:version/ready",
    (c) => c.json(ready(c.req.param("model"), c.req.param("version"))),
  );

  const infer = async (c: import("hono").Context, model: string, version?: string) => {
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
    return encodeInferResponse(
      decoded.request,
      result.modelName,
      result.modelVersion,
      result.outputs,
    );
  };
  const limit = bodyLimit({ maxSize: maxBodyBytes });
  app.post("/v2/models/:model/infer", limit, (c) => infer(c, c.req.param("model")));
  app.post(
    "/v2/models/:model/versions/:version/infer",
    limit,
    (c) => infer(c, c.req.param("model"), c.req.param("version")),
  );

  const optionalJson = async <T>(c: import("hono").Context, schema: import("zod").ZodType<T>) =>
    (c.req.header("content-length") ?? "0") === "0" && !c.req.header("transfer-encoding")
      ? schema.parse({})
      : await readJson(c, schema);

  app.post("/v2/repository/index", async (c) => {
    const body = await optionalJson(c, RepositoryIndexRequest);
    return c.json(await pool.index(body.ready === true));
  });
  app.post("/v2/repository/models/:model/load", async (c) => {
    const body = await optionalJson(c, RepositoryLoadRequest);
    const config = body.parameters?.config;
    await pool.load(c.req.param("model"), typeof config === "string" ? config : undefined);
    return c.json({});
  });
  app.post("/v2/repository/models/:model/unload", async (c) => {
    await pool.unload(c.req.param("model"));
    return c.json({});
  });

  app.get("/metrics", async (c) =>
    c.text(await pool.metrics.registry.metrics(), 200, {
      "content-type": pool.metrics.registry.contentType,
    }));
  return app;
}
