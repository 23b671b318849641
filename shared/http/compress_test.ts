import assert from "node:assert/strict";
import { Hono } from "hono";
import { compressResponse, selectEncoding } from "./compress.ts";
import { notFound, problemHandler } from "./problem.ts";

const big = new Uint8Array(4096).fill(65);

function app() {
  const a = new Hono();
  a.onError(problemHandler);
  a.use(compressResponse());
  a.get("/binary", () =>
    new Response(big, {
      headers: { "content-type": "application/octet-stream", "content-length": "4096" },
    }));
  a.get(
    "/small",
    () =>
      new Response("{}", {
        headers: { "content-type": "application/json", "content-length": "2" },
      }),
  );
  a.get("/error", () => {
    throw notFound("x", "y".repeat(4096));
  });
  return a;
}

async function inflate(res: Response, format: CompressionFormat): Promise<Uint8Array> {
  const stream = res.body!.pipeThrough(
    new DecompressionStream(format) as unknown as TransformStream<Uint8Array, Uint8Array>,
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("selectEncoding follows q-values, prefers gzip on a tie, reads *", () => {
  assert.equal(selectEncoding("gzip, deflate"), "gzip");
  assert.equal(selectEncoding("deflate"), "deflate");
  assert.equal(selectEncoding("gzip;q=0.5, deflate"), "deflate");
  assert.equal(selectEncoding("br, *;q=0.1"), "gzip");
  assert.equal(selectEncoding("gzip;q=0, deflate;q=0"), undefined);
  assert.equal(selectEncoding("identity"), undefined);
  assert.equal(selectEncoding("br"), undefined);
});

Deno.test("binary responses are compressed with the asked coding, Content-Length dropped", async () => {
  for (const format of ["gzip", "deflate"] as const) {
    const res = await app().request("/binary", { headers: { "accept-encoding": format } });
    assert.equal(res.headers.get("content-encoding"), format);
    assert.equal(res.headers.get("content-length"), null);
    assert.equal(res.headers.get("content-type"), "application/octet-stream");
    assert.match(res.headers.get("vary") ?? "", /Accept-Encoding/);
    assert.deepEqual(await inflate(res, format), big);
  }
});

Deno.test("without Accept-Encoding nothing changes (no Vary either)", async () => {
  const res = await app().request("/binary");
  assert.equal(res.headers.get("content-encoding"), null);
  assert.equal(res.headers.get("vary"), null);
  assert.equal(res.headers.get("content-length"), "4096");
  assert.equal((await res.arrayBuffer()).byteLength, 4096);
});

Deno.test("small bodies, unsupported codings and errors stay uncompressed", async () => {
  const a = app();
  const small = await a.request("/small", { headers: { "accept-encoding": "gzip" } });
  assert.equal(small.headers.get("content-encoding"), null);
  assert.equal(await small.text(), "{}");
  const br = await a.request("/binary", { headers: { "accept-encoding": "br" } });
  assert.equal(br.headers.get("content-encoding"), null);
  assert.equal((await br.arrayBuffer()).byteLength, 4096);
  const error = await a.request("/error", { headers: { "accept-encoding": "gzip" } });
  assert.equal(error.status, 404);
  assert.equal(error.headers.get("content-encoding"), null);
  assert.equal((await error.json()).code, "x");
});
