/**
 * What the OIP app needs from the worker pool, as an interface: the app is written against
 * this, the `Pool` class implements it.
 */
import type {
  ModelConfig,
  ModelMetadata,
  ModelStatisticsResponse,
  RepositoryIndex,
} from "@edgeml/shared/contracts";

/** One inference as the pool takes it, and what comes back (defined beside the pool). */
export type {
  InferRequestParts as PoolInferRequest,
  InferResult as PoolInferResult,
} from "../pool/pool.ts";
import type {
  InferRequestParts as PoolInferRequest,
  InferResult as PoolInferResult,
} from "../pool/pool.ts";

/** Triton's statistics of the loaded model versions (`ModelStatistics` in `pool/`). */
export interface PoolStatistics {
  /**
   * Every loaded version (no model), one model's, or one version's; a model or version that
   * is not loaded throws `not_found`.
   */
  snapshot(
    model?: string,
    version?: string,
  ): ModelStatisticsResponse | Promise<ModelStatisticsResponse>;
}

/**
 * The pool as the OIP app uses it. Every method that names a model throws the pool's
 * `not_found` domain errors (`model_not_found`, `version_not_found`) for one not loaded.
 */
export interface OipPool {
  readonly live: boolean;
  readonly ready: boolean;
  metadata(name: string, version?: string): ModelMetadata;
  isReady(name: string, version?: string): boolean;
  /** Throws what an inference on this model (version) would meet, before its body is read. */
  assertServing(name: string, version?: string): void;
  infer(
    name: string,
    version: string | undefined,
    request: PoolInferRequest,
  ): Promise<PoolInferResult>;
  index(readyOnly?: boolean): Promise<RepositoryIndex>;
  /** `configOverride`: model-config JSON text replacing the repository's for this load. */
  load(name: string, configOverride?: string): Promise<void>;
  unload(name: string): Promise<void>;
  readonly metrics: {
    readonly registry: { metrics(): Promise<string>; readonly contentType: string };
  };
  /** Triton's statistics extension. */
  readonly statistics: PoolStatistics;
  /** The configuration the model (version; latest when absent) was loaded with. */
  modelConfig(name: string, version?: string): ModelConfig | Promise<ModelConfig>;
}
