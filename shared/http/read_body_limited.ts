import { payloadTooLarge } from "./problem.ts";

/**
 * Reads a raw request body in full, refusing it (413 `body_too_large`) as soon as its declared
 * length or the bytes received pass `maxBytes`: an oversized upload is never read to its end.
 *
 * @example
 * ```ts
 * const onnx = await readBodyLimited(c.req.raw, 256 << 20);
 * ```
 */
export async function readBodyLimited(req: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () =>
    payloadTooLarge("body_too_large", `Request body exceeds the limit of ${maxBytes} bytes`, {
      limitBytes: maxBytes,
    });
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await req.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}
