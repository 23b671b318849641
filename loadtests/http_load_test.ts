import assert from "node:assert/strict";
import { LoadError, type ReadBuffer, readResponse, runLoad } from "./http_load.ts";

const encoder = new TextEncoder();

/** A Deno.serve server for one test, on a free port. */
function serve(handler: (req: Request) => Response | Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return { url: `http://127.0.0.1:${server.addr.port}`, server };
}

/** A body streamed in several pieces, so Deno sends it with Transfer-Encoding: chunked. */
function streamed(pieces: string[]): Response {
  const body = ReadableStream.from(pieces.map((p) => encoder.encode(p)));
  return new Response(body, { headers: { "content-type": "application/json" } });
}

/**
 * A raw TCP server answering every request (one per received packet of its head) with the
 * given bytes, written in the given pieces, so the framing is exactly what the test says.
 */
function rawServer(response: string[], { closeAfter = false } = {}) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  const accepting = (async () => {
    for await (const conn of listener) {
      conns.add(conn);
      (async () => {
        const buf = new Uint8Array(64 * 1024);
        let seen = "";
        try {
          for (;;) {
            const n = await conn.read(buf);
            if (n === null) break;
            seen += new TextDecoder().decode(buf.subarray(0, n));
            while (seen.includes("\r\n\r\n")) {
              seen = seen.slice(seen.indexOf("\r\n\r\n") + 4); // requests carry no body here
              for (const piece of response) await conn.write(encoder.encode(piece));
              if (closeAfter) {
                conn.close();
                return;
              }
            }
          }
        } catch {
          // The client went away.
        } finally {
          conns.delete(conn);
          try {
            conn.close();
          } catch {
            // Already closed.
          }
        }
      })();
    }
  })();
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    async close() {
      listener.close();
      for (const conn of conns) conn.close();
      await accepting.catch(() => undefined);
    },
  };
}

async function exchange(url: string, count: number, head = false) {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  const state: ReadBuffer = { buf: new Uint8Array(16), len: 0 };
  const statuses: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const method = head ? "HEAD" : "GET";
      await conn.write(encoder.encode(`${method} / HTTP/1.1\r\nhost: ${hostname}\r\n\r\n`));
      statuses.push((await readResponse(conn, state, { head })).status);
      assert.equal(state.len, 0, "the whole response was consumed, nothing more");
    }
  } finally {
    conn.close();
  }
  return statuses;
}

Deno.test("readResponse reads chunked bodies from Deno.serve, response after response", async () => {
  const { url, server } = serve(() => streamed(['{"outputs":', "[1,2,3]", "}"]));
  try {
    assert.deepEqual(await exchange(url, 3), [200, 200, 200]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("readResponse handles chunk extensions, trailers and chunks split across reads", async () => {
  const raw = rawServer([
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel",
    "lo\r\n",
    "1A\r\nabcdefghijklmnopqrstuvwxyz\r",
    "\n0\r\nx-checksum: 1\r\n",
    "\r\n",
  ]);
  try {
    assert.deepEqual(await exchange(raw.url, 2), [200, 200]);
  } finally {
    await raw.close();
  }
});

Deno.test("readResponse reads Content-Length bodies and knows bodiless responses", async () => {
  const fixed = rawServer(["HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\n", "abcd"]);
  const empty = rawServer(["HTTP/1.1 204 No Content\r\n\r\n"]);
  const headOnly = rawServer(["HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"]);
  try {
    assert.deepEqual(await exchange(fixed.url, 2), [201, 201]);
    assert.deepEqual(await exchange(empty.url, 2), [204, 204]);
    assert.deepEqual(await exchange(headOnly.url, 2, true), [200, 200]);
  } finally {
    await Promise.all([fixed.close(), empty.close(), headOnly.close()]);
  }
});

Deno.test("readResponse refuses framing it cannot follow", async () => {
  for (
    const [response, message] of [
      ["HTTP/1.1 200 OK\r\n\r\nbody until close", /connection close/],
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", /chunk size/],
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", /transfer-encoding/],
      ["SMTP ready\r\n\r\n", /status line/],
    ] as const
  ) {
    const raw = rawServer([response]);
    try {
      await assert.rejects(exchange(raw.url, 1), message);
    } finally {
      await raw.close();
    }
  }
});

Deno.test("runLoad measures a server answering with chunked bodies", async () => {
  const { url, server } = serve(() => streamed(["[", "1", "]"]));
  try {
    const result = await runLoad({ url, connections: 2, durationMs: 100, warmupMs: 0 });
    assert.ok(result.requests > 0, JSON.stringify(result));
    assert.equal(result.errors, 0);
    assert.equal(result.non2xx, 0);
    assert.ok(result.rps > 0 && result.p50Ms > 0 && result.p99Ms >= result.p50Ms);
  } finally {
    await server.shutdown();
  }
});

Deno.test("runLoad follows Connection: close by reconnecting", async () => {
  const raw = rawServer(["HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"], {
    closeAfter: true,
  });
  try {
    const result = await runLoad({ url: raw.url, connections: 1, durationMs: 50, warmupMs: 0 });
    assert.ok(result.requests > 0, JSON.stringify(result));
  } finally {
    await raw.close();
  }
});

Deno.test("runLoad throws a LoadError when responses are not 2xx", async () => {
  const { url, server } = serve(() => new Response("no", { status: 503 }));
  try {
    await assert.rejects(
      runLoad({ url, connections: 1, durationMs: 50, warmupMs: 0 }),
      (e: unknown) => {
        assert.ok(e instanceof LoadError);
        assert.ok(e.result.non2xx > 0);
        assert.match(e.message, /HTTP 503/);
        return true;
      },
    );
    const allowed = await runLoad({
      url,
      connections: 1,
      durationMs: 50,
      warmupMs: 0,
      allowFailures: true,
    });
    assert.ok(allowed.non2xx > 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("runLoad throws a LoadError when no request completes", async () => {
  const raw = rawServer(["HTTP/1.1 200 OK\r\n\r\nnever framed"]);
  try {
    await assert.rejects(
      runLoad({ url: raw.url, connections: 2, durationMs: 50, warmupMs: 0 }),
      (e: unknown) => {
        assert.ok(e instanceof LoadError);
        assert.equal(e.result.requests, 0);
        assert.equal(e.result.errors, 2);
        assert.match(e.message, /connection close/);
        return true;
      },
    );
  } finally {
    await raw.close();
  }
});

Deno.test("the CLI prints the result and exits 1 when requests failed, 0 when all succeeded", async () => {
  const cli = new URL("./http_load.ts", import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  let status = 200;
  const { url, server } = serve(() => new Response("ok", { status }));
  const run = async () => {
    const scenario = JSON.stringify({ url, connections: 1, durationMs: 50, warmupMs: 0 });
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--quiet", `--config=${config}`, cli, scenario],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const result = JSON.parse(new TextDecoder().decode(out.stdout));
    return { code: out.code, result, stderr: new TextDecoder().decode(out.stderr) };
  };
  try {
    const ok = await run();
    assert.equal(ok.code, 0, ok.stderr);
    assert.ok(ok.result.requests > 0);
    status = 500;
    const failed = await run();
    assert.equal(failed.code, 1);
    assert.ok(failed.result.non2xx > 0);
    assert.match(failed.stderr, /non-2xx/);
  } finally {
    await server.shutdown();
  }
});
