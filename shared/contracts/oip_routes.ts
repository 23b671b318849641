/**
 * The Open Inference Protocol v2 REST routes (KServe's protocol, with Triton's repository
 * extension), each declared once with its request and response schemas. The worker pool
 * implements them and the gateway forwards them; both register these same objects with
 * `@hono/zod-openapi`, so `/openapi.json` is generated from what is served.
 *
 * Request bodies are documented by reference, not validated by the route (see
 * {@link OIP_COMPONENTS}).
 */
import { createRoute, z } from "@hono/zod-openapi";
import {
  InferRequest,
  InferResponse,
  ModelMetadata,
  RepositoryIndex,
  RepositoryIndexRequest,
  RepositoryLoadRequest,
  ServerMetadata,
} from "./oip.ts";
import { ModelConfig } from "./model_config.ts";
import { ModelStatisticsResponse } from "./model_statistics.ts";
import { Problem } from "./problem.ts";

export * from "./model_statistics.ts";

/** Error bodies on OIP routes: problem+json plus the `error` string KServe clients read. */
export const OipProblem = Problem.extend({ error: z.string() }).meta({ id: "OipProblem" });

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: OipProblem } },
});
const PROBLEMS = {
  400: problem("Malformed or invalid request"),
  404: problem("Unknown model or version"),
  503: problem("Overloaded, starting or draining; see Retry-After"),
};
const ModelMetadataBody = ModelMetadata.meta({ id: "ModelMetadata" });
const ModelConfigBody = ModelConfig.meta({ id: "ModelConfig" });
const ModelParams = z.object({ model: z.string().min(1) });
const VersionParams = ModelParams.extend({ version: z.string().min(1) });
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

const metadataRoute = <P extends typeof ModelParams>(path: string, params: P) =>
  createRoute({
    method: "get",
    path,
    tags: ["OIP v2"],
    summary: "Model metadata (parameters.execution_provider: the provider in use)",
    request: { params },
    responses: {
      200: {
        description: "Metadata",
        content: { "application/json": { schema: ModelMetadataBody } },
      },
      ...PROBLEMS,
    },
  });

const readyRoute = <P extends typeof ModelParams>(path: string, params: P) =>
  createRoute({
    method: "get",
    path,
    tags: ["OIP v2"],
    summary: "Model readiness",
    request: { params },
    responses: {
      200: {
        description: "Whether the model (version) serves",
        content: {
          "application/json": { schema: z.object({ name: z.string(), ready: z.boolean() }) },
        },
      },
      ...PROBLEMS,
    },
  });

const statsRoute = <P extends typeof ModelParams>(path: string, params: P) =>
  createRoute({
    method: "get",
    path,
    tags: ["OIP v2 statistics"],
    summary: "Statistics of the model's loaded versions (Triton's statistics extension)",
    request: { params },
    responses: {
      200: {
        description: "One entry per loaded version asked for",
        content: { "application/json": { schema: ModelStatisticsResponse } },
      },
      ...PROBLEMS,
    },
  });

const configRoute = <P extends typeof ModelParams>(path: string, params: P) =>
  createRoute({
    method: "get",
    path,
    tags: ["OIP v2"],
    summary: "The configuration the model (version) was loaded with (Triton's model_configuration)",
    request: { params },
    responses: {
      200: {
        description: "Model configuration",
        content: { "application/json": { schema: ModelConfigBody } },
      },
      ...PROBLEMS,
    },
  });

const inferRoute = <P extends typeof ModelParams>(path: string, params: P) =>
  createRoute({
    method: "post",
    path,
    tags: ["OIP v2"],
    summary:
      "Run inference: JSON, or the binary tensor extension (Inference-Header-Content-Length)",
    description:
      "The body may be compressed (`Content-Encoding: gzip` or `deflate`, zlib-wrapped " +
      "as Triton's clients send it); the size limit and `Inference-Header-Content-Length` apply " +
      "to the decompressed bytes. The response is compressed when `Accept-Encoding` asks for " +
      "gzip or deflate and it is large enough to gain from it. Non-finite JSON output values are " +
      "written `NaN`, `Infinity` and `-Infinity`, as Triton writes them (ask for binary outputs " +
      "to stay within strict JSON).",
    request: {
      params,
      body: {
        required: true,
        content: {
          "application/json": { schema: ref("InferRequest") },
          "application/octet-stream": {
            schema: { type: "string", contentMediaType: "application/octet-stream" },
          },
        },
      },
    },
    responses: {
      200: {
        description: "Outputs",
        content: {
          "application/json": { schema: ref("InferResponse") },
          "application/octet-stream": {
            schema: { type: "string", contentMediaType: "application/octet-stream" },
          },
        },
      },
      ...PROBLEMS,
      413: problem("Body over the route's limit (decompressed)"),
      415: problem("Neither JSON nor the binary tensor extension, or an unknown Content-Encoding"),
    },
  });

/**
 * Schemas the routes refer to by id. Their bodies are read by the handlers, not by the route's
 * validator: infer bodies by the pool's codec (JSON or binary), repository bodies as optional
 * JSON (Triton's client may send none).
 */
