/**
 * A model's `config.json` in a Triton-style repository (`<repo>/<model>/config.json` next to
 * numbered version folders). Names follow Triton's config.pbtxt where one exists; the dynamic
 * batching fields use the shorter `_us` names of our design.
 */
// z from @hono/zod-openapi: zod extended with `.openapi()`, which registering a component needs.
import { z } from "@hono/zod-openapi";

export const ExecutionProvider = z.enum(["cuda", "cpu"]);
export type ExecutionProvider = z.infer<typeof ExecutionProvider>;

export const DynamicBatching = z.object({
  /** How long the oldest queued request may wait for a batch to fill. */
  max_queue_delay_us: z.number().int().min(0).max(10_000_000).default(500),
  /** Batch sizes (in rows) worth dispatching at once, without waiting out the delay. */
  preferred_batch_size: z.array(z.number().int().min(1)).default([]),
  /** Requests allowed to wait; past it the server answers 503 with Retry-After. 0 = unbounded. */
  max_queue_size: z.number().int().min(0).default(0),
  /** Requests still queued after this long are dropped before they run. 0 = no timeout. */
  default_timeout_us: z.number().int().min(0).default(0),
});
export type DynamicBatching = z.infer<typeof DynamicBatching>;

export const InstanceGroup = z.object({
  kind: z.enum(["gpu", "cpu"]).default("gpu"),
  count: z.number().int().min(1).max(64).default(1),
  /** GPU ids for kind gpu; all visible GPUs when absent. */
  gpus: z.array(z.number().int().min(0)).optional(),
});
export type InstanceGroup = z.infer<typeof InstanceGroup>;

export const VersionPolicy = z.union([
  z.object({ latest: z.object({ num_versions: z.number().int().min(1).default(1) }) }),
  z.object({ all: z.object({}) }),
  z.object({ specific: z.object({ versions: z.array(z.number().int().min(1)).min(1) }) }),
]);
export type VersionPolicy = z.infer<typeof VersionPolicy>;

export const ModelConfig = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/).optional(),
  platform: z.literal("onnxruntime_onnx").default("onnxruntime_onnx"),
  /** Largest batch (rows along dim 0) one execution takes; 0 disables batching entirely. */
  max_batch_size: z.number().int().min(0).max(65_536).default(0),
  dynamic_batching: DynamicBatching.optional(),
  instance_group: z.array(InstanceGroup).default([{ kind: "gpu", count: 1 }]),
  version_policy: VersionPolicy.default({ latest: { num_versions: 1 } }),
  /** Tried in order at load time; the first that creates a session wins. */
  execution_providers: z.array(ExecutionProvider).min(1).default(["cuda", "cpu"]),
  parameters: z.object({
    intra_op_num_threads: z.number().int().min(0).max(256).optional(),
  }).default({}),
}).strict();
export type ModelConfig = z.infer<typeof ModelConfig>;
export type ModelConfigInput = z.input<typeof ModelConfig>;
