/**
 * One model instance: a thread that owns one ORT session. ORT's `run()` blocks its thread, so
 * each instance runs here and the worker process's main thread stays free for I/O.
 */
/// <reference lib="deno.worker" />
import * as ort from "onnxruntime-node";
import type { Datatype, ExecutionProvider, TensorMetadata } from "@edgeml/shared/contracts";
import { datatypeFromOrt, datatypeInfo } from "@edgeml/shared/contracts/wire";
import { createSessionWithFallback, describeValues } from "./session_factory.ts";
import type { ProviderAttempt } from "../ipc/messages.ts";

export interface ThreadTensor {
  name: string;
  datatype: Datatype;
  shape: number[];
  buffer: ArrayBuffer;
}

export type ToInstance =
  | {
    type: "create";
    model: Uint8Array;
    providers: ExecutionProvider[];
    intraOpThreads?: number;
  }
  | { type: "run"; id: number; inputs: ThreadTensor[]; outputs?: string[] }
  | { type: "dispose" };

export type FromInstance =
  | {
    type: "created";
    provider: ExecutionProvider;
    fallbacks: ProviderAttempt[];
    inputs: TensorMetadata[];
    outputs: TensorMetadata[];
  }
  | { type: "result"; id: number; outputs: ThreadTensor[]; computeUs: number }
  | { type: "error"; id?: number; message: string }
  | { type: "disposed" };

let session: ort.InferenceSession | undefined;

function post(message: FromInstance, transfer: Transferable[] = []) {
  self.postMessage(message, transfer);
}

async function run(id: number, inputs: ThreadTensor[], outputs?: string[]) {
  const feeds: Record<string, ort.Tensor> = {};
  for (const t of inputs) {
    const info = datatypeInfo(t.datatype)!;
    const data = new info.ctor(t.buffer, 0, t.buffer.byteLength / info.bytes);
    feeds[t.name] = new ort.Tensor(info.ort as "float32", data as Float32Array, t.shape);
  }
  const started = performance.now();
  const results = outputs ? await session!.run(feeds, outputs) : await session!.run(feeds);
  const computeUs = Math.round((performance.now() - started) * 1000);
  const out: ThreadTensor[] = [];
  for (const [name, tensor] of Object.entries(results)) {
    const data = tensor.data as Float32Array;
    // ORT may own the memory behind `data`: copy into a buffer we can transfer.
    const buffer = data.buffer.slice(
      data.byteOffset,
      data.byteOffset + data.byteLength,
    ) as ArrayBuffer;
    out.push({ name, datatype: datatypeFromOrt(tensor.type)!, shape: [...tensor.dims], buffer });
  }
  post({ type: "result", id, outputs: out, computeUs }, out.map((t) => t.buffer));
}

self.onmessage = async (event: MessageEvent<ToInstance>) => {
  const message = event.data;
  try {
    if (message.type === "create") {
      const created = await createSessionWithFallback(message.model, message.providers, {
        intraOpThreads: message.intraOpThreads,
      });
      session = created.session;
      post({
        type: "created",
        provider: created.provider,
        fallbacks: created.fallbacks,
        inputs: describeValues(session.inputMetadata),
        outputs: describeValues(session.outputMetadata),
      });
    } else if (message.type === "run") {
      await run(message.id, message.inputs, message.outputs);
    } else {
      await session?.release();
      session = undefined;
      post({ type: "disposed" });
    }
  } catch (e) {
    const id = message.type === "run" ? message.id : undefined;
    post({ type: "error", id, message: String((e as Error).message ?? e) });
  }
};