export const OIP_COMPONENTS = {
  /** The JSON that `RepositoryLoadRequest.parameters.config` carries as a string. */
  ModelConfig,
  InferRequest,
  InferResponse,
  RepositoryIndexRequest,
  RepositoryLoadRequest,
} as const;

/** Every OIP v2 route; `repository` ones are administrative (the gateway guards them). */
export const oipRoutes = {
  serverLive: createRoute({
    method: "get",
    path: "/v2/health/live",
    tags: ["OIP v2"],
    summary: "Liveness",
    responses: {
      200: {
        description: "Live",
        content: { "application/json": { schema: z.object({ live: z.boolean() }) } },
      },
      503: problem("Not live"),
    },
  }),
  serverReady: createRoute({
    method: "get",
    path: "/v2/health/ready",
    tags: ["OIP v2"],
    summary: "Readiness",
    responses: {
      200: {
        description: "Ready",
        content: { "application/json": { schema: z.object({ ready: z.boolean() }) } },
      },
      503: PROBLEMS[503],
    },
  }),
  serverMetadata: createRoute({
    method: "get",
    path: "/v2",
    tags: ["OIP v2"],
    summary: "Server metadata",
    responses: {
      200: {
        description: "Metadata",
        content: {
          "application/json": { schema: ServerMetadata.meta({ id: "ServerMetadata" }) },
        },
      },
    },
  }),
  // Before `/v2/models/{model}`, which would read "stats" as a model name (matching is in order).
  allStats: createRoute({
    method: "get",
    path: "/v2/models/stats",
    tags: ["OIP v2 statistics"],
    summary: "Statistics of every loaded model version (Triton's statistics extension)",
    responses: {
      200: {
        description: "One entry per loaded model version",
        content: { "application/json": { schema: ModelStatisticsResponse } },
      },
      503: PROBLEMS[503],
    },
  }),
  modelStats: statsRoute("/v2/models/{model}/stats", ModelParams),
  versionStats: statsRoute("/v2/models/{model}/versions/{version}/stats", VersionParams),
  modelConfig: configRoute("/v2/models/{model}/config", ModelParams),
  versionConfig: configRoute("/v2/models/{model}/versions/{version}/config", VersionParams),
  modelMetadata: metadataRoute("/v2/models/{model}", ModelParams),
  versionMetadata: metadataRoute("/v2/models/{model}/versions/{version}", VersionParams),
  modelReady: readyRoute("/v2/models/{model}/ready", ModelParams),
  versionReady: readyRoute("/v2/models/{model}/versions/{version}/ready", VersionParams),
  modelInfer: inferRoute("/v2/models/{model}/infer", ModelParams),
  versionInfer: inferRoute("/v2/models/{model}/versions/{version}/infer", VersionParams),
  repositoryIndex: createRoute({
    method: "post",
    path: "/v2/repository/index",
    tags: ["OIP v2 repository"],
    summary: "List the repository's models and their state",
    request: {
      body: {
        required: false,
        content: {
          "application/json": { schema: ref("RepositoryIndexRequest") },
        },
      },
    },
    responses: {
      200: {
        description: "Index",
        content: {
          "application/json": { schema: RepositoryIndex.meta({ id: "RepositoryIndex" }) },
        },
      },
      ...PROBLEMS,
    },
  }),
  repositoryLoad: createRoute({
    method: "post",
    path: "/v2/repository/models/{model}/load",
    tags: ["OIP v2 repository"],
    summary: "Load or reload a model (the old version serves until the new one is ready)",
    description: "`parameters.config` (a string of model-config JSON) replaces the repository's " +
      'config for this load. `parameters["file:<path>"]` model file overrides are refused ' +
      "(400 `file_override_unsupported`): models load from the repository only. A body sent " +
      "without Content-Type (as Triton's Python client sends it) reads as JSON.",
    request: {
      params: ModelParams,
      body: {
        required: false,
        content: {
          "application/json": { schema: ref("RepositoryLoadRequest") },
        },
      },
    },
    responses: {
      200: { description: "Loaded", content: { "application/json": { schema: z.object({}) } } },
      ...PROBLEMS,
      413: problem("Body over the route's limit"),
      415: problem("A body that is not JSON"),
      422: problem("Invalid model or configuration"),
    },
  }),
  repositoryUnload: createRoute({
    method: "post",
    path: "/v2/repository/models/{model}/unload",
    tags: ["OIP v2 repository"],
    summary: "Unload a model after its queue drains",
    request: { params: ModelParams },
    responses: {
      200: { description: "Unloaded", content: { "application/json": { schema: z.object({}) } } },
      ...PROBLEMS,
    },
  }),
} as const;

/** The routes that change what the pool serves: internal, behind the admin credential. */
export const OIP_ADMIN_ROUTES = [
  oipRoutes.repositoryIndex,
  oipRoutes.repositoryLoad,
  oipRoutes.repositoryUnload,
] as const;
