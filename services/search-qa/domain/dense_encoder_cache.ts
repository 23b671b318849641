/**
 * Each index's loaded encoder (its tokenizer parsed once), kept until the index names another
 * encoder version. The control plane embeds items with it, edges embed queries with it.
 */
import type { OipClient } from "@edgeml/gpu-workers/client";
import { type DenseEncoder, type DenseEncoderConfig, loadDenseEncoder } from "./dense_encoder.ts";
import { encoderTokenizerPath } from "./index_catalog.ts";

export function createEncoderCache(
  artifacts: { get(path: string): Promise<Uint8Array | undefined> },
  workers: OipClient,
) {
  const loaded = new Map<string, Promise<DenseEncoder>>();
  return function encoderOf(index: string, config: DenseEncoderConfig): Promise<DenseEncoder> {
    const key = `${index}@${config.version}`;
    let found = loaded.get(key);
    if (!found) {
      for (const k of loaded.keys()) if (k.startsWith(`${index}@`)) loaded.delete(k);
      found = loadDenseEncoder(artifacts, workers, encoderTokenizerPath(index, config.version), {
        ...config,
      });
      // A failed load is tried again on the next call.
      found.catch(() => loaded.delete(key));
      loaded.set(key, found);
    }
    return found;
  };
}
