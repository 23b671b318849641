/** A handle on one worker process: spawn it, exchange frames, notice when it dies. */
import { encodeFrame, readFrames } from "../ipc/frames.ts";
import type { FromWorker, ToWorker } from "../ipc/messages.ts";

const WORKER_MAIN = new URL("./worker_main.ts", import.meta.url);
const CONFIG = new URL("../../deno.json", import.meta.url);

/** The worker is gone (crashed, killed or closed) with this request still in flight. */
export class WorkerGoneError extends Error {
  constructor(readonly workerId: string) {
    super(`worker ${workerId} exited`);
  }
}

/** A request the worker answered with an error. */
export class WorkerReplyError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface Reply {
  header: FromWorker;
  payload: Uint8Array;
}

// Distributes Omit over the union so each command keeps its own fields.
type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

export interface WorkerProcess {
  readonly id: string;
  readonly pid: number;
  /** Requests sent and not yet answered. */
  readonly inflight: number;
  /** The process has exited or its pipe broke; it takes no more requests. */
  readonly gone: boolean;
  readonly exited: Promise<Deno.CommandStatus>;
  request(command: WithoutId<ToWorker>, payload?: Uint8Array[]): Promise<Reply>;
  kill(signal?: Deno.Signal): void;
  /** Closes stdin: the worker releases its sessions and exits. */
  close(): Promise<void>;
}

export interface SpawnOptions {
  id: string;
  /** Value for CUDA_VISIBLE_DEVICES: a GPU id, or "" for a CPU-only worker. */
  cudaVisibleDevices: string;
  onLog?(line: string): void;
}

export async function spawnWorker(
  { id, cudaVisibleDevices, onLog }: SpawnOptions,
): Promise<WorkerProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", "--quiet", `--config=${CONFIG.pathname}`, WORKER_MAIN.pathname],
    env: { CUDA_VISIBLE_DEVICES: cudaVisibleDevices },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  const pending = new Map<number, { resolve(r: Reply): void; reject(e: Error): void }>();
  let nextId = 1;
  let gone = false;
  let startedResolve!: (ok: boolean) => void;
  const started = new Promise<boolean>((resolve) => (startedResolve = resolve));

  (async () => {
    try {
      for await (const frame of readFrames<FromWorker>(child.stdout)) {
        if (frame.header.type === "started") {
          startedResolve(true);
          continue;
        }
        const waiter = pending.get(frame.header.id);
        if (!waiter) continue;
        pending.delete(frame.header.id);
        if (frame.header.type === "error") {
          waiter.reject(new WorkerReplyError(frame.header.code, frame.header.message));
        } else waiter.resolve({ header: frame.header, payload: frame.payload });
      }
    } catch {
      // A broken pipe ends the stream; the exit status below tells the rest.
    }
  })();

  (async () => {
    const decoder = new TextDecoderStream();
    let carry = "";
    for await (const text of child.stderr.pipeThrough(decoder)) {
      const lines = (carry + text).split("\n");
      carry = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) onLog?.(line);
    }
  })().catch(() => undefined);

  const exited = child.status.then((status) => {
    gone = true;
    startedResolve(false);
    for (const waiter of pending.values()) waiter.reject(new WorkerGoneError(id));
    pending.clear();
    return status;
  });

  if (!(await started)) throw new Error(`worker ${id} exited during start-up`);

  return {
    id,
    pid: child.pid,
    get inflight() {
      return pending.size;
    },
    get gone() {
      return gone;
    },
    exited,
    request(command, payload = []) {
      if (gone) return Promise.reject(new WorkerGoneError(id));
      const requestId = nextId++;
      return new Promise<Reply>((resolve, reject) => {
        pending.set(requestId, { resolve, reject });
        writer.write(encodeFrame({ ...command, id: requestId }, payload)).catch(() => {
          // A broken pipe means the worker is gone even if its exit has not been reaped yet:
          // refuse further requests at once (no retry can spin on it) and make sure it is dead.
          gone = true;
          pending.delete(requestId);
          reject(new WorkerGoneError(id));
          try {
            child.kill("SIGKILL");
          } catch {
            // Already exited.
          }
        });
      });
    },
    kill(signal = "SIGKILL") {
      try {
        child.kill(signal);
      } catch {
        // Already exited.
      }
    },
    async close() {
      await writer.close().catch(() => undefined);
      await exited;
    },
  };
}
