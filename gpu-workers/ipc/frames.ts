/**
 * Length-prefixed frames between the pool and its worker processes (over stdin/stdout pipes):
 * `[u32 LE header bytes][u32 LE payload bytes][header JSON][payload]`. Tensors travel as raw
 * bytes in the payload, never as JSON. What is copied: `encodeFrame` copies each tensor once
 * into the frame; the pipe copies through the kernel; `readFrames` copies each chunk it reads
 * into its reassembly buffer and then copies each payload out of it, so a frame it has yielded
 * stays valid while the buffer is reused. Cutting a payload into tensors (`splitPayload`)
 * copies nothing.
 */
export { splitBytes as splitPayload } from "@edgeml/shared/contracts/wire";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const PREFIX = 8;

export interface Frame<H> {
  header: H;
  payload: Uint8Array;
}

export function encodeFrame(header: unknown, payload: readonly Uint8Array[] = []): Uint8Array {
  const head = encoder.encode(JSON.stringify(header));
  let payloadLength = 0;
  for (const p of payload) payloadLength += p.byteLength;
  const frame = new Uint8Array(PREFIX + head.byteLength + payloadLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, head.byteLength, true);
  view.setUint32(4, payloadLength, true);
  frame.set(head, PREFIX);
  let offset = PREFIX + head.byteLength;
  for (const p of payload) {
    frame.set(p, offset);
    offset += p.byteLength;
  }
  return frame;
}

/** Yields whole frames from a byte stream, however the stream chunks them. */
export async function* readFrames<H>(stream: ReadableStream<Uint8Array>): AsyncGenerator<Frame<H>> {
  let buffer = new Uint8Array(64 * 1024);
  let start = 0;
  let end = 0;
  for await (const chunk of stream) {
    if (end + chunk.byteLength > buffer.byteLength) {
      const live = end - start;
      if (live + chunk.byteLength <= buffer.byteLength) {
        buffer.copyWithin(0, start, end);
      } else {
        const grown = new Uint8Array((live + chunk.byteLength) * 2);
        grown.set(buffer.subarray(start, end), 0);
        buffer = grown;
      }
      start = 0;
      end = live;
    }
    buffer.set(chunk, end);
    end += chunk.byteLength;
    while (end - start >= PREFIX) {
      const view = new DataView(buffer.buffer, buffer.byteOffset + start, PREFIX);
      const headLength = view.getUint32(0, true);
      const payloadLength = view.getUint32(4, true);
      const total = PREFIX + headLength + payloadLength;
      if (end - start < total) break;
      const headStart = start + PREFIX;
      const header = JSON.parse(decoder.decode(buffer.subarray(headStart, headStart + headLength)));
      // Copy the payload out: the buffer is reused for the next frames.
      const payload = buffer.slice(headStart + headLength, start + total);
      start += total;
      yield { header: header as H, payload };
    }
    if (start === end) start = end = 0;
  }
}
