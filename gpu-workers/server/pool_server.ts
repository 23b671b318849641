/** Starts a worker pool and serves its OIP v2 API over HTTP; the unit every test and the launcher use. */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "hono";
import type { Logger } from "@edgeml/shared/http";
import { Pool, type PoolOptions } from "../pool/pool.ts";
import { createOipApp } from "./app.ts";

export interface PoolServerOptions extends Omit<PoolOptions, "log"> {
  hostname?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: Logger;
  maxBodyBytes?: number;
}

export interface PoolServer {
  pool: Pool;
  /** The OIP app itself, for callers in this process (the embedded gateway calls it directly). */
  app: OpenAPIHono<Env>;
  url: string;
  port: number;
  /** Drains queued requests, stops the workers, closes the listener. */
  shutdown(drainTimeoutMs?: number): Promise<void>;
}

export async function startPoolServer(options: PoolServerOptions): Promise<PoolServer> {
  const { hostname = "127.0.0.1", port = 0, logger, maxBodyBytes, ...poolOptions } = options;
  const pool = new Pool({
    ...poolOptions,
    log: logger ? (level, message, fields) => logger[level](message, fields) : undefined,
  });
  await pool.start();
  const app = createOipApp(pool, { logger, maxBodyBytes });
  const server = Deno.serve({ hostname, port, onListen: () => {} }, app.fetch);
  const bound = (server.addr as Deno.NetAddr).port;
  return {
    pool,
    app,
    url: `http://${hostname}:${bound}`,
    port: bound,
    async shutdown(drainTimeoutMs = 10_000) {
      await pool.drain(drainTimeoutMs);
      await server.shutdown();
    },
  };
}
