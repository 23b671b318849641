/**
 * The worker pool: devices (threads in this process by default, worker processes with
 * isolation), the models loaded on them, a dynamic batcher per served version, and a drain.
 * The parts live beside it: `supervisor.ts` (devices), `model_registry.ts` (load, hot swap,
 * unload, index), `dispatcher.ts` (a batch to a device, reruns), the batcher in `../batcher`.
 */
import type { ModelConfig, ModelMetadata, RepositoryIndex, Tensor } from "@edgeml/shared/contracts";
import { unavailable } from "@edgeml/shared/errors";
import type { Isolation } from "../device/device.ts";
import type { RunResult } from "../device/model_instances.ts";
import { RETRY } from "./dispatcher.ts";
import { ModelRegistry } from "./model_registry.ts";
import { ModelStatistics } from "./model_statistics.ts";
import { createPoolMetrics, type PoolMetrics } from "./pool_metrics.ts";
import { validateRequest } from "./request_validation.ts";
import { healthyInstances, type Job, type ServedVersion } from "./served_version.ts";
import { Supervisor } from "./supervisor.ts";
import { tritonConfigOf } from "./triton_config_view.ts";

export type { Isolation } from "../device/device.ts";

export interface PoolOptions {
  repository: string;
  /** GPU ids to run a device for; none on a CPU host. */
  gpus?: number[];
  /** CPU devices (one is the norm: ORT already uses every core). */
  cpuWorkers?: number;
  /**
   * Where model instances run: threads in this process (default, fastest) or one worker
   * process per device (a crash of the CUDA driver or ORT stays in that process).
   */
  isolation?: Isolation;
  metrics?: PoolMetrics;
  log?(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
  /** How long a batch lost with its device waits for a device to hold its model again. */
  workerWaitMs?: number;
  /** Model instances (threads, each with a session) one device may hold over all models (64). */
  maxInstancesPerDevice?: number;
}

export interface InferRequestParts {
  tensors: Tensor[];
  outputs?: string[];
  timeoutUs?: number;
  /**
   * The caller hands the tensors' buffers over: nothing else reads them (a request body read
   * for this call). A device thread may then take them by transfer, without a copy; otherwise
   * the pool copies what it sends, and the caller's arrays stay as they were.
   */
  handOver?: boolean;
}

export interface InferResult {
  modelName: string;
  modelVersion: string;
  outputs: Tensor[];
}

export class Pool {
  readonly metrics: PoolMetrics;
  readonly statistics = new ModelStatistics();
  readonly isolation: Isolation;
  readonly #supervisor: Supervisor;
  readonly #registry: ModelRegistry;
  #draining = false;
  #closed = false;
  #log: NonNullable<PoolOptions["log"]>;

