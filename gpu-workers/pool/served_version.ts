/** A model version as the pool serves it: where its instances are and the batcher in front. */
import type { ExecutionProvider, Tensor, TensorMetadata } from "@edgeml/shared/contracts";
import type { DynamicBatcher } from "../batcher/dynamic_batcher.ts";
import type { Device } from "../device/device.ts";
import type { ProviderAttempt } from "../ipc/messages.ts";
import type { ResolvedModelConfig } from "../repository/resolved_config.ts";

/** One request waiting in a version's batcher. */
export interface Job {
  tensors: Tensor[];
  rows: number;
  outputs?: string[];
  receivedAt: number;
  /** The tensors' buffers are the pool's to transfer (see InferRequestParts.handOver). */
  handedOver: boolean;
}

export interface ServedVersion {
  name: string;
  version: number;
  /** Unique per load, so a reload of the same version never collides with the one serving. */
  key: string;
  config: ResolvedModelConfig;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  placements: { device: Device; instances: number }[];
  provider: ExecutionProvider;
  fallbacks: ProviderAttempt[];
  /** Rows each batch is padded to before it runs; 0 = none (see batch_padding.ts). */
  padBatchesTo: number;
  batcher: DynamicBatcher<Job, Tensor[]>;
}

/** Instances of the version able to run now, over all its devices. */
export function healthyInstances(served: ServedVersion): number {
  let n = 0;
  for (const { device } of served.placements) if (device.live) n += device.healthy(served.key);
  return n;
}

/**
 * Whether an input has a variable dim past the batch dim (a sequence length, say): then only
 * requests of equal shape may be batched together (`rowShapeKey`).
 */
export function variableRowShape(inputs: readonly TensorMetadata[]): boolean {
  return inputs.some((t) => t.shape.slice(1).some((d) => d < 0));
}

/** A job's input shapes past the batch dim: requests batch together only when theirs match. */
export function rowShapeKey(job: Job): string {
  return job.tensors.map((t) => t.shape.slice(1).join(",")).join(";");
}
