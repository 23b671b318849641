import assert from "node:assert/strict";
import { Hono } from "hono";
import { accessLog, createLogger, type LogLevel } from "./logger.ts";
import { notFoundHandler } from "./problem.ts";
import { requestId } from "./request_id.ts";

function capture(level?: LogLevel) {
  const lines: string[] = [];
  const logger = createLogger({ service: "test", level, sink: (line) => lines.push(line) });
  const entries = () => lines.map((line) => JSON.parse(line));
  return { logger, lines, entries };
}

Deno.test("logger writes one JSON line per event with core fields and extra fields", () => {
  const { logger, lines, entries } = capture();
  logger.info("model loaded", { model: "resnet", ms: 12 });
  assert.equal(lines.length, 1);
  assert.doesNotMatch(lines[0], /\n/);
  const [e] = entries();
  assert.deepEqual(Object.keys(e).slice(0, 4), ["time", "level", "service", "msg"]);
  assert.deepEqual([e.level, e.service, e.msg, e.model, e.ms], [
    "info",
    "test",
    "model loaded",
    "resnet",
    12,
  ]);
  assert.ok(!Number.isNaN(Date.parse(e.time)));
});

Deno.test("logger drops events below its level (default info)", () => {
  const { logger, entries } = capture();
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  assert.deepEqual(entries().map((e) => e.level), ["info", "warn", "error"]);
  const debug = capture("debug");
  debug.logger.debug("d");
  assert.equal(debug.lines.length, 1);
  const warn = capture("warn");
  warn.logger.info("i");
  warn.logger.warn("w");
  assert.deepEqual(warn.entries().map((e) => e.msg), ["w"]);
});

Deno.test("level silent prints nothing", () => {
  const { logger, lines } = capture("silent");
  for (const log of [logger.debug, logger.info, logger.warn, logger.error]) log("x");
  assert.equal(lines.length, 0);
});

Deno.test("fields cannot override core fields; errors, bigints and cycles serialize", () => {
  const { logger, entries } = capture();
  logger.info("m", { level: "debug", msg: "other", err: new TypeError("bad"), n: 10n });
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  logger.warn("cycle", { cyclic });
  const [a, b] = entries();
  assert.deepEqual([a.level, a.msg, a.n], ["info", "m", "10"]);
  assert.deepEqual([a.err.name, a.err.message], ["TypeError", "bad"]);
  assert.match(a.err.stack, /TypeError: bad/);
  assert.deepEqual([b.msg, b.cyclic], ["cycle", undefined]);
  assert.match(b.logError, /unserializable/);
});

Deno.test("child loggers add fields", () => {
  const { logger, entries } = capture();
  logger.child({ component: "queue" }).child({ worker: 2 }).info("started", { worker: 3 });
  const [e] = entries();
  assert.deepEqual([e.component, e.worker, e.service], ["queue", 3, "test"]);
});

Deno.test("accessLog logs each request with status-based level and request id", async () => {
  const { logger, entries } = capture();
  const app = new Hono()
    .use(requestId(), accessLog({ logger }))
    .get("/items/:id", (c) => c.text("ok"))
    .get("/fail", (c) => c.text("fail", 503));
  app.notFound(notFoundHandler);
  await app.request("/items/7?token=secret", { headers: { "X-Request-Id": "req-1" } });
  await app.request("/missing");
  await app.request("/fail");
  const [ok, missing, fail] = entries();
  assert.deepEqual(
    [ok.level, ok.msg, ok.method, ok.path, ok.route, ok.status, ok.requestId],
    ["info", "request", "GET", "/items/7", "/items/:id", 200, "req-1"],
  );
  assert.equal(typeof ok.durationMs, "number");
  assert.deepEqual([missing.level, missing.status], ["warn", 404]);
  assert.deepEqual([fail.level, fail.status], ["error", 503]);
});
