/**
 * Benchmark peer: a bare Hono app, one route, on `Deno.serve`: the floor the gateway's cheapest
 * route is held to (the benchmark requests `GET /nope`, Hono's own 404, against the gateway's
 * 404 for the same path).
 *
 *   deno run -A gpu-workers/bench/peer_bare_hono.ts [--port 0]
 */
import { Hono } from "hono";
import { peerArgs, servePeer } from "./peer_serve.ts";

const app = new Hono();
app.get("/", (c) => c.text("ok"));
servePeer(app, peerArgs());
