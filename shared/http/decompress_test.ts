import assert from "node:assert/strict";
import { Hono } from "hono";
import { bodyLimit } from "./body_limit.ts";
import { decompressRequest, inflate } from "./decompress.ts";
import { ProblemError, problemHandler } from "./problem.ts";

const LIMIT = 64 * 1024;

function appWithLimit() {
  const app = new Hono();
  app.onError(problemHandler);
  app.post(
    "/echo",
    decompressRequest({ maxSize: LIMIT }),
    bodyLimit({ maxSize: LIMIT }),
    async (c) => {
      const bytes = new Uint8Array(await c.req.arrayBuffer());
      return c.json({
        size: bytes.byteLength,
        text: new TextDecoder().decode(bytes.subarray(0, 32)),
        encoding: c.req.header("content-encoding") ?? null,
      });
    },
  );
  return app;
}

type Bytes = Uint8Array<ArrayBuffer>;
const compressor = (format: CompressionFormat) =>
  new CompressionStream(format) as unknown as TransformStream<Uint8Array, Bytes>;

async function compress(bytes: Bytes, format: CompressionFormat): Promise<Bytes> {
  const stream = new Blob([bytes]).stream().pipeThrough(compressor(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const post = (app: Hono, body: Bytes, headers: Record<string, string>) =>
  app.request("/echo", { method: "POST", body, headers });

async function problem(res: Response, status: number, code: string) {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.equal(JSON.parse(text).code, code, text);
  return res;
}

Deno.test("gzip and zlib-wrapped deflate bodies reach the handler decompressed", async () => {
  const app = appWithLimit();
  const plain = new TextEncoder().encode('{"inputs":[]}' + " ".repeat(5000));
  for (
    const [header, format] of [["gzip", "gzip"], ["deflate", "deflate"], [
      "x-gzip",
      "gzip",
    ]] as const
  ) {
    const compressed = await compress(plain, format);
    if (format === "deflate") assert.equal(compressed[0], 0x78, "zlib header");
    const res = await post(app, compressed, { "content-encoding": header });
    assert.equal(res.status, 200, header);
    assert.deepEqual(await res.json(), {
      size: plain.byteLength,
      text: '{"inputs":[]}' + " ".repeat(19),
      encoding: null,
    });
  }
});

Deno.test("no Content-Encoding, or identity, passes the body untouched", async () => {
  const app = appWithLimit();
  for (const headers of [{}, { "content-encoding": "identity" }] as Record<string, string>[]) {
    const res = await post(app, new Uint8Array([104, 105]), headers);
    assert.equal((await res.json()).text, "hi");
  }
});

Deno.test("an unknown coding is 415 and lists the supported ones in Accept-Encoding", async () => {
  const app = appWithLimit();
  for (const coding of ["br", "compress", "gzip, gzip"]) {
    const res = await post(app, new Uint8Array([1, 2, 3]), { "content-encoding": coding });
    assert.equal(res.headers.get("accept-encoding"), "gzip, deflate");
    await problem(res, 415, "unsupported_content_encoding");
  }
});

Deno.test("a body that does not decompress is 400 malformed_content_encoding", async () => {
  const app = appWithLimit();
  const res = await post(app, new TextEncoder().encode("not gzip at all"), {
    "content-encoding": "gzip",
  });
  await problem(res, 400, "malformed_content_encoding");
  const truncated = (await compress(new Uint8Array(4096).fill(7), "gzip")).subarray(0, 12);
  await problem(
    await post(app, truncated, { "content-encoding": "gzip" }),
    400,
    "malformed_content_encoding",
  );
});

Deno.test("the limit holds on decompressed bytes: a zip bomb is 413 while it streams", async () => {
  const app = appWithLimit();
  // 32 MiB of zeros gzips to ~32 KiB; the handler must refuse it past 64 KiB inflated.
  const chunk = new Uint8Array(1024 * 1024);
  let produced = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= 32) return controller.close();
      produced++;
      controller.enqueue(chunk);
    },
  });
  const gz = new Uint8Array(
    await new Response(source.pipeThrough(compressor("gzip"))).arrayBuffer(),
  );
  assert.ok(gz.byteLength < LIMIT, `the bomb itself is small (${gz.byteLength} bytes)`);
  await problem(await post(app, gz, { "content-encoding": "gzip" }), 413, "body_too_large");
});

Deno.test("a compressed body just under the limit passes; the wire size is bounded too", async () => {
  const app = appWithLimit();
  const plain = new Uint8Array(LIMIT).fill(97);
  const res = await post(app, await compress(plain, "deflate"), { "content-encoding": "deflate" });
  assert.equal((await res.json()).size, LIMIT);
  // Incompressible data larger than the limit: refused on the compressed bytes already.
  const noise = new Uint8Array(LIMIT + 1024);
  for (let at = 0; at < noise.byteLength; at += 65536) {
    crypto.getRandomValues(noise.subarray(at, at + 65536));
  }
  const stored = await compress(noise, "gzip");
  await problem(await post(app, stored, { "content-encoding": "gzip" }), 413, "body_too_large");
});

Deno.test("inflate stops pulling an endless bomb as soon as the limit is passed", async () => {
  let pulled = 0;
  const zeros = new Uint8Array(1024 * 1024);
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(zeros);
    },
  }, { highWaterMark: 0 });
  const stream = inflate(endless.pipeThrough(compressor("gzip")), "gzip", "gzip", 4 << 20);
  const reader = stream.getReader();
  let inflated = 0;
  const err = await (async () => {
    for (;;) inflated += (await reader.read()).value?.byteLength ?? 0;
  })().catch((e) => e);
  assert.ok(err instanceof ProblemError, String(err));
  assert.equal(err.status, 413);
  assert.ok(inflated <= 4 << 20);
  // A few MiB of zeros were compressed and inflated, not an unbounded amount.
  assert.ok(pulled < 64, `pulled ${pulled} MiB from the source`);
});
