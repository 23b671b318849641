import v8 from "node:v8";
import vm from "node:vm";

/**
 * Chunks passed through are garbage at once, but V8 frees their memory only at its next
 * collection, which it schedules by its own heuristics: tens of MiB can pile up while a large
 * body streams. Collecting every so many bytes keeps that bounded by design.
 */
const COLLECT_EVERY_BYTES = 16 << 20;
const collectGarbage = exposeGc();

function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString("--expose-gc");
    return vm.runInNewContext("gc") as () => void;
  } catch {
    return undefined; // A runtime without it (an edge host) streams without the bound.
  }
}

/** A request body stream with a byte limit, and a promise that settles when it is passed. */
export interface LimitedStream {
  /** The same bytes, erroring as soon as more than `maxBytes` have passed. */
  stream: ReadableStream<Uint8Array>;
  /** Resolves with the byte count at the moment the limit was passed; never otherwise. */
  overflow: Promise<number>;
}

/**
 * Passes a body through chunk by chunk, counting bytes, so a forwarder can stream it on and
 * still refuse it the moment it passes its limit. Nothing is buffered beyond the chunk in
 * flight, so memory stays flat whatever the client sends (unlike Hono's `bodyLimit`, which
 * collects a chunked body before handing it on).
 *
 * @example
 * ```ts
 * const { stream, overflow } = limitStream(req.body!, 64 << 20);
 * const res = await Promise.race([fetch(upstream, { method: "POST", body: stream, duplex: "half" }),
 *   overflow.then(() => new Response(null, { status: 413 }))]);
 * ```
 */
export function limitStream(body: ReadableStream<Uint8Array>, maxBytes: number): LimitedStream {
  let seen = 0;
  let collectedAt = 0;
  let passed!: (bytes: number) => void;
  const overflow = new Promise<number>((resolve) => (passed = resolve));
  const stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) {
          passed(seen);
          controller.error(new RangeError(`body passed its limit of ${maxBytes} bytes`));
          return;
        }
        controller.enqueue(chunk);
        if (seen - collectedAt >= COLLECT_EVERY_BYTES) {
          collectedAt = seen;
          collectGarbage?.();
        }
      },
    }),
  );
  return { stream, overflow };
}
