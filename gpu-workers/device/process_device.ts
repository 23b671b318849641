/**
 * A device as a worker process of its own (process isolation): a crash of the CUDA driver or
 * of ORT takes down this process only. The device restarts its process when it dies and
 * replays the loads it held; a process that stops answering (stopped, wedged) past the run
 * deadline is killed and restarted the same way.
 */
import { splitBytes, type Tensor } from "@edgeml/shared/contracts";
import type { LoadCommand, LoadedReply } from "../ipc/messages.ts";
import {
  type Device,
  type DeviceEvents,
  DeviceGoneError,
  type DeviceInfo,
  type LoadedModel,
  type LoadSpec,
  ModelLoadError,
} from "./device.ts";
import { InstanceHungError, InstanceRunError, type RunResult } from "./model_instances.ts";
import {
  spawnWorker,
  WorkerGoneError,
  type WorkerProcess,
  WorkerReplyError,
} from "./worker_process.ts";

/** Extra time a silent process gets past the run deadline before it is killed. */
const WATCHDOG_SLACK_MS = 1_000;
const RESTART_BACKOFF_MAX_MS = 5_000;

export class ProcessDevice implements Device {
  readonly isolation = "process";
  /** Two hide the pipe round trip: the next batch already waits in the worker. */
  readonly pipelineDepth = 2;
  readonly id: string;
  readonly kind: "gpu" | "cpu";
  readonly gpu?: number;
  #process?: WorkerProcess;
  #up = false;
  #closed = false;
  /** What this worker must hold: replayed after a restart. */
  #loads = new Map<string, Omit<LoadCommand, "id">>();
  /** Instance counts by key, as loaded in the current process. */
  #instances = new Map<string, number>();

  constructor(info: DeviceInfo, readonly events: DeviceEvents) {
    this.id = info.id;
    this.kind = info.kind;
    this.gpu = info.gpu;
  }

  get pid() {
    return this.#process?.pid;
  }

  get live() {
    return this.#up && !this.#closed && this.#process !== undefined && !this.#process.gone;
  }

  get inflight() {
    return this.#process?.inflight ?? 0;
  }

  healthy(key: string): number {
    return this.live ? this.#instances.get(key) ?? 0 : 0;
  }

  async start(): Promise<void> {
    await this.#spawn();
  }

  async load(spec: LoadSpec): Promise<LoadedModel> {
    const command: Omit<LoadCommand, "id"> = { type: "load", ...spec };
    const reply = await this.#request(command).catch((e) => {
      if (e instanceof WorkerReplyError) throw new ModelLoadError(e.message);
      throw new DeviceGoneError(this.id, "exited while loading");
    });
    this.#loads.set(spec.key, command);
    this.#instances.set(spec.key, spec.instances);
    const loaded = reply as LoadedReply;
    return {
      provider: loaded.provider,
      fallbacks: loaded.fallbacks,
      inputs: loaded.inputs,
      outputs: loaded.outputs,
    };
  }

  async unload(key: string): Promise<void> {
    this.#loads.delete(key);
    this.#instances.delete(key);
    if (this.live) await this.#request({ type: "unload", key }).catch(() => undefined);
  }

  async run(key: string, inputs: Tensor[], outputs?: string[]): Promise<RunResult> {
    const process = this.#process;
    const deadlineMs = this.#loads.get(key)?.deadlineMs;
    if (!process || !this.live || deadlineMs === undefined) {
      throw new DeviceGoneError(this.id, `does not hold ${key}`);
    }
    // A process that cannot answer within the deadline (its own instance watchdog included)
    // is wedged or stopped: kill it, which fails this run as DeviceGoneError for a rerun.
    const watchdog = setTimeout(() => {
      this.events.onLog("error", "worker process passed the run deadline; killing it", {
        device: this.id,
        pid: process.pid,
        deadline_ms: deadlineMs,
      });
      process.kill("SIGKILL");
    }, deadlineMs * this.pipelineDepth + WATCHDOG_SLACK_MS);
    try {
      const reply = await process.request(
        {
          type: "infer",
          key,
          inputs: inputs.map(({ bytes, ...header }) => ({
            ...header,
            byteLength: bytes.byteLength,
          })),
          outputs,
        },
        inputs.map((t) => t.bytes),
      );
      if (reply.header.type !== "result") throw new Error(`unexpected reply ${reply.header.type}`);
      const header = reply.header;
      const pieces = splitBytes(reply.payload, header.outputs.map((o) => o.byteLength));
      return {
        outputs: header.outputs.map(({ byteLength: _, ...o }, i) => ({ ...o, bytes: pieces[i] })),
        computeUs: header.computeUs,
      };
    } catch (e) {
      if (e instanceof WorkerGoneError) throw new DeviceGoneError(this.id);
      if (e instanceof WorkerReplyError) {
        if (e.code === "instance_hung") throw new InstanceHungError(deadlineMs);
        if (e.code === "not_loaded") throw new DeviceGoneError(this.id, `does not hold ${key}`);
        throw new InstanceRunError(e.message);
      }
      throw e;
    } finally {
      clearTimeout(watchdog);
    }
  }

  stall(key: string, ms: number): void {
    if (this.live) this.#request({ type: "stall", key, ms }).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const process = this.#process;
    if (!process) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      process.close(),
      new Promise((resolve) => (timer = setTimeout(resolve, 5000))),
    ]);
    clearTimeout(timer);
    process.kill("SIGKILL");
    await process.exited;
  }

  #request(command: Parameters<WorkerProcess["request"]>[0]) {
    if (!this.#process || !this.live) return Promise.reject(new WorkerGoneError(this.id));
    return this.#process.request(command).then((reply) => reply.header);
  }

  async #spawn() {
    const process = await spawnWorker({
      id: this.id,
      cudaVisibleDevices: this.gpu === undefined ? "" : String(this.gpu),
      onLog: (line) => this.events.onLog("warn", "worker stderr", { device: this.id, line }),
    });
    this.#process = process;
    process.exited.then((status) => this.#onExit(process, status));
    // Replay what this worker held before it died. A model that no longer loads (its file was
    // replaced by a broken one, say) is dropped from this worker rather than blocking the rest.
    for (const [key, command] of this.#loads) {
      try {
        await process.request(command);
      } catch (e) {
        if (!(e instanceof WorkerReplyError)) throw e;
        this.#loads.delete(key);
        this.#instances.delete(key);
        this.events.onLog("error", "model failed to reload after a worker restart", {
          device: this.id,
          key,
          error: e.message,
        });
      }
    }
    this.#up = true;
    this.events.onChange();
  }

  async #onExit(process: WorkerProcess, status: Deno.CommandStatus) {
    if (this.#process !== process) return;
    this.#up = false;
    this.#process = undefined;
    this.events.onChange();
    if (this.#closed) return;
    this.events.onRestart();
    this.events.onLog("warn", "worker exited; restarting", {
      device: this.id,
      pid: process.pid,
      code: status.code,
      signal: status.signal,
    });
    for (let attempt = 0; !this.#closed; attempt++) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(100 * 2 ** attempt, RESTART_BACKOFF_MAX_MS))
      );
      if (this.#closed) return;
      try {
        await this.#spawn();
        return;
      } catch (e) {
        const failed = this.#process as WorkerProcess | undefined;
        this.#process = undefined;
        failed?.kill("SIGKILL");
        this.events.onLog("error", "worker restart failed", {
          device: this.id,
          attempt,
          error: String(e),
        });
      }
    }
  }
}
