/**
 * Benchmark peer: what a user could write in an afternoon to batch. One Deno process, Hono,
 * onnxruntime-node in process (`session.run` from the main thread, the pool's session options),
 * and a micro-batcher: requests are collected for up to `--window-ms` (1 ms; Deno's
 * `setTimeout` fires after about 2 ms at the earliest, which a user would not notice) or until
 * `--max-batch` rows (the model's max_batch_size), their rows concatenated, run in one
 * `session.run`, and the output split back. A batch that is full or due runs at once, even
 * while the previous one still runs. `GET /stats` tells rows and runs so far (mean batch).
 *
 *   deno run -A gpu-workers/bench/peer_batched_server.ts [--model FILE] [--max-batch 64]
 */
import { loadPeerModel, peerApp, runSession } from "./peer_oip.ts";
import { peerArgs, servePeer } from "./peer_serve.ts";

const args = peerArgs();
const model = await loadPeerModel(args.model, args.name);
const maxBatch = Number(args["max-batch"]);
const windowMs = Number(args["window-ms"]);

interface Pending {
  data: Float32Array;
  rows: number;
  resolve(output: Float32Array): void;
  reject(error: unknown): void;
}

let queue: Pending[] = [];
let queuedRows = 0;
let timer: ReturnType<typeof setTimeout> | undefined;
const stats = { rows: 0, runs: 0 };

async function flush() {
  clearTimeout(timer);
  timer = undefined;
  const batch = queue;
  const rows = queuedRows;
  queue = [];
  queuedRows = 0;
  if (batch.length === 0) return;
  let input = batch[0].data;
  if (batch.length > 1) {
    input = new Float32Array(rows * model.width);
    let offset = 0;
    for (const p of batch) {
      input.set(p.data, offset);
      offset += p.data.length;
    }
  }
  stats.rows += rows;
  stats.runs++;
  try {
    const output = await runSession(model, input, rows);
    const perRow = output.length / rows;
    let row = 0;
    for (const p of batch) {
      p.resolve(output.subarray(row * perRow, (row + p.rows) * perRow));
      row += p.rows;
    }
  } catch (e) {
    for (const p of batch) p.reject(e);
  }
}

function submit(data: Float32Array, rows: number): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    // A request that would overflow the batch starts the next one.
    if (queue.length > 0 && queuedRows + rows > maxBatch) flush();
    queue.push({ data, rows, resolve, reject });
    queuedRows += rows;
    if (queuedRows >= maxBatch) flush();
    else timer ??= setTimeout(flush, windowMs);
  });
}

servePeer(peerApp(model, submit, (app) => app.get("/stats", (c) => c.json(stats))), args);
