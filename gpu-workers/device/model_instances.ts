/**
 * The instances of one loaded model version on one device (Triton's instance group `count`):
 * each is a thread with its own session; a run goes to an idle one or waits in FIFO order.
 *
 * Every run has a deadline. An instance that passes it is hung (a stuck driver, a runaway
 * kernel): its run fails with {@link InstanceHungError} so the pool can rerun the batch
 * elsewhere, the thread is terminated and a fresh instance is built from the same model bytes.
 * Until it is up, {@link ModelInstances.healthy} counts one fewer.
 */
import type { ExecutionProvider, Tensor, TensorMetadata } from "@edgeml/shared/contracts";
import type { ProviderAttempt } from "../ipc/messages.ts";
import type { FromInstance, ToInstance } from "./instance_thread.ts";

export interface RunResult {
  outputs: Tensor[];
  computeUs: number;
}

/** A run passed the instance's execution deadline; the instance is being replaced. */
export class InstanceHungError extends Error {
  readonly code = "instance_hung";
  constructor(deadlineMs: number) {
    super(`the model instance passed its ${deadlineMs} ms execution deadline and was replaced`);
  }
}

/** The session refused or failed the run (bad values, an operator error). */
export class InstanceRunError extends Error {
  readonly code = "inference_failed";
}

export interface InstancesOptions {
  model: Uint8Array;
  count: number;
  providers: ExecutionProvider[];
  intraOpThreads?: number;
  deviceId?: number;
  deadlineMs: number;
  /** Called whenever the number of healthy instances changes. */
  onHealth?(healthy: number): void;
  onLog?(message: string): void;
}

export interface ModelInstances {
  provider: ExecutionProvider;
  fallbacks: ProviderAttempt[];
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  /** Instances able to take a run now (hung ones being replaced do not count). */
  readonly healthy: number;
  run(inputs: Tensor[], outputs?: string[]): Promise<RunResult>;
  /** Fault injection: blocks one instance's thread for `ms` (see instance_thread.ts). */
  stall(ms: number): void;
  dispose(): Promise<void>;
}

type Created = Extract<FromInstance, { type: "created" }>;

interface Instance {
  thread: Worker;
  /** Handed to a run (set the moment it is handed over, before the run posts to it). */
  busy: boolean;
  pending?: {
    resolve(r: RunResult): void;
    reject(e: Error): void;
    timer: ReturnType<typeof setTimeout>;
  };
}

const THREAD_URL = new URL("./instance_thread.ts", import.meta.url);
const REPLACE_BACKOFF_MAX_MS = 5_000;

/** Starts one instance thread and waits for its session. */
async function createInstance(
  options: InstancesOptions,
): Promise<{ thread: Worker; created: Created }> {
  const thread = new Worker(THREAD_URL, { type: "module" });
  try {
    const created = await new Promise<Created>((resolve, reject) => {
      thread.onmessage = (event: MessageEvent<FromInstance>) => {
        if (event.data.type === "created") resolve(event.data);
        else if (event.data.type === "error") reject(new Error(event.data.message));
      };
      thread.onerror = (event) => {
        event.preventDefault();
        reject(new Error(event.message));
      };
      const message: ToInstance = {
        type: "create",
        model: options.model,
        providers: options.providers,
        intraOpThreads: options.intraOpThreads,
        deviceId: options.deviceId ?? 0,
      };
      thread.postMessage(message);
    });
    return { thread, created };
  } catch (e) {
    thread.terminate();
    throw e;
  }
}

