/**
 * A device: where model instances run. One per GPU and one for the CPU. By default a device
 * is a set of threads in the pool's own process ({@link ThreadDevice}); with process isolation
 * it is a worker process of its own ({@link ProcessDevice}), restarted when it dies, so a
 * crashing CUDA driver takes down one device and not the pool.
 */
import type { ExecutionProvider, Tensor, TensorMetadata } from "@edgeml/shared/contracts";
import type { ProviderAttempt } from "../ipc/messages.ts";
import type { RunResult } from "./model_instances.ts";

export type Isolation = "thread" | "process";

/** One load of one model version on one device. */
export interface LoadSpec {
  /**
   * `<model>@<version>#<load sequence number>`: unique per load, so a reload of the version
   * being served never collides with it.
   */
  key: string;
  path: string;
  providers: ExecutionProvider[];
  instances: number;
  intraOpThreads?: number;
  /** A run longer than this marks its instance hung. */
  deadlineMs: number;
}

export interface LoadedModel {
  provider: ExecutionProvider;
  /** Providers tried before the one in use, each with why it failed. */
  fallbacks: ProviderAttempt[];
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

/** The device went away (process died or was killed) with the run in flight: rerunnable. */
export class DeviceGoneError extends Error {
  readonly code = "device_gone";
  constructor(readonly deviceId: string, why = "exited") {
    super(`device ${deviceId} ${why}`);
  }
}

/** Loading failed for a reason of the model's own (bad file, no provider could take it). */
export class ModelLoadError extends Error {
  readonly code = "model_load_failed";
}

export interface DeviceInfo {
  id: string;
  kind: "gpu" | "cpu";
  gpu?: number;
}

export interface Device extends DeviceInfo {
  readonly isolation: Isolation;
  /** The worker process's pid with process isolation. */
  readonly pid?: number;
  /** Takes work: started, not closed, its process (if any) up. */
  readonly live: boolean;
  /** Runs sent to this device and not yet answered. */
  readonly inflight: number;
  /** Batches worth keeping in flight per healthy instance. */
  readonly pipelineDepth: number;
  /** Instances of `key` able to run now. */
  healthy(key: string): number;
  start(): Promise<void>;
  load(spec: LoadSpec): Promise<LoadedModel>;
  unload(key: string): Promise<void>;
  run(key: string, inputs: Tensor[], outputs?: string[]): Promise<RunResult>;
  /** Fault injection for hang drills: block one instance of `key` for `ms`. */
  stall(key: string, ms: number): void;
  close(): Promise<void>;
}

export interface DeviceEvents {
  /** Liveness or instance health changed (a process died or came back, an instance hung). */
  onChange(): void;
  /** A worker process died and is being restarted. */
  onRestart(): void;
  onLog(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
}
