/**
 * The instances of one loaded model version inside a worker process (Triton's instance group
 * `count`): each is a thread with its own session; a run goes to an idle one or waits in FIFO.
 */
import type { ExecutionProvider, TensorMetadata } from "@edgeml/shared/contracts";
import type { ProviderAttempt } from "../ipc/messages.ts";
import type { FromInstance, ThreadTensor, ToInstance } from "./instance_thread.ts";

export interface RunResult {
  outputs: ThreadTensor[];
  computeUs: number;
}

export interface ModelInstances {
  provider: ExecutionProvider;
  fallbacks: ProviderAttempt[];
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
  run(inputs: ThreadTensor[], outputs?: string[]): Promise<RunResult>;
  dispose(): Promise<void>;
}

interface Instance {
  thread: Worker;
  pending?: { resolve(r: RunResult): void; reject(e: Error): void };
}

const THREAD_URL = new URL("./instance_thread.ts", import.meta.url);

function request(thread: Worker, message: ToInstance, expect: FromInstance["type"]) {
  return new Promise<FromInstance>((resolve, reject) => {
    thread.onmessage = (event: MessageEvent<FromInstance>) => {
      if (event.data.type === expect) resolve(event.data);
      else if (event.data.type === "error") reject(new Error(event.data.message));
    };
    thread.onerror = (event) => {
      event.preventDefault();
      reject(new Error(event.message));
    };
    thread.postMessage(message);
  });
}

export async function startInstances(
  model: Uint8Array,
  count: number,
  providers: ExecutionProvider[],
  intraOpThreads?: number,
): Promise<ModelInstances> {
  const threads = Array.from({ length: count }, () => new Worker(THREAD_URL, { type: "module" }));
  let created: Extract<FromInstance, { type: "created" }>[];
  try {
    created = await Promise.all(
      threads.map((thread) =>
        request(thread, { type: "create", model, providers, intraOpThreads }, "created")
      ),
    ) as Extract<FromInstance, { type: "created" }>[];
  } catch (e) {
    for (const t of threads) t.terminate();
    throw e;
  }

  const instances: Instance[] = threads.map((thread) => ({ thread }));
  const waiting: Array<(instance: Instance) => void> = [];
  let nextId = 1;

  for (const instance of instances) {
    instance.thread.onmessage = (event: MessageEvent<FromInstance>) => {
      const message = event.data;
      const pending = instance.pending;
      if (!pending || (message.type !== "result" && message.type !== "error")) return;
      instance.pending = undefined;
      if (message.type === "result") {
        pending.resolve({ outputs: message.outputs, computeUs: message.computeUs });
      } else pending.reject(new Error(message.message));
      release(instance);
    };
  }

  function release(instance: Instance) {
    const next = waiting.shift();
    if (next) next(instance);
  }

  function acquire(): Promise<Instance> {
    const idle = instances.find((i) => !i.pending);
    if (idle) return Promise.resolve(idle);
    return new Promise((resolve) => waiting.push(resolve));
  }

  return {
    provider: created[0].provider,
    fallbacks: created[0].fallbacks,
    inputs: created[0].inputs,
    outputs: created[0].outputs,
    async run(inputs, outputs) {
      const instance = await acquire();
      return new Promise<RunResult>((resolve, reject) => {
        instance.pending = { resolve, reject };
        const message: ToInstance = { type: "run", id: nextId++, inputs, outputs };
        instance.thread.postMessage(message, inputs.map((t) => t.buffer));
      });
    },
    async dispose() {
      await Promise.all(
        instances.map((i) =>
          request(i.thread, { type: "dispose" }, "disposed").catch(() => undefined)
        ),
      );
      for (const i of instances) i.thread.terminate();
    },
  };
}
