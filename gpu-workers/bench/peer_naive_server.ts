/**
 * Benchmark peer: the per-request server anyone would write first. One Deno process, Hono,
 * onnxruntime-node in process (the pool's session options), one `session.run` per request, no
 * batching. Serves `POST /v2/models/<name>/infer` (JSON and binary tensors) for one model:
 *
 *   deno run -A gpu-workers/bench/peer_naive_server.ts [--model FILE] [--name mlp_large] [--port 0]
 */
import { loadPeerModel, peerApp, runSession } from "./peer_oip.ts";
import { peerArgs, servePeer } from "./peer_serve.ts";

const args = peerArgs();
const model = await loadPeerModel(args.model, args.name);
servePeer(peerApp(model, (data, rows) => runSession(model, data, rows)), args);
