import assert from "node:assert/strict";
import { limitStream } from "./stream_limit.ts";

function chunks(...sizes: number[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(sizes.map((n) => new Uint8Array(n).fill(7)));
}

Deno.test("limitStream passes a body at or under the limit through unchanged", async () => {
  const { stream, overflow } = limitStream(chunks(3, 4, 3), 10);
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  assert.equal(bytes.byteLength, 10);
  assert.ok(bytes.every((b) => b === 7));
  const settled = await Promise.race([overflow.then(() => "overflow"), Promise.resolve("none")]);
  assert.equal(settled, "none");
});

Deno.test("limitStream errors the stream and reports the count once the limit is passed", async () => {
  const { stream, overflow } = limitStream(chunks(6, 6, 6), 10);
  await assert.rejects(new Response(stream).arrayBuffer(), /limit of 10 bytes/);
  assert.equal(await overflow, 12);
});
