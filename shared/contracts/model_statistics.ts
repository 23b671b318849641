/**
 * Triton's statistics extension (`GET /v2/models[/{m}[/versions/{v}]]/stats`): per model version
 * counts and cumulative durations, field for field as Triton writes them (`model_stats`, each
 * with `inference_stats`, `batch_stats`, …), so `tritonclient`'s `get_inference_statistics()`
 * and dashboards built for Triton read it unchanged. Durations are nanoseconds.
 */
// z from @hono/zod-openapi: zod extended with `.openapi()`, which registering a component needs.
import { z } from "@hono/zod-openapi";

/** A count and the total time those occurrences took. */
export const DurationStat = z.object({
  count: z.number().int().min(0),
  /** Cumulative duration in nanoseconds. */
  ns: z.number().int().min(0),
});
export type DurationStat = z.infer<typeof DurationStat>;

/**
 * Aggregates over requests. `success`: requests answered and how long they took end to end;
 * `fail`: requests that failed after reaching the model; `queue`: time waiting for a batch and
 * an instance; `compute_*`: preparing inputs, running the model, extracting outputs (per
 * request, so a request batched with others is charged its batch's compute time);
 * `cache_*`: the response cache (this server has none: always zero).
 */
export const InferStatistics = z.object({
  success: DurationStat,
  fail: DurationStat,
  queue: DurationStat,
  compute_input: DurationStat,
  compute_infer: DurationStat,
  compute_output: DurationStat,
  cache_hit: DurationStat,
  cache_miss: DurationStat,
});
export type InferStatistics = z.infer<typeof InferStatistics>;

/** Executions of one batch size: `count` of each duration is the number of such executions. */
export const BatchStatistics = z.object({
  batch_size: z.number().int().min(1),
  compute_input: DurationStat,
  compute_infer: DurationStat,
  compute_output: DurationStat,
});
export type BatchStatistics = z.infer<typeof BatchStatistics>;

/** Statistics of one model version. */
export const ModelVersionStatistics = z.object({
  name: z.string(),
  version: z.string(),
  /** When the model last ran, in milliseconds since the epoch; 0 before its first execution. */
  last_inference: z.number().int().min(0),
  /** Inferences answered: a request of batch size 8 counts 8. */
  inference_count: z.number().int().min(0),
  /** Model executions: a dynamic batch of several requests counts 1. */
  execution_count: z.number().int().min(0),
  inference_stats: InferStatistics,
  /** Per-response statistics of decoupled models (none here: always empty). */
  response_stats: z.record(z.string(), z.record(z.string(), DurationStat)),
  /** One entry per batch size executed, ascending. */
  batch_stats: z.array(BatchStatistics),
  /** Memory measured at load (not measured here: always empty). */
  memory_usage: z.array(
    z.object({ type: z.string(), id: z.number().int(), byte_size: z.number().int().min(0) }),
  ),
});
export type ModelVersionStatistics = z.infer<typeof ModelVersionStatistics>;

/** The statistics response: one entry per loaded model version asked for. */
export const ModelStatisticsResponse = z.object({
  model_stats: z.array(ModelVersionStatistics),
}).meta({ id: "ModelStatisticsResponse" });
export type ModelStatisticsResponse = z.infer<typeof ModelStatisticsResponse>;
