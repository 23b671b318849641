import assert from "node:assert/strict";
import { encodeFrame, type Frame, readFrames, splitPayload } from "./frames.ts";

const bytes = (...values: number[]) => new Uint8Array(values);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** A stream that delivers exactly the given chunks (copies, so no two share a buffer). */
function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks.map((c) => c.slice()));
}

function chunked(data: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < data.byteLength; i += size) chunks.push(data.subarray(i, i + size));
  return chunks;
}

async function collect<H>(stream: ReadableStream<Uint8Array>): Promise<Frame<H>[]> {
  const frames: Frame<H>[] = [];
  for await (const frame of readFrames<H>(stream)) frames.push(frame);
  return frames;
}

/** A recognisable payload: byte i is (i * 7 + seed) mod 251. */
function pattern(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed) % 251;
  return out;
}

Deno.test("encodeFrame lays out [u32 LE header len][u32 LE payload len][header][payload]", () => {
  const frame = encodeFrame({ a: 1 }, [bytes(1, 2), bytes(3)]);
  // '{"a":1}' is 7 bytes; the two payload pieces make 3 bytes.
  assert.deepEqual(
    frame,
    bytes(7, 0, 0, 0, 3, 0, 0, 0, ...new TextEncoder().encode('{"a":1}'), 1, 2, 3),
  );
});

Deno.test("encodeFrame counts header bytes, not characters, and defaults to no payload", () => {
  const frame = encodeFrame({ s: "é€" }); // '{"s":"é€"}': 8 ASCII + 2 + 3 bytes = 13
  const view = new DataView(frame.buffer);
  assert.equal(view.getUint32(0, true), 13);
  assert.equal(view.getUint32(4, true), 0);
  assert.equal(frame.byteLength, 8 + 13);
});

Deno.test("readFrames round-trips frames delivered as one chunk each", async () => {
  const frames = [
    encodeFrame({ type: "hello", id: 1 }, [bytes(9, 8, 7)]),
    encodeFrame({ type: "empty" }),
    encodeFrame({ type: "unicode", text: "ünïcødé ✓" }, [bytes(0), bytes(255, 128)]),
  ];
  const got = await collect<Record<string, unknown>>(streamOf(frames));
  assert.deepEqual(got.map((f) => f.header), [
    { type: "hello", id: 1 },
    { type: "empty" },
    { type: "unicode", text: "ünïcødé ✓" },
  ]);
  assert.deepEqual(got.map((f) => [...f.payload]), [[9, 8, 7], [], [0, 255, 128]]);
});

Deno.test("readFrames handles the bytes split at every possible boundary", async () => {
  const data = concat([
    encodeFrame({ n: 1 }, [bytes(1, 2, 3, 4, 5)]),
    encodeFrame({ n: 2 }),
    encodeFrame({ n: 3 }, [bytes(42)]),
  ]);
  const expected = [
    { header: { n: 1 }, payload: bytes(1, 2, 3, 4, 5) },
    { header: { n: 2 }, payload: bytes() },
    { header: { n: 3 }, payload: bytes(42) },
  ];
  for (let cut = 1; cut < data.byteLength; cut++) {
    const got = await collect(streamOf([data.subarray(0, cut), data.subarray(cut)]));
    assert.deepEqual(got, expected, `split at byte ${cut}`);
  }
  // And every cut at once: one byte per chunk.
  assert.deepEqual(await collect(streamOf(chunked(data, 1))), expected);
});

Deno.test("readFrames yields many frames delivered in one chunk", async () => {
  const count = 200;
  const data = concat(
    Array.from({ length: count }, (_, i) => encodeFrame({ i }, [pattern(i % 17, i)])),
  );
  const got = await collect<{ i: number }>(streamOf([data]));
  assert.equal(got.length, count);
  got.forEach((frame, i) => {
    assert.deepEqual(frame.header, { i });
    assert.deepEqual(frame.payload, pattern(i % 17, i));
  });
});

Deno.test("readFrames grows its buffer for payloads over 64 KiB", async () => {
  const big = pattern(200_000, 3);
  const data = concat([
    encodeFrame({ small: true }, [bytes(1)]),
    encodeFrame({ big: true }, [big.subarray(0, 100_000), big.subarray(100_000)]),
    encodeFrame({ after: true }, [bytes(2, 3)]),
  ]);
  for (const chunkSize of [data.byteLength, 70_000, 7_000, 4_093]) {
    const got = await collect<Record<string, boolean>>(streamOf(chunked(data, chunkSize)));
    assert.deepEqual(got.map((f) => f.header), [{ small: true }, { big: true }, { after: true }]);
    assert.deepEqual(got[0].payload, bytes(1));
    assert.equal(got[1].payload.byteLength, 200_000);
    assert.deepEqual(got[1].payload, big, `chunks of ${chunkSize} bytes`);
    assert.deepEqual(got[2].payload, bytes(2, 3));
  }
});

Deno.test("readFrames compacts its buffer and keeps earlier payloads intact", async () => {
  // Five ~40 KB frames in 30 000-byte chunks: leftovers must be moved to the buffer's start,
  // and a yielded payload must be a copy, not a view of the reused buffer.
  const payloads = Array.from({ length: 5 }, (_, i) => pattern(40_000, i + 1));
  const data = concat(payloads.map((p, i) => encodeFrame({ i }, [p])));
  const got = await collect<{ i: number }>(streamOf(chunked(data, 30_000)));
  assert.deepEqual(got.map((f) => f.header.i), [0, 1, 2, 3, 4]);
  got.forEach((frame, i) => assert.deepEqual(frame.payload, payloads[i], `frame ${i}`));
});

Deno.test("readFrames yields nothing for an empty stream", async () => {
  assert.deepEqual(await collect(streamOf([])), []);
});

Deno.test("splitPayload cuts consecutive pieces of the given lengths", () => {
  const payload = bytes(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  const pieces = splitPayload(payload, [3, 0, 7]);
  assert.deepEqual(pieces.map((p) => [...p]), [[1, 2, 3], [], [4, 5, 6, 7, 8, 9, 10]]);
  assert.deepEqual(splitPayload(payload, []), []);
});

Deno.test("splitPayload round-trips with encodeFrame's payload pieces", async () => {
  const parts = [pattern(12, 1), pattern(0), pattern(33, 2)];
  const [frame] = await collect(streamOf([encodeFrame({ lengths: [12, 0, 33] }, parts)]));
  assert.deepEqual(splitPayload(frame.payload, [12, 0, 33]), parts);
});
