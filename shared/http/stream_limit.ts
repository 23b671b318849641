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
      },
    }),
  );
  return { stream, overflow };
}