export async function startInstances(options: InstancesOptions): Promise<ModelInstances> {
  const started = await Promise.allSettled(
    Array.from({ length: options.count }, () => createInstance(options)),
  );
  const failure = started.find((s) => s.status === "rejected");
  if (failure) {
    for (const s of started) if (s.status === "fulfilled") s.value.thread.terminate();
    throw (failure as PromiseRejectedResult).reason;
  }
  const made = started.map((s) =>
    (s as PromiseFulfilledResult<Awaited<ReturnType<typeof createInstance>>>).value
  );
  const first = made[0].created;

  const instances: Instance[] = [];
  const waiting: Array<(instance: Instance) => void> = [];
  let nextId = 1;
  let disposed = false;

  function adopt(thread: Worker) {
    const instance: Instance = { thread, busy: false };
    thread.onmessage = (event: MessageEvent<FromInstance>) => {
      const message = event.data;
      const pending = instance.pending;
      if (!pending || (message.type !== "result" && message.type !== "error")) return;
      clearTimeout(pending.timer);
      instance.pending = undefined;
      instance.busy = false;
      if (message.type === "result") {
        pending.resolve({ outputs: message.outputs, computeUs: message.computeUs });
      } else pending.reject(new InstanceRunError(message.message));
      release(instance);
    };
    thread.onerror = (event) => {
      // An uncaught error inside the thread: it cannot be trusted with another run.
      event.preventDefault();
      retire(instance, new InstanceRunError(`model instance crashed: ${event.message}`));
    };
    instances.push(instance);
    release(instance);
    options.onHealth?.(instances.length);
  }

  function release(instance: Instance) {
    if (instance.busy || !instances.includes(instance)) return;
    const next = waiting.shift();
    if (next) {
      instance.busy = true;
      next(instance);
    }
  }

  /** An idle instance, marked busy at once so no other run is handed the same one. */
  function acquire(): Promise<Instance> {
    const idle = instances.find((i) => !i.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    return new Promise((resolve) => waiting.push(resolve));
  }

  /** Takes an instance out of service, fails its run, and builds its replacement. */
  function retire(instance: Instance, error: Error) {
    const index = instances.indexOf(instance);
    if (index < 0) return;
    instances.splice(index, 1);
    const pending = instance.pending;
    instance.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    instance.thread.terminate();
    options.onHealth?.(instances.length);
    if (disposed) return;
    options.onLog?.(`replacing a model instance: ${error.message}`);
    replace(0);
  }

  function replace(attempt: number) {
    createInstance(options).then(({ thread }) => {
      if (disposed) thread.terminate();
      else adopt(thread);
    }, (e) => {
      options.onLog?.(`a replacement model instance failed to start: ${(e as Error).message}`);
      if (disposed) return;
      setTimeout(() => replace(attempt + 1), Math.min(100 * 2 ** attempt, REPLACE_BACKOFF_MAX_MS));
    });
  }

  for (const { thread } of made) adopt(thread);

  return {
    provider: first.provider,
    fallbacks: first.fallbacks,
    inputs: first.inputs,
    outputs: first.outputs,
    get healthy() {
      return instances.length;
    },
    async run(inputs, outputs) {
      const instance = await acquire();
      if (disposed) throw new InstanceRunError("the model was unloaded");
      return new Promise<RunResult>((resolve, reject) => {
        const timer = setTimeout(
          () => retire(instance, new InstanceHungError(options.deadlineMs)),
          options.deadlineMs,
        );
        instance.pending = { resolve, reject, timer };
        const message: ToInstance = { type: "run", id: nextId++, inputs, outputs };
        // Each distinct buffer once: inputs cut from one request body share it.
        const buffers = [...new Set(inputs.map((t) => t.bytes.buffer as ArrayBuffer))];
        instance.thread.postMessage(message, buffers);
      });
    },
    stall(ms) {
      const target = instances.find((i) => !i.busy) ?? instances[0];
      target?.thread.postMessage({ type: "stall", ms } satisfies ToInstance);
    },
    async dispose() {
      disposed = true;
      for (const resolve of waiting.splice(0)) resolve(undefined as never);
      await Promise.all(instances.map((i) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2_000);
          i.thread.onmessage = (event: MessageEvent<FromInstance>) => {
            if (event.data.type === "disposed") {
              clearTimeout(timer);
              resolve();
            }
          };
          i.thread.postMessage({ type: "dispose" } satisfies ToInstance);
        })
      ));
      for (const i of instances) i.thread.terminate();
      instances.length = 0;
    },
  };
}
