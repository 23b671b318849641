/**
 * The worker pool (supervisor): one worker process per device, models loaded from a
 * Triton-style repository, a dynamic batcher per served model version, routing of each batch
 * to the least loaded worker holding the model, restart of workers that die, hot swap of
 * versions, and a graceful drain.
 */
import {
  type ExecutionProvider,
  type ModelConfig,
  type ModelMetadata,
  type ModelState,
  type RepositoryIndex,
  splitBytes,
  type Tensor,
  type TensorMetadata,
} from "@edgeml/shared/contracts";
import { DomainError, failed, notFound, unavailable, unprocessable } from "@edgeml/shared/errors";
import { DynamicBatcher } from "../batcher/dynamic_batcher.ts";
import type { LoadCommand, LoadedReply, ProviderAttempt } from "../ipc/messages.ts";
import { listModels, modelFile, readModel, selectVersions } from "../repository/repository.ts";
import { concatRows, splitRows } from "./batch_tensors.ts";
import { placeInstances, type SlotInfo } from "./placement.ts";
import { createPoolMetrics, type PoolMetrics } from "./pool_metrics.ts";
import { validateRequest } from "./request_validation.ts";
import {
  spawnWorker,
  WorkerGoneError,
  type WorkerProcess,
  WorkerReplyError,
} from "./worker_process.ts";

/**
 * Batches in flight per model instance. Two hide the pipe round trip to the worker process:
 * the next batch is already waiting there when the instance finishes the current one.
 */
const PIPELINE_DEPTH = 2;

/** When a request refused for overload, start-up or shutdown may be retried. */
const RETRY = { retryAfterSeconds: 1 };

export interface PoolOptions {
  repository: string;
  /** GPU ids to start a worker for; none on a CPU host. */
  gpus?: number[];
  /** CPU worker processes (one is the norm: ORT already uses every core). */
  cpuWorkers?: number;
  metrics?: PoolMetrics;
  log?(level: "info" | "warn" | "error", message: string, fields?: Record<string, unknown>): void;
  /** How long a batch waits for a dead worker to come back before failing. */
  workerWaitMs?: number;
}

interface Slot extends SlotInfo {
  cudaVisibleDevices: string;
  process?: WorkerProcess;
  live: boolean;
  /** What this worker must hold: replayed after a restart. */
  loads: Map<string, Omit<LoadCommand, "id">>;
}

/** A slot takes batches of `key`: its worker is up, its pipe intact, the model loaded. */
function serves(slot: Slot, key: string): boolean {
  return slot.live && slot.process !== undefined && !slot.process.gone && slot.loads.has(key);
}

interface Job {
  tensors: Tensor[];
  rows: number;
  outputs?: string[];
  receivedAt: number;
}

interface ServedVersion {
  name: string;
  version: number;
  /** Unique per load, so a reload of the same version never collides with the one serving. */
  key: string;
  config: ModelConfig;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  placements: { slot: Slot; instances: number }[];
  provider: ExecutionProvider;
  fallbacks: ProviderAttempt[];
  batcher: DynamicBatcher<Job, Tensor[]>;
}

interface ModelEntry {
  name: string;
  state: ModelState;
  reason?: string;
  versions: Map<number, ServedVersion>;
  /** Loads and unloads of one model run one after another. */
  chain: Promise<unknown>;
}

export interface InferRequestParts {
  tensors: Tensor[];
  outputs?: string[];
  timeoutUs?: number;
}

export interface InferResult {
  modelName: string;
  modelVersion: string;
  outputs: Tensor[];
}

export class Pool {
  readonly metrics: PoolMetrics;
  #slots: Slot[] = [];
  #models = new Map<string, ModelEntry>();
  #draining = false;
  #closed = false;
  #keySeq = 0;
  #slotWaiters: Array<() => void> = [];
  #workerWatchers: Array<() => void> = [];
  /** Versions swapped out or unloaded whose queues are still draining. */
  #retiring = new Set<ServedVersion>();
  #log: NonNullable<PoolOptions["log"]>;

  constructor(readonly options: PoolOptions) {
    this.metrics = options.metrics ?? createPoolMetrics();
    this.#log = options.log ?? (() => {});
  }