  constructor(readonly options: PoolOptions) {
    this.metrics = options.metrics ?? createPoolMetrics();
    this.#log = options.log ?? (() => {});
    this.isolation = options.isolation ?? "thread";
    this.#supervisor = new Supervisor({
      gpus: options.gpus ?? [],
      cpuDevices: options.cpuWorkers ?? 1,
      isolation: this.isolation,
      log: (level, message, fields) => this.#log(level, message, fields),
      onRestart: (device) => this.metrics.workerRestarts.inc({ worker: device.id }),
    });
    this.#registry = new ModelRegistry(
      options.repository,
      this.#supervisor,
      {
        devicesChanged: () => this.#supervisor.changed(),
        deviceWaitMs: options.workerWaitMs ?? 30_000,
        closed: () => this.#closed,
        onExecuted: (served, jobs, result, dispatchedAt) =>
          this.#recordExecution(served, jobs, result, dispatchedAt),
      },
      {
        loaded: (served) => {
          this.statistics.add(served.name, String(served.version));
          for (const p of served.placements) {
            this.metrics.modelInstances.set(this.#instanceLabels(served, p.device.id), p.instances);
          }
        },
        retired: (served) => {
          // A reload of the same version number took over its series: they stay, and its
          // statistics keep counting where the old load left off.
          const current = this.#registry.models.get(served.name)?.versions.get(served.version);
          for (const p of served.placements) {
            const takenOver = current?.provider === served.provider &&
              current.placements.some((q) => q.device.id === p.device.id);
            if (!takenOver) {
              this.metrics.modelInstances.remove(this.#instanceLabels(served, p.device.id));
            }
          }
          if (!current) this.statistics.remove(served.name, String(served.version));
        },
        log: (level, message, fields) => this.#log(level, message, fields),
      },
      options.maxInstancesPerDevice,
    );
    // A device that comes back (a restarted process, a replaced instance) takes queued work.
    const pumpOnChange = () => {
      if (this.#closed) return;
      for (const v of this.#registry.allVersions()) v.batcher.pump();
      this.#supervisor.changed().then(pumpOnChange);
    };
    this.#supervisor.changed().then(pumpOnChange);
  }

  /** Starts the devices and loads every model of the repository. */
  async start({ loadAll = true } = {}): Promise<void> {
    await this.#supervisor.start();
    if (!loadAll) return;
    for (const { name } of await this.#registry.index()) {
      try {
        await this.load(name);
      } catch (e) {
        this.#log("error", "model failed to load at start-up", { model: name, error: String(e) });
      }
    }
  }

  /**
   * Triton's strict readiness: not draining, every device up, and every loaded model version
   * has a healthy instance.
   */
  get ready(): boolean {
    if (this.#draining) return false;
    if (!this.#supervisor.devices.every((d) => d.live)) return false;
    for (const entry of this.#registry.models.values()) {
      for (const v of entry.versions.values()) if (healthyInstances(v) === 0) return false;
    }
    return true;
  }

  get live(): boolean {
    return !this.#closed;
  }

  /** Devices with their worker pid under process isolation (for operators and tests). */
  workers(): { id: string; pid?: number; live: boolean; isolation: Isolation }[] {
    return this.#supervisor.devices.map((d) => ({
      id: d.id,
      pid: d.pid,
      live: d.live,
      isolation: d.isolation,
    }));
  }

  /** Resolves at the next change of any device: a process or an instance went or came back. */
  workersChanged(): Promise<void> {
    return this.#supervisor.changed();
  }

  // ---- repository extension -------------------------------------------------------------

  load(name: string, configOverride?: string): Promise<void> {
    return this.#registry.load(name, configOverride);
  }

  unload(name: string): Promise<void> {
    return this.#registry.unload(name);
  }

  /** Resolves once the versions replaced or unloaded so far have finished and been freed. */
  retired(): Promise<void> {
    return this.#registry.retired();
  }

  index(readyOnly = false): Promise<RepositoryIndex> {
    return this.#registry.index(readyOnly);
  }

  // ---- inference --------------------------------------------------------------------------

  metadata(name: string, version?: string): ModelMetadata {
    const entry = this.#registry.serving(name);
    const served = this.#registry.version(name, version);
    return {
      name,
      versions: [...entry.versions.keys()].sort((a, b) => a - b).map(String),
      platform: served.config.platform,
      inputs: served.inputs,
      outputs: served.outputs,
      parameters: {
        execution_provider: served.provider,
        execution_provider_fallback: served.fallbacks.map((f) => `${f.provider}: ${f.error}`).join(
          "; ",
        ),
        max_batch_size: served.config.maxBatchSize,
        dynamic_batching: served.config.dynamicBatching !== undefined,
        instance_count: served.placements.reduce((n, p) => n + p.instances, 0),
        healthy_instances: healthyInstances(served),
        workers: served.placements.map((p) => p.device.id).join(","),
        isolation: this.isolation,
        ignored_config: served.config.ignored.join(","),
      },
    };
  }

  /** The model's configuration as Triton's `GET /v2/models/{m}/config` shows it. */
  modelConfig(name: string, version?: string): ModelConfig {
    return tritonConfigOf(this.#registry.version(name, version));
  }

  /**
   * Throws the `not_found` error an inference on this model/version would meet, before its body
   * is read.
   */
  assertServing(name: string, version?: string): void {
    this.#registry.version(name, version);
  }

  isReady(name: string, version?: string): boolean {
    const served = this.#registry.version(name, version);
    return !this.#draining && healthyInstances(served) > 0;
  }

  /** Fault injection for hang drills: blocks one instance of the served version for `ms`. */
  stallInstance(name: string, ms: number, version?: string): void {
    const served = this.#registry.version(name, version);
    served.placements[0].device.stall(served.key, ms);
  }

  async infer(
    name: string,
    version: string | undefined,
    request: InferRequestParts,
  ): Promise<InferResult> {
    const receivedAt = performance.now();
    const served = this.#registry.version(name, version);
    const labels = { model: name, version: String(served.version) };
    this.metrics.pendingRequests.inc(labels);
    try {
      const validated = validateRequest(
        {
          name,
          inputs: served.inputs,
          outputs: served.outputs,
          maxBatchSize: served.config.maxBatchSize,
        },
        request.tensors,
        request.outputs,
      );
      if (this.#draining) {
        throw unavailable("shutting_down", "the pool is draining for shutdown", RETRY);
      }
      const outputs = await served.batcher.submit(
        {
          tensors: validated.tensors,
          rows: validated.rows,
          outputs: request.outputs,
          receivedAt,
          handedOver: request.handOver === true,
        },
        validated.rows,
        queueTimeoutUs(served, request.timeoutUs),
      );
      const totalUs = Math.round((performance.now() - receivedAt) * 1000);
      this.metrics.requestSuccess.inc(labels);
      this.metrics.requestDurationUs.inc(labels, totalUs);
      return { modelName: name, modelVersion: String(served.version), outputs };
    } catch (e) {
      const reason = (e as { code?: string }).code ?? "internal";
      this.metrics.requestFailure.inc({ ...labels, reason });
      this.statistics.recordFailure(
        name,
        String(served.version),
        Math.round((performance.now() - receivedAt) * 1e6),
      );
      throw e;
    } finally {
      this.metrics.pendingRequests.dec(labels);
    }
  }

  // ---- shutdown ---------------------------------------------------------------------------

  /** Stops taking requests, lets queued ones finish (up to `timeoutMs`), then stops the devices. */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.#draining = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(this.#registry.allVersions().map((v) => v.batcher.idle())),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    await this.close();
  }

  /** Stops every device now; queued requests fail (unavailable shutting_down). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#draining = true;
    for (const v of this.#registry.allVersions()) {
      v.batcher.rejectAll(unavailable("shutting_down", "the pool is shutting down", RETRY));
    }
    await this.#supervisor.close();
  }

  // ---- internals --------------------------------------------------------------------------

  #instanceLabels(served: ServedVersion, deviceId: string) {
    return {
      model: served.name,
      version: String(served.version),
      worker: deviceId,
      execution_provider: served.provider,
    };
  }

  #recordExecution(served: ServedVersion, jobs: Job[], result: RunResult, dispatchedAt: number) {
    const labels = { model: served.name, version: String(served.version) };
    const version = String(served.version);
    const doneAt = performance.now();
    const rows = jobs.reduce((n, j) => n + j.rows, 0);
    const computeNs = result.computeUs * 1000;
    // What the device took beyond the session's run: handing the batch over and back.
    const transferNs = Math.max(0, Math.round((doneAt - dispatchedAt) * 1e6) - computeNs);
    this.metrics.execCount.inc(labels);
    this.metrics.inferenceCount.inc(labels, rows);
    this.metrics.computeInferDurationUs.inc(labels, result.computeUs * jobs.length);
    this.statistics.recordExecution(served.name, version, rows, {
      computeInputNs: Math.round(transferNs / 2),
      computeInferNs: computeNs,
      computeOutputNs: Math.round(transferNs / 2),
    });
    for (const job of jobs) {
      const queueNs = Math.round((dispatchedAt - job.receivedAt) * 1e6);
      this.metrics.queueDurationUs.inc(labels, Math.round(queueNs / 1000));
      this.statistics.recordSuccess(served.name, version, {
        queueNs,
        computeInputNs: Math.round(transferNs / 2),
        computeInferNs: computeNs,
        computeOutputNs: Math.round(transferNs / 2),
        totalNs: Math.round((doneAt - job.receivedAt) * 1e6),
        batchSize: served.config.maxBatchSize > 0 ? job.rows : 1,
      });
    }
  }
}

/**
 * The queue timeout of one request: its own `timeout` parameter where the model allows the
 * override, else the model's default; none when the model's timeout action is DELAY.
 */
function queueTimeoutUs(served: ServedVersion, requested?: number): number {
  const batching = served.config.dynamicBatching;
  if (!batching) return requested ?? 0;
  if (batching.timeoutAction === "DELAY") return 0;
  if (requested !== undefined && batching.allowTimeoutOverride) return requested;
  return batching.defaultTimeoutUs;
}
