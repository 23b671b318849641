/**
 * The OpenAPI 3.1 document, generated from the zod contracts (zod 4's JSON Schema output), so
 * the published schema and the validators can never drift apart.
 */
import { z } from "zod";
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

const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  instance: z.string().optional(),
});

const schemas = {
  InferRequest,
  InferResponse,
  ModelMetadata,
  ServerMetadata,
  RepositoryIndex,
  RepositoryIndexRequest,
  RepositoryLoadRequest,
  ModelConfig,
  Problem,
};

const ref = (name: keyof typeof schemas) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: keyof typeof schemas) => ({ "application/json": { schema: ref(name) } });
const problems = {
  "400": {
    description: "Malformed or invalid request",
    content: { "application/problem+json": { schema: ref("Problem") } },
  },
  "404": {
    description: "Unknown model or version",
    content: { "application/problem+json": { schema: ref("Problem") } },
  },
  "503": {
    description: "Overloaded or draining; see Retry-After",
    content: { "application/problem+json": { schema: ref("Problem") } },
  },
};
const modelParams = [{ name: "model", in: "path", required: true, schema: { type: "string" } }];
const versionParams = [...modelParams, {
  name: "version",
  in: "path",
  required: true,
  schema: { type: "string" },
}];

export function buildOpenApiDocument(serverUrl?: string): Record<string, unknown> {
  const infer = (parameters: unknown[]) => ({
    post: {
      summary:
        "Run inference (JSON, or the binary tensor extension with Inference-Header-Content-Length)",
      parameters,
      requestBody: { content: { ...json("InferRequest"), "application/octet-stream": {} } },
      responses: {
        "200": {
          description: "Outputs",
          content: { ...json("InferResponse"), "application/octet-stream": {} },
        },
        ...problems,
        "413": { description: "Body too large" },
        "415": { description: "Unsupported media type" },
      },
    },
  });
  const metadata = (parameters: unknown[]) => ({
    get: {
      summary: "Model metadata",
      parameters,
      responses: {
        "200": { description: "Metadata", content: json("ModelMetadata") },
        ...problems,
      },
    },
  });
  return {
    openapi: "3.1.0",
    info: { title: "edgeml worker pool (Open Inference Protocol v2)", version: "0.1.0" },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths: {
      "/v2": {
        get: {
          summary: "Server metadata",
          responses: { "200": { description: "Metadata", content: json("ServerMetadata") } },
        },
      },
      "/v2/health/live": {
        get: { summary: "Liveness", responses: { "200": { description: "Live" } } },
      },
      "/v2/health/ready": {
        get: {
          summary: "Readiness",
          responses: { "200": { description: "Ready" }, "503": problems["503"] },
        },
      },
      "/v2/models/{model}": metadata(modelParams),
      "/v2/models/{model}/versions/{version}": metadata(versionParams),
      "/v2/models/{model}/ready": {
        get: {
          summary: "Model readiness",
          parameters: modelParams,
          responses: { "200": { description: "Ready" }, ...problems },
        },
      },
      "/v2/models/{model}/infer": infer(modelParams),
      "/v2/models/{model}/versions/{version}/infer": infer(versionParams),
      "/v2/repository/index": {
        post: {
          summary: "List the repository's models and their state",
          requestBody: { content: json("RepositoryIndexRequest") },
          responses: { "200": { description: "Index", content: json("RepositoryIndex") } },
        },
      },
      "/v2/repository/models/{model}/load": {
        post: {
          summary: "Load or reload a model (the old version serves until the new one is ready)",
          parameters: modelParams,
          requestBody: { content: json("RepositoryLoadRequest") },
          responses: {
            "200": { description: "Loaded" },
            ...problems,
            "422": { description: "Invalid model or config" },
          },
        },
      },
      "/v2/repository/models/{model}/unload": {
        post: {
          summary: "Unload a model after its queue drains",
          parameters: modelParams,
          responses: { "200": { description: "Unloaded" }, ...problems },
        },
      },
      "/metrics": {
        get: {
          summary: "Prometheus metrics (Triton names)",
          responses: { "200": { description: "Text exposition" } },
        },
      },
    },
    components: {
      schemas: Object.fromEntries(
        Object.entries(schemas).map((
          [name, schema],
        ) => [name, z.toJSONSchema(schema, { io: "input", unrepresentable: "any" })]),
      ),
    },
  };
}
