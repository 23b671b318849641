/**
 * A model's configuration in Triton's own form: the JSON that Triton's
 * `GET /v2/models/{m}/config` prints (protobuf's JSON mapping of `model_config.proto`), which is
 * also what `config.json` holds and what a `load` request's `parameters.config` carries. A
 * `config.pbtxt` (protobuf text format) with the same field names is read into this form.
 *
 * Fields the worker pool acts on are typed precisely; the other fields of Triton's proto
 * (sequence batching, ensembles, warmup, ...) are accepted as they come, and the pool reports
 * them as not applied. Names that are not in Triton's proto at all are refused by the pool's
 * config reader, so a misspelt field does not pass silently. int64 fields take numbers or
 * decimal strings, as protobuf's JSON mapping allows.
 */
// z from @hono/zod-openapi: zod extended with `.openapi()`, which registering a component needs.
import { z } from "@hono/zod-openapi";

/** ONNX Runtime execution providers the workers can create sessions with. */
export const ExecutionProvider = z.enum(["cuda", "cpu"]);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;

/** Instances of one model one group may ask for (Triton has no cap; one process has). */
export const MAX_INSTANCE_COUNT = 16;
/** Largest `max_batch_size` accepted. */
export const MAX_BATCH_SIZE = 65_536;
/** Longest `max_queue_delay_microseconds` accepted: 10 s. */
export const MAX_QUEUE_DELAY_US = 10_000_000;
/** Longest `default_timeout_microseconds` accepted: 1 h. */
export const MAX_QUEUE_TIMEOUT_US = 3_600_000_000;

const INT_TEXT = /^-?[0-9]+$/;
/** An int64/uint64 field: a JSON number or a decimal string (protobuf's JSON mapping). */
const int64 = (min: number, max: number, message?: string) =>
  z.union([z.number(), z.string().regex(INT_TEXT).transform(Number)]).pipe(
    z.number().int().min(min, message).max(max, message),
  );
const int32 = (min = -2_147_483_648, max = 2_147_483_647, message?: string) =>
  z.number().int().min(min, message).max(max, message);
const uint32 = () => int32(0, 4_294_967_295);
/** A message of Triton's proto this server accepts but does not act on. */
const Unapplied = z.record(z.string(), z.unknown());

export const TritonDataType = z.enum([
  "TYPE_INVALID",
  "TYPE_BOOL",
  "TYPE_UINT8",
  "TYPE_UINT16",
  "TYPE_UINT32",
  "TYPE_UINT64",
  "TYPE_INT8",
  "TYPE_INT16",
  "TYPE_INT32",
  "TYPE_INT64",
  "TYPE_FP16",
  "TYPE_FP32",
  "TYPE_FP64",
  "TYPE_STRING",
  "TYPE_BF16",
]);
export type TritonDataType = z.infer<typeof TritonDataType>;

export const ModelQueuePolicy = z.strictObject({
  /** What happens to a request still queued after its timeout: REJECT (default) or DELAY. */
  timeout_action: z.enum(["REJECT", "DELAY"]).optional(),
  /** Queued requests time out after this long; 0 = no timeout. */
  default_timeout_microseconds: int64(0, MAX_QUEUE_TIMEOUT_US).optional(),
  /** Whether a request may set its own `timeout` parameter. */
  allow_timeout_override: z.boolean().optional(),
  /** Requests allowed to wait; past it the server answers 503 with Retry-After. 0 = unbounded. */
  max_queue_size: uint32().optional(),
});
export type ModelQueuePolicy = z.infer<typeof ModelQueuePolicy>;

export const DynamicBatching = z.strictObject({
  /** Batch sizes worth dispatching at once, without waiting out the delay. */
  preferred_batch_size: z.array(int32(1, MAX_BATCH_SIZE)).optional(),
  /** How long the oldest queued request may wait for a batch to fill (at most 10 s). */
  max_queue_delay_microseconds: int64(
    0,
    MAX_QUEUE_DELAY_US,
    `max_queue_delay_microseconds is at most ${MAX_QUEUE_DELAY_US} (10 s)`,
  ).optional(),
  preserve_ordering: z.boolean().optional(),
  priority_levels: int64(0, Number.MAX_SAFE_INTEGER).optional(),
  default_priority_level: int64(0, Number.MAX_SAFE_INTEGER).optional(),
  default_queue_policy: ModelQueuePolicy.optional(),
  priority_queue_policy: z.record(z.string(), ModelQueuePolicy).optional(),
});
export type DynamicBatching = z.infer<typeof DynamicBatching>;

export const InstanceGroupKind = z.enum(["KIND_AUTO", "KIND_GPU", "KIND_CPU", "KIND_MODEL"]);
export type InstanceGroupKind = z.infer<typeof InstanceGroupKind>;

export const InstanceGroup = z.strictObject({
  name: z.string().optional(),
  kind: InstanceGroupKind.optional(),
  /** Instances on each listed GPU (or on the CPU); 0 or absent means 1. */
  count: int32(
    0,
    MAX_INSTANCE_COUNT,
    `count is at most ${MAX_INSTANCE_COUNT} instances per group`,
  ).optional(),
  rate_limiter: Unapplied.optional(),
  /** GPU ids for KIND_GPU; all visible GPUs when absent. */
  gpus: z.array(int32(0)).optional(),
  secondary_devices: z.array(Unapplied).optional(),
  profile: z.array(z.string()).optional(),
  passive: z.boolean().optional(),
  host_policy: z.string().optional(),
});
export type InstanceGroup = z.infer<typeof InstanceGroup>;

