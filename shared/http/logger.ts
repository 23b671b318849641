import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { getRequestId } from "./request_id.ts";

/** Log levels, lowest first; `silent` drops everything. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFields = Record<string, unknown>;
type LogFn = (msg: string, fields?: LogFields) => void;

/** A structured logger writing one JSON object per line. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  /** Receives each line without the newline (default: stderr). */
  sink?: (line: string) => void;
  /** Fields added to every line. */
  fields?: LogFields;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** JSON.stringify replacer: errors keep name/message/stack, bigints become strings. */
function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, stack: value.stack };
  }
  return typeof value === "bigint" ? value.toString() : value;
}

/**
 * Creates a logger: `{"time":"…","level":"info","service":"gateway","msg":"…",...fields}`.
 * Fields never override `time`, `level`, `service` or `msg`; unserializable fields are
 * replaced by a `logError` note rather than throwing.
 *
 * @example
 * ```ts
 * const log = createLogger({ service: "gateway", level: "debug" });
 * log.info("model loaded", { model: "resnet50", ms: 412 });
 * ```
 */
export function createLogger(
  { service, level = "info", sink = (line) => console.error(line), fields = {} }: LoggerOptions,
): Logger {
  const min = RANK[level];
  const at = (lvl: Exclude<LogLevel, "silent">): LogFn =>
    function log(msg, extra) {
      if (RANK[lvl] < min) return;
      const core = { time: new Date().toISOString(), level: lvl, service, msg };
      let line: string;
      try {
        line = JSON.stringify({ ...core, ...fields, ...extra, ...core }, replacer);
      } catch (err) {
        line = JSON.stringify({ ...core, logError: `unserializable fields: ${err}` });
      }
      sink(line);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (more) => createLogger({ service, level, sink, fields: { ...fields, ...more } }),
  };
}

/**
 * Access-log middleware: one `request` line per response with method, path (no query),
 * route, status, durationMs and requestId; level `error` for 5xx, `warn` for 4xx, else `info`.
 *
 * @example
 * ```ts
 * app.use(requestId(), accessLog({ logger: createLogger({ service: "gateway" }) }));
 * ```
 */
export function accessLog({ logger }: { logger: Logger }): MiddlewareHandler {
  return async function accessLog(c, next) {
    const start = performance.now();
    await next();
    const status = c.res.status;
    const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
    logger[level]("request", {
      method: c.req.method,
      path: c.req.path,
      route: routePath(c),
      status,
      durationMs: Math.round((performance.now() - start) * 1000) / 1000,
      requestId: getRequestId(c),
    });
  };
}
