/**
 * One model instance: a thread that owns one ORT session. ORT's `run()` blocks its thread, so
 * each instance runs here and the thread that serves HTTP (or the worker process's pipe) stays
 * free. Tensors arrive and leave as the shared `Tensor` with their buffers transferred.
 */
/// <reference lib="deno.worker" />
import * as ort from "onnxruntime-node";
import type { ExecutionProvider, Tensor, TensorMetadata } from "@edgeml/shared/contracts";
import { datatypeFromOrt, datatypeInfo } from "@edgeml/shared/contracts/wire";
import { createSessionWithFallback, describeValues } from "./session_factory.ts";
import type { ProviderAttempt } from "../ipc/messages.ts";

export type ToInstance =
  | {
    type: "create";
    model: Uint8Array;
    providers: ExecutionProvider[];
    intraOpThreads?: number;
    /** CUDA device ordinal as this process sees it. */
    deviceId: number;
  }
  | { type: "run"; id: number; inputs: Tensor[]; outputs?: string[] }
  /** Fault injection for hang drills and tests: block this thread for `ms`, as a stuck driver would. */
  | { type: "stall"; ms: number }
  | { type: "dispose" };

export type FromInstance =
  | {
    type: "created";
    provider: ExecutionProvider;
    fallbacks: ProviderAttempt[];
    inputs: TensorMetadata[];
    outputs: TensorMetadata[];
  }
  | { type: "result"; id: number; outputs: Tensor[]; computeUs: number }
  | { type: "error"; id?: number; message: string }
  | { type: "disposed" };

let session: ort.InferenceSession | undefined;

function post(message: FromInstance, transfer: Transferable[] = []) {
  self.postMessage(message, transfer);
}

function feed(t: Tensor): ort.Tensor {
  const info = datatypeInfo(t.datatype)!;
  // A view into a request body may sit at an offset the element type cannot start at.
  const bytes = t.bytes.byteOffset % info.bytes === 0 ? t.bytes : t.bytes.slice();
  const data = new info.ctor(
    bytes.buffer as ArrayBuffer,
    bytes.byteOffset,
    bytes.byteLength / info.bytes,
  );
  return new ort.Tensor(info.ort as "float32", data as Float32Array, t.shape);
}

async function run(id: number, inputs: Tensor[], outputs?: string[]) {
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of inputs) feeds[t.name] = feed(t);
  const started = performance.now();
  const results = outputs ? await session!.run(feeds, outputs) : await session!.run(feeds);
  const computeUs = Math.round((performance.now() - started) * 1000);
  const out: Tensor[] = [];
  for (const [name, tensor] of Object.entries(results)) {
    const data = tensor.data as Float32Array;
    // ORT owns the memory behind `data`: copy it once into a buffer we can transfer.
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    out.push({ name, datatype: datatypeFromOrt(tensor.type)!, shape: [...tensor.dims], bytes });
    tensor.dispose();
  }
  post(
    { type: "result", id, outputs: out, computeUs },
    out.map((t) => t.bytes.buffer as ArrayBuffer),
  );
}

self.onmessage = async (event: MessageEvent<ToInstance>) => {
  const message = event.data;
  try {
    switch (message.type) {
      case "create": {
        const created = await createSessionWithFallback(message.model, message.providers, {
          intraOpThreads: message.intraOpThreads,
          deviceId: message.deviceId,
        });
        session = created.session;
        return post({
          type: "created",
          provider: created.provider,
          fallbacks: created.fallbacks,
          inputs: describeValues(session.inputMetadata),
          outputs: describeValues(session.outputMetadata),
        });
      }
      case "run":
        return await run(message.id, message.inputs, message.outputs);
      case "stall":
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, message.ms);
        return;
      case "dispose":
        await session?.release();
        session = undefined;
        return post({ type: "disposed" });
    }
  } catch (e) {
    const id = message.type === "run" ? message.id : undefined;
    post({ type: "error", id, message: String((e as Error).message ?? e) });
  }
};