export const VersionPolicy = z.union([
  z.strictObject({
    latest: z.strictObject({ num_versions: uint32().optional() }),
  }),
  z.strictObject({ all: z.strictObject({}) }),
  z.strictObject({
    specific: z.strictObject({ versions: z.array(int64(1, Number.MAX_SAFE_INTEGER)).min(1) }),
  }),
]);
export type VersionPolicy = z.infer<typeof VersionPolicy>;

const TensorReshape = z.strictObject({ shape: z.array(int64(-1, Number.MAX_SAFE_INTEGER)) });

export const ModelInput = z.strictObject({
  name: z.string(),
  data_type: TritonDataType.optional(),
  format: z.enum(["FORMAT_NONE", "FORMAT_NHWC", "FORMAT_NCHW"]).optional(),
  /** Dimensions without the batch dimension when max_batch_size > 0; -1 = any size. */
  dims: z.array(int64(-1, Number.MAX_SAFE_INTEGER)).optional(),
  reshape: TensorReshape.optional(),
  is_shape_tensor: z.boolean().optional(),
  allow_ragged_batch: z.boolean().optional(),
  optional: z.boolean().optional(),
  is_non_linear_format_io: z.boolean().optional(),
});
export type ModelInput = z.infer<typeof ModelInput>;

export const ModelOutput = z.strictObject({
  name: z.string(),
  data_type: TritonDataType.optional(),
  dims: z.array(int64(-1, Number.MAX_SAFE_INTEGER)).optional(),
  reshape: TensorReshape.optional(),
  label_filename: z.string().optional(),
  is_shape_tensor: z.boolean().optional(),
  is_non_linear_format_io: z.boolean().optional(),
});
export type ModelOutput = z.infer<typeof ModelOutput>;

export const ExecutionAccelerator = z.strictObject({
  /** GPU: `tensorrt` (not applied here; CUDA is used) or `cuda`. CPU: `openvino` (not applied). */
  name: z.string(),
  parameters: z.record(z.string(), z.string()).optional(),
});
export type ExecutionAccelerator = z.infer<typeof ExecutionAccelerator>;

export const OptimizationPolicy = z.strictObject({
  graph: Unapplied.optional(),
  priority: z.enum(["PRIORITY_DEFAULT", "PRIORITY_MAX", "PRIORITY_MIN"]).optional(),
  cuda: Unapplied.optional(),
  execution_accelerators: z.strictObject({
    gpu_execution_accelerator: z.array(ExecutionAccelerator).optional(),
    cpu_execution_accelerator: z.array(ExecutionAccelerator).optional(),
  }).optional(),
  input_pinned_memory: Unapplied.optional(),
  output_pinned_memory: Unapplied.optional(),
  gather_kernel_buffer_threshold: uint32().optional(),
  eager_batching: z.boolean().optional(),
});
export type OptimizationPolicy = z.infer<typeof OptimizationPolicy>;

/** One `parameters` entry: Triton's ModelParameter, a string value. */
export const ModelParameter = z.strictObject({ string_value: z.string() });

export const ModelConfig = z.strictObject({
  /** The model's name; must match its folder. */
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  /** `onnxruntime_onnx` (the only platform served here); filled in when absent. */
  platform: z.string().optional(),
  /** `onnxruntime` (the only backend served here); filled in when absent. */
  backend: z.string().optional(),
  runtime: z.string().optional(),
  version_policy: VersionPolicy.optional(),
  /** Largest batch (rows along dim 0) one execution takes; 0 = the model has no batch dim. */
  max_batch_size: int32(0, MAX_BATCH_SIZE, `max_batch_size is at most ${MAX_BATCH_SIZE}`)
    .optional(),
  input: z.array(ModelInput).optional(),
  output: z.array(ModelOutput).optional(),
  batch_input: z.array(Unapplied).optional(),
  batch_output: z.array(Unapplied).optional(),
  optimization: OptimizationPolicy.optional(),
  dynamic_batching: DynamicBatching.optional(),
  sequence_batching: Unapplied.optional(),
  ensemble_scheduling: Unapplied.optional(),
  instance_group: z.array(InstanceGroup).optional(),
  /** The model file in each version folder; `model.onnx` when absent. A plain file name. */
  default_model_filename: z.string().regex(
    /^(?!\.\.?$)[A-Za-z0-9_.-]+$/,
    "default_model_filename must be a plain file name",
  ).optional(),
  cc_model_filenames: z.record(z.string(), z.string()).optional(),
  metric_tags: z.record(z.string(), z.string()).optional(),
  /**
   * Applied: `intra_op_thread_count` (ONNX Runtime backend), `execution_deadline_ms` and
   * `cpu_fallback` (this server's). Others are reported as not applied.
   */
  parameters: z.record(z.string(), ModelParameter).optional(),
  model_warmup: z.array(Unapplied).optional(),
  model_operations: Unapplied.optional(),
  model_transaction_policy: Unapplied.optional(),
  model_repository_agents: Unapplied.optional(),
  response_cache: Unapplied.optional(),
  model_metrics: Unapplied.optional(),
});
export type ModelConfig = z.infer<typeof ModelConfig>;
export type ModelConfigInput = z.input<typeof ModelConfig>;
