/**
 * Open Inference Protocol v2 (KServe / Triton) REST shapes.
 *
 * Field names follow the protocol (snake_case), not our camelCase service APIs: clients written
 * for Triton or KServe must work unchanged.
 */
// z from @hono/zod-openapi: zod extended with `.openapi()`, which registering a component needs.
import { z } from "@hono/zod-openapi";

export const DATATYPES = [
  "BOOL",
  "UINT8",
  "UINT16",
  "UINT32",
  "UINT64",
  "INT8",
  "INT16",
  "INT32",
  "INT64",
  "FP16",
  "FP32",
  "FP64",
  "BYTES",
] as const;
export const Datatype = z.enum(DATATYPES);
export type Datatype = z.infer<typeof Datatype>;

/** Tensor data as JSON: flat or nested (row-major) numbers, booleans or strings. */
export type TensorData = Array<number | boolean | string | TensorData>;
export const TensorData: z.ZodType<TensorData> = z.array(
  z.union([z.number(), z.boolean(), z.string(), z.lazy(() => TensorData)]),
).meta({ id: "TensorData" }); // an id, so OpenAPI refers to the recursion instead of unrolling it

const Parameters = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const TensorMetadata = z.object({
  name: z.string(),
  datatype: Datatype,
  /** -1 marks a variable dimension. */
  shape: z.array(z.number().int().min(-1)),
});
export type TensorMetadata = z.infer<typeof TensorMetadata>;

export const ServerMetadata = z.object({
  name: z.string(),
  version: z.string(),
  extensions: z.array(z.string()),
});
export type ServerMetadata = z.infer<typeof ServerMetadata>;

export const ModelMetadata = z.object({
  name: z.string(),
  versions: z.array(z.string()),
  platform: z.string(),
  inputs: z.array(TensorMetadata),
  outputs: z.array(TensorMetadata),
  /** Carries `execution_provider` (the provider actually in use), `max_batch_size`, instances. */
  parameters: Parameters.optional(),
});
export type ModelMetadata = z.infer<typeof ModelMetadata>;

export const InferRequestInput = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  datatype: Datatype,
  parameters: Parameters.optional(),
  data: TensorData.optional(),
});
export type InferRequestInput = z.infer<typeof InferRequestInput>;

export const InferRequestOutput = z.object({
  name: z.string().min(1),
  parameters: Parameters.optional(),
});
export type InferRequestOutput = z.infer<typeof InferRequestOutput>;

export const InferRequest = z.object({
  id: z.string().optional(),
  /** `timeout` (µs) overrides the model's default queue timeout; `binary_data_output` asks for binary outputs. */
  parameters: Parameters.optional(),
  inputs: z.array(InferRequestInput).min(1),
  outputs: z.array(InferRequestOutput).optional(),
});
export type InferRequest = z.infer<typeof InferRequest>;

export const InferResponseOutput = z.object({
  name: z.string(),
  shape: z.array(z.number().int().min(0)),
  datatype: Datatype,
  parameters: Parameters.optional(),
  data: TensorData.optional(),
});
export type InferResponseOutput = z.infer<typeof InferResponseOutput>;

export const InferResponse = z.object({
  model_name: z.string(),
  model_version: z.string().optional(),
  id: z.string().optional(),
  parameters: Parameters.optional(),
  outputs: z.array(InferResponseOutput),
});
export type InferResponse = z.infer<typeof InferResponse>;

export const RepositoryIndexRequest = z.object({ ready: z.boolean().optional() });
export type RepositoryIndexRequest = z.infer<typeof RepositoryIndexRequest>;

export const ModelState = z.enum(["UNAVAILABLE", "LOADING", "READY", "UNLOADING"]);
export type ModelState = z.infer<typeof ModelState>;

export const RepositoryIndexEntry = z.object({
  name: z.string(),
  version: z.string().optional(),
  state: ModelState.optional(),
  reason: z.string().optional(),
});
export type RepositoryIndexEntry = z.infer<typeof RepositoryIndexEntry>;
export const RepositoryIndex = z.array(RepositoryIndexEntry);
export type RepositoryIndex = z.infer<typeof RepositoryIndex>;

/** Body of `POST /v2/repository/models/{m}/load`; `parameters.config` is a JSON model config override. */
export const RepositoryLoadRequest = z.object({ parameters: Parameters.optional() });
export type RepositoryLoadRequest = z.infer<typeof RepositoryLoadRequest>;

/** Name of the header that gives the JSON header length in the binary tensor extension. */
export const INFERENCE_HEADER_CONTENT_LENGTH = "Inference-Header-Content-Length";
