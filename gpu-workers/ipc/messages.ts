/** Messages between the pool and a worker process (process isolation mode). */
import type { ExecutionProvider, Tensor, TensorMetadata } from "@edgeml/shared/contracts";
import type { LoadSpec } from "../device/device.ts";

/** The shared `Tensor`'s header, its bytes following in the frame payload in list order. */
export type TensorDescriptor = Omit<Tensor, "bytes"> & { byteLength: number };

/** Load one model version (the device's {@link LoadSpec}) in the worker process. */
export type LoadCommand = { type: "load"; id: number } & LoadSpec;

export type ToWorker =
  | LoadCommand
  | { type: "unload"; id: number; key: string }
  | { type: "infer"; id: number; key: string; inputs: TensorDescriptor[]; outputs?: string[] }
  | { type: "stall"; id: number; key: string; ms: number }
  | { type: "ping"; id: number };

export interface ProviderAttempt {
  provider: ExecutionProvider;
  error: string;
}

export interface LoadedReply {
  type: "loaded";
  id: number;
  provider: ExecutionProvider;
  /** Providers tried before the one in use, each with why it failed. */
  fallbacks: ProviderAttempt[];
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export type FromWorker =
  | { type: "started"; id: 0; pid: number }
  | LoadedReply
  | { type: "ok"; id: number }
  | { type: "result"; id: number; outputs: TensorDescriptor[]; computeUs: number }
  | { type: "error"; id: number; code: string; message: string };
