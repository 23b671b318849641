/**
 * A worker process (process isolation mode): holds the model instances of one device and
 * serves frames from the pool on stdin/stdout. Started by the pool with CUDA_VISIBLE_DEVICES
 * narrowed to its GPU.
 */
import { encodeFrame, readFrames, splitPayload } from "../ipc/frames.ts";
import type { FromWorker, LoadCommand, TensorDescriptor, ToWorker } from "../ipc/messages.ts";
import { type ModelInstances, startInstances } from "./model_instances.ts";

const models = new Map<string, ModelInstances>();
const writer = Deno.stdout.writable.getWriter();

function send(message: FromWorker, payload: Uint8Array[] = []) {
  writer.write(encodeFrame(message, payload)).catch(() => Deno.exit(0));
}

async function load(command: LoadCommand) {
  const bytes = await Deno.readFile(command.path);
  const instances = await startInstances({
    model: bytes,
    count: command.instances,
    providers: command.providers,
    intraOpThreads: command.intraOpThreads,
    deadlineMs: command.deadlineMs,
    onLog: (message) => console.error(`${command.key}: ${message}`),
  });
  const previous = models.get(command.key);
  models.set(command.key, instances);
  await previous?.dispose();
  send({
    type: "loaded",
    id: command.id,
    provider: instances.provider,
    fallbacks: instances.fallbacks,
    inputs: instances.inputs,
    outputs: instances.outputs,
  });
}

async function infer(command: Extract<ToWorker, { type: "infer" }>, payload: Uint8Array) {
  const model = models.get(command.key);
  if (!model) {
    throw Object.assign(new Error(`${command.key} is not loaded here`), { code: "not_loaded" });
  }
  const pieces = splitPayload(payload, command.inputs.map((i) => i.byteLength));
  const inputs = command.inputs.map(({ byteLength: _, ...header }, i) => ({
    ...header,
    bytes: pieces[i],
  }));
  const result = await model.run(inputs, command.outputs);
  const outputs: TensorDescriptor[] = result.outputs.map(({ bytes, ...header }) => ({
    ...header,
    byteLength: bytes.byteLength,
  }));
  send(
    { type: "result", id: command.id, outputs, computeUs: result.computeUs },
    result.outputs.map((o) => o.bytes),
  );
}

async function handle(command: ToWorker, payload: Uint8Array) {
  try {
    switch (command.type) {
      case "load":
        return await load(command);
      case "unload": {
        const model = models.get(command.key);
        models.delete(command.key);
        await model?.dispose();
        return send({ type: "ok", id: command.id });
      }
      case "infer":
        return await infer(command, payload);
      case "stall":
        models.get(command.key)?.stall(command.ms);
        return send({ type: "ok", id: command.id });
      case "ping":
        return send({ type: "ok", id: command.id });
    }
  } catch (e) {
    const error = e as Error & { code?: string };
    send({
      type: "error",
      id: command.id,
      code: error.code ?? (command.type === "load" ? "model_load_failed" : "inference_failed"),
      message: String(error.message ?? e),
    });
  }
}

/** How long releasing the sessions may take once the pool is gone, before we exit anyway. */
const DISPOSE_LIMIT_MS = 5_000;
/** How often the parent pid is checked. */
const PARENT_CHECK_MS = 500;

let exiting = false;

/** Releases the sessions (bounded: a stuck run must not keep an orphan alive), then exits. */
async function shutdown(): Promise<never> {
  if (!exiting) {
    exiting = true;
    const limit = setTimeout(() => Deno.exit(0), DISPOSE_LIMIT_MS);
    await Promise.all([...models.values()].map((m) => m.dispose())).catch(() => undefined);
    clearTimeout(limit);
  }
  Deno.exit(0);
}

// The pool decides when we stop, by closing our stdin, so that requests in flight are drained
// first: Ctrl-C reaches the whole process group and is ignored here.
Deno.addSignalListener("SIGINT", () => {});

// A pool that dies (SIGKILL, OOM killer) closes its end of our stdin, which ends the loop below.
// Should that end have leaked into another process, we still notice that we were orphaned: our
// parent pid changes to the reaper's.
const parentPid = Deno.ppid;
const parentWatch = setInterval(() => {
  if (Deno.ppid !== parentPid) shutdown();
}, PARENT_CHECK_MS);
Deno.unrefTimer(parentWatch);

send({ type: "started", id: 0, pid: Deno.pid });
for await (const frame of readFrames<ToWorker>(Deno.stdin.readable)) {
  handle(frame.header, frame.payload);
}
// The pool closed our stdin: it is gone or wants us gone.
await shutdown();
