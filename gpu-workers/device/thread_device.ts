/**
 * A device in the pool's own process: each model instance is a Deno Worker thread holding its
 * session, and batches reach it by transferring their buffers (no copy, no pipe).
 */
import type { Tensor } from "@edgeml/shared/contracts";
import {
  type Device,
  type DeviceEvents,
  DeviceGoneError,
  type DeviceInfo,
  type LoadedModel,
  type LoadSpec,
  ModelLoadError,
} from "./device.ts";
import { type ModelInstances, type RunResult, startInstances } from "./model_instances.ts";

export class ThreadDevice implements Device {
  readonly isolation = "thread";
  /**
   * Batches in flight per instance. On the CPU one: ORT's run takes every core, and a second
   * batch handed over meanwhile would only make the HTTP thread compete with it; the next batch
   * forms from what queued during the run instead, and goes out the moment it ends. A GPU's
   * run leaves the cores free, so the next batch waits ready beside it.
   */
  readonly pipelineDepth: number;
  readonly id: string;
  readonly kind: "gpu" | "cpu";
  readonly gpu?: number;
  #models = new Map<string, ModelInstances>();
  #inflight = 0;
  #closed = false;

  constructor(info: DeviceInfo, readonly events: DeviceEvents) {
    this.id = info.id;
    this.kind = info.kind;
    this.gpu = info.gpu;
    this.pipelineDepth = info.kind === "gpu" ? 2 : 1;
  }

  get live() {
    return !this.#closed;
  }

  get inflight() {
    return this.#inflight;
  }

  healthy(key: string): number {
    return this.#closed ? 0 : this.#models.get(key)?.healthy ?? 0;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  async load(spec: LoadSpec): Promise<LoadedModel> {
    if (this.#closed) throw new DeviceGoneError(this.id, "is closed");
    let model: Uint8Array;
    try {
      model = await Deno.readFile(spec.path);
    } catch (e) {
      throw new ModelLoadError(`the model file cannot be read: ${(e as Error).name}`);
    }
    let instances: ModelInstances;
    try {
      instances = await startInstances({
        model,
        count: spec.instances,
        providers: spec.providers,
        intraOpThreads: spec.intraOpThreads,
        deviceId: this.gpu ?? 0,
        deadlineMs: spec.deadlineMs,
        onHealth: () => this.events.onChange(),
        onLog: (message) => this.events.onLog("warn", message, { device: this.id, key: spec.key }),
      });
    } catch (e) {
      throw new ModelLoadError((e as Error).message);
    }
    const previous = this.#models.get(spec.key);
    this.#models.set(spec.key, instances);
    await previous?.dispose();
    return {
      provider: instances.provider,
      fallbacks: instances.fallbacks,
      inputs: instances.inputs,
      outputs: instances.outputs,
    };
  }

  async unload(key: string): Promise<void> {
    const model = this.#models.get(key);
    this.#models.delete(key);
    await model?.dispose();
  }

  async run(key: string, inputs: Tensor[], outputs?: string[]): Promise<RunResult> {
    const model = this.#models.get(key);
    if (!model || this.#closed) throw new DeviceGoneError(this.id, `does not hold ${key}`);
    this.#inflight++;
    try {
      return await model.run(inputs, outputs);
    } finally {
      this.#inflight--;
    }
  }

  stall(key: string, ms: number): void {
    this.#models.get(key)?.stall(ms);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const models = [...this.#models.values()];
    this.#models.clear();
    await Promise.all(models.map((m) => m.dispose()));
  }
}