  /** Starts the workers and loads every model of the repository. */
  async start({ loadAll = true } = {}): Promise<void> {
    const gpus = this.options.gpus ?? [];
    for (const gpu of gpus) {
      this.#slots.push({
        id: `gpu${gpu}`,
        kind: "gpu",
        gpu,
        cudaVisibleDevices: String(gpu),
        live: false,
        loads: new Map(),
      });
    }
    for (let i = 0; i < (this.options.cpuWorkers ?? 1); i++) {
      this.#slots.push({
        id: `cpu${i}`,
        kind: "cpu",
        cudaVisibleDevices: "",
        live: false,
        loads: new Map(),
      });
    }
    await Promise.all(this.#slots.map((slot) => this.#spawn(slot)));
    if (!loadAll) return;
    for (const name of await listModels(this.options.repository)) {
      try {
        await this.load(name);
      } catch (e) {
        this.#log("error", "model failed to load at start-up", { model: name, error: String(e) });
      }
    }
  }

  get ready(): boolean {
    return !this.#draining && this.#slots.some((s) => s.live);
  }

  get live(): boolean {
    return !this.#closed;
  }

  /** Worker pids by slot id (for operators and tests). */
  workers(): { id: string; pid?: number; live: boolean }[] {
    return this.#slots.map((s) => ({ id: s.id, pid: s.process?.pid, live: s.live }));
  }

  /** Resolves at the next change of {@link workers}: a worker came up or went down. */
  workersChanged(): Promise<void> {
    return new Promise((resolve) => this.#workerWatchers.push(resolve));
  }

  #notifyWorkers() {
    for (const resolve of this.#workerWatchers.splice(0)) resolve();
  }

  // ---- repository extension -------------------------------------------------------------

  /** Loads (or reloads) a model from the repository; the old versions serve until the new are ready. */
  load(name: string, configOverride?: string): Promise<void> {
    const entry = this.#entry(name);
    const run = entry.chain.then(() => this.#load(entry, configOverride)).catch((e) => {
      // A name that is not in the repository leaves no trace in the index.
      if (e instanceof DomainError && e.kind === "not_found" && entry.versions.size === 0) {
        this.#models.delete(name);
      }
      throw e;
    });
    entry.chain = run.catch(() => undefined);
    return run;
  }

  unload(name: string): Promise<void> {
    const entry = this.#models.get(name);
    if (!entry) return Promise.reject(notFound("model_not_found", `model '${name}' is not loaded`));
    const run = entry.chain.then(async () => {
      const old = [...entry.versions.values()];
      entry.versions = new Map();
      entry.state = "UNAVAILABLE";
      entry.reason = "unloaded";
      await Promise.all(old.map((v) => this.#retire(v)));
    });
    entry.chain = run.catch(() => undefined);
    return run;
  }

  async index(readyOnly = false): Promise<RepositoryIndex> {
    const names = new Set([...await listModels(this.options.repository), ...this.#models.keys()]);
    const index: RepositoryIndex = [];
    for (const name of [...names].sort()) {
      const entry = this.#models.get(name);
      if (entry && entry.versions.size > 0) {
        for (const v of entry.versions.values()) {
          index.push({ name, version: String(v.version), state: "READY", reason: "" });
        }
      } else if (!readyOnly) {
        index.push({
          name,
          state: entry?.state ?? "UNAVAILABLE",
          reason: entry?.reason ?? "not loaded",
        });
      }
    }
    return index;
  }

  // ---- inference --------------------------------------------------------------------------

  metadata(name: string, version?: string): ModelMetadata {
    const entry = this.#servingEntry(name);
    const served = this.#version(entry, version);
    const workers = served.placements.map((p) => p.slot.id);
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
        max_batch_size: served.config.max_batch_size,
        dynamic_batching: served.config.dynamic_batching !== undefined,
        instance_count: served.placements.reduce((n, p) => n + p.instances, 0),
        workers: workers.join(","),
      },
    };
  }

  /**
   * Throws the `not_found` error an inference on this model/version would meet, before its body
   * is read.
   */
  assertServing(name: string, version?: string): void {
    this.#version(this.#servingEntry(name), version);
  }

  isReady(name: string, version?: string): boolean {
    this.assertServing(name, version);
    return !this.#draining;
  }

  async infer(
    name: string,
    version: string | undefined,
    request: InferRequestParts,
  ): Promise<InferResult> {
    const receivedAt = performance.now();
    const entry = this.#servingEntry(name);
    const served = this.#version(entry, version);
    const labels = { model: name, version: String(served.version) };
    this.metrics.pendingRequests.inc(labels);
    try {
      const validated = validateRequest(
        {
          name,
          inputs: served.inputs,
          outputs: served.outputs,
          maxBatchSize: served.config.max_batch_size,
        },
        request.tensors,
        request.outputs,
      );
      if (this.#draining) {
        throw unavailable("shutting_down", "the pool is draining for shutdown", RETRY);
      }
      const timeoutUs = request.timeoutUs ?? served.config.dynamic_batching?.default_timeout_us ??
        0;
      const outputs = await served.batcher.submit(
        { tensors: validated.tensors, rows: validated.rows, outputs: request.outputs, receivedAt },
        validated.rows,
        timeoutUs,
      );
      this.metrics.requestSuccess.inc(labels);
      this.metrics.requestDurationUs.inc(
        labels,
        Math.round((performance.now() - receivedAt) * 1000),
      );
      return { modelName: name, modelVersion: String(served.version), outputs };
    } catch (e) {
      const reason = (e as { code?: string }).code ?? "internal";
      this.metrics.requestFailure.inc({ ...labels, reason });
      throw e;
    } finally {
      this.metrics.pendingRequests.dec(labels);
    }
  }

  // ---- shutdown ---------------------------------------------------------------------------

  /** Stops taking requests, lets queued ones finish (up to `timeoutMs`), then stops the workers. */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.#draining = true;
    const versions = [
      ...[...this.#models.values()].flatMap((e) => [...e.versions.values()]),
      ...this.#retiring,
    ];
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(versions.map((v) => v.batcher.idle())),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    await this.close();
  }

  /** Stops every worker now; queued requests fail (unavailable shutting_down). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#draining = true;
    for (const entry of this.#models.values()) {
      for (const v of entry.versions.values()) {
        v.batcher.rejectAll(unavailable("shutting_down", "the pool is shutting down", RETRY));
      }
    }
    await Promise.all(this.#slots.map(async (slot) => {
      const process = slot.process;
      if (!process) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        process.close(),
        new Promise((resolve) => (timer = setTimeout(resolve, 5000))),
      ]);
      clearTimeout(timer);
      process.kill("SIGKILL");
      await process.exited;
    }));
    for (const resolve of this.#slotWaiters.splice(0)) resolve();
  }

  // ---- internals --------------------------------------------------------------------------

  #entry(name: string): ModelEntry {
    let entry = this.#models.get(name);
    if (!entry) {
      entry = { name, state: "UNAVAILABLE", versions: new Map(), chain: Promise.resolve() };
      this.#models.set(name, entry);
    }
    return entry;
  }

  #servingEntry(name: string): ModelEntry {
    const entry = this.#models.get(name);
    if (!entry || entry.versions.size === 0) {
      throw notFound("model_not_found", `model '${name}' is not loaded`);
    }
    return entry;
  }

  #version(entry: ModelEntry, version?: string): ServedVersion {
    if (version === undefined) {
      return entry.versions.get(Math.max(...entry.versions.keys()))!;
    }
    const served = /^[1-9][0-9]*$/.test(version) ? entry.versions.get(Number(version)) : undefined;
    if (!served) {
      throw notFound(
        "version_not_found",
        `model '${entry.name}' has no version '${version}' loaded; loaded: ${[
          ...entry.versions.keys(),
        ]}`,
      );
    }
    return served;
  }

  async #load(entry: ModelEntry, configOverride?: string) {
    const model = await readModel(this.options.repository, entry.name, configOverride);
    const versions = selectVersions(model.config.version_policy, model.available);
    if (versions.length === 0) {
      throw unprocessable(
        "no_model_version",
        `model '${entry.name}' has no version folder with a model.onnx that its version_policy selects`,
      );
    }
    const placements = placeInstances(model.config, this.#slots);
    if (entry.versions.size === 0) entry.state = "LOADING";
    const loaded: ServedVersion[] = [];
    try {
      for (const version of versions) {
        loaded.push(await this.#loadVersion(entry.name, version, model.config, placements));
      }
    } catch (e) {
      await Promise.all(loaded.map((v) => this.#retire(v)));
      if (entry.versions.size === 0) {
        entry.state = "UNAVAILABLE";
        entry.reason = String((e as Error).message);
      }
      throw e;
    }
    const old = [...entry.versions.values()];
    entry.versions = new Map(loaded.map((v) => [v.version, v]));
    entry.state = "READY";
    entry.reason = undefined;
    this.#log("info", "model loaded", {
      model: entry.name,
      versions,
      provider: loaded[0].provider,
      workers: placements.map((p) => p.slotId),
    });
    // Requests already queued on the old versions finish there; only then are they unloaded.
    for (const v of old) this.#retire(v).catch(() => undefined);
  }

  async #loadVersion(
    name: string,
    version: number,
    config: ModelConfig,
    placements: ReturnType<typeof placeInstances>,
  ): Promise<ServedVersion> {
    const key = `${name}@${version}#${++this.#keySeq}`;
    const path = modelFile(this.options.repository, name, version);
    const done: { slot: Slot; instances: number; reply: LoadedReply }[] = [];
    try {
      for (const placement of placements) {
        const slot = this.#slots.find((s) => s.id === placement.slotId)!;
        const command: Omit<LoadCommand, "id"> = {
          type: "load",
          key,
          path,
          providers: placement.providers,
          instances: placement.instances,
          intraOpThreads: config.parameters.intra_op_num_threads,
        };
        const reply = await this.#requestLoad(slot, command);
        slot.loads.set(key, command);
        done.push({ slot, instances: placement.instances, reply });
      }
    } catch (e) {
      for (const d of done) await this.#unloadFromSlot(d.slot, key);
      throw e;
    }
    const { inputs, outputs, provider, fallbacks } = done[0].reply;
    if (config.max_batch_size > 0) {
      const fixed = [...inputs, ...outputs].filter((t) => t.shape[0] !== -1);
      if (fixed.length > 0) {
        for (const d of done) await this.#unloadFromSlot(d.slot, key);
        throw unprocessable(
          "batch_dimension_not_dynamic",
          `max_batch_size is ${config.max_batch_size} but dim 0 of ${
            fixed.map((t) => t.name).join(", ")
          } is fixed; export the model with a dynamic batch dimension or set max_batch_size 0`,
        );
      }
    }
    for (const d of done) {
      this.metrics.modelInstances.set(
        {
          model: name,
          version: String(version),
          worker: d.slot.id,
          execution_provider: d.reply.provider,
        },
        d.instances,
      );
    }
    const placed = done.map((d) => ({ slot: d.slot, instances: d.instances }));
    const batching = config.dynamic_batching;
    const batcher = new DynamicBatcher<Job, Tensor[]>({
      batching: batching !== undefined && config.max_batch_size > 0,
      maxBatchRows: config.max_batch_size,
      maxQueueDelayUs: batching?.max_queue_delay_us ?? 0,
      preferredBatchRows: batching?.preferred_batch_size,
      maxQueueSize: batching?.max_queue_size,
      capacity: () =>
        placed.reduce(
          (n, p) => n + (serves(p.slot, key) ? p.instances * PIPELINE_DEPTH : 0),
          0,
        ),
      execute: (jobs) => this.#execute(served, jobs),
    });
    const served: ServedVersion = {
      name,
      version,
      key,
      config,
      inputs,
      outputs,
      placements: placed,
      provider,
      fallbacks,
      batcher,
    };
    return served;
  }

  async #requestLoad(slot: Slot, command: Omit<LoadCommand, "id">): Promise<LoadedReply> {
    if (!slot.process || !slot.live) {
      throw unavailable("worker_unavailable", `worker ${slot.id} is restarting`, RETRY);
    }
    try {
      const reply = await slot.process.request(command);
      return reply.header as LoadedReply;
    } catch (e) {
      if (e instanceof WorkerReplyError) {
        throw unprocessable(
          "model_load_failed",
          `loading ${command.key} on ${slot.id} failed: ${e.message}`,
        );
      }
      throw unavailable("worker_unavailable", `worker ${slot.id} exited while loading`, RETRY);
    }
  }

  async #unloadFromSlot(slot: Slot, key: string) {
    slot.loads.delete(key);
    if (!slot.process || !slot.live) return;
    await slot.process.request({ type: "unload", key }).catch(() => undefined);
  }

  /** Takes a version out of service once its queue is empty, then frees its sessions. */
  async #retire(served: ServedVersion) {
    this.#retiring.add(served);
    await served.batcher.idle();
    this.#retiring.delete(served);
    for (const p of served.placements) {
      await this.#unloadFromSlot(p.slot, served.key);
      this.metrics.modelInstances.remove({
        model: served.name,
        version: String(served.version),
        worker: p.slot.id,
        execution_provider: served.provider,
      });
    }
  }

  async #execute(served: ServedVersion, jobs: Job[]): Promise<Tensor[][]> {
    const labels = { model: served.name, version: String(served.version) };
    const dispatchedAt = performance.now();
    for (const job of jobs) {
      this.metrics.queueDurationUs.inc(labels, Math.round((dispatchedAt - job.receivedAt) * 1000));
    }
    const inputs = concatRows(jobs.map((j) => j.tensors));
    const batched = jobs.length > 1;
    // A lone request fetches only what it asked for; a batch fetches all and filters after.
    const wanted = batched ? undefined : jobs[0].outputs;
    const deadline = performance.now() + (this.options.workerWaitMs ?? 30_000);
    for (;;) {
      const slot = this.#leastLoaded(served);
      if (!slot) {
        if (performance.now() > deadline || this.#closed) {
          throw unavailable(
            "worker_unavailable",
            `no live worker holds '${served.name}'`,
            RETRY,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
          this.#slotWaiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
        continue;
      }
      try {
        const reply = await slot.process!.request(
          {
            type: "infer",
            key: served.key,
            inputs: inputs.map((t) => ({
              name: t.name,
              datatype: t.datatype,
              shape: t.shape,
              byteLength: t.bytes.byteLength,
            })),
            outputs: wanted,
          },
          inputs.map((t) => t.bytes),
        );
        if (reply.header.type !== "result") {
          throw new Error(`unexpected reply ${reply.header.type}`);
        }
        const header = reply.header;
        const pieces = splitBytes(reply.payload, header.outputs.map((o) => o.byteLength));
        const outputs: Tensor[] = header.outputs.map((o, i) => ({
          name: o.name,
          datatype: o.datatype,
          shape: o.shape,
          bytes: pieces[i],
        }));
        this.metrics.execCount.inc(labels);
        this.metrics.inferenceCount.inc(labels, jobs.reduce((n, j) => n + j.rows, 0));
        this.metrics.computeInferDurationUs.inc(labels, header.computeUs * jobs.length);
        const split = batched ? splitRows(outputs, jobs.map((j) => j.rows)) : [outputs];
        return split.map((perJob, i) => {
          const asked = jobs[i].outputs;
          return asked ? perJob.filter((t) => asked.includes(t.name)) : perJob;
        });
      } catch (e) {
        // Inference is idempotent: a batch lost with its worker runs again elsewhere or after restart.
        // The slot is skipped until its restart completes (#leastLoaded checks `gone`).
        if (e instanceof WorkerGoneError) continue;
        if (e instanceof WorkerReplyError) {
          // Inputs were validated against the model's signature: a run that still fails is ours.
          throw failed(
            "inference_failed",
            `${served.name} v${served.version} failed to run: ${e.message}`,
          );
        }
        throw e;
      }
    }
  }

  #leastLoaded(served: ServedVersion): Slot | undefined {
    let best: Slot | undefined;
    let bestLoad = Infinity;
    for (const p of served.placements) {
      const slot = p.slot;
      if (!serves(slot, served.key)) continue;
      const load = slot.process!.inflight / p.instances;
      if (load < bestLoad) {
        best = slot;
        bestLoad = load;
      }
    }
    return best;
  }

  async #spawn(slot: Slot) {
    const process = await spawnWorker({
      id: slot.id,
      cudaVisibleDevices: slot.cudaVisibleDevices,
      onLog: (line) => this.#log("warn", "worker stderr", { worker: slot.id, line }),
    });
    slot.process = process;
    process.exited.then((status) => this.#onExit(slot, process, status));
    // Replay what this worker held before it died. A model that no longer loads (its file was
    // replaced by a broken one, say) is dropped from this worker rather than blocking the rest.
    for (const [key, command] of slot.loads) {
      try {
        await process.request(command);
      } catch (e) {
        if (!(e instanceof WorkerReplyError)) throw e;
        slot.loads.delete(key);
        this.#log("error", "model failed to reload after a worker restart", {
          worker: slot.id,
          key,
          error: e.message,
        });
      }
    }
    slot.live = true;
    this.#notifyWorkers();
    for (const resolve of this.#slotWaiters.splice(0)) resolve();
    for (const entry of this.#models.values()) {
      for (const v of entry.versions.values()) v.batcher.pump();
    }
  }

  async #onExit(slot: Slot, process: WorkerProcess, status: Deno.CommandStatus) {
    if (slot.process !== process) return;
    slot.live = false;
    slot.process = undefined;
    this.#notifyWorkers();
    if (this.#closed) return;
    this.metrics.workerRestarts.inc({ worker: slot.id });
    this.#log("warn", "worker exited; restarting", {
      worker: slot.id,
      pid: process.pid,
      code: status.code,
      signal: status.signal,
    });
    for (let attempt = 0; !this.#closed; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 5000)));
      if (this.#closed) return;
      try {
        await this.#spawn(slot);
        return;
      } catch (e) {
        const failed = slot.process as WorkerProcess | undefined;
        slot.process = undefined;
        failed?.kill("SIGKILL");
        this.#log("error", "worker restart failed", { worker: slot.id, attempt, error: String(e) });
      }
    }
  }
}
