/**
 * ONNX models on the local file system: read and decode a `.onnx` file, and write one so that
 * readers never see a partial file. Kept out of `@edgeml/shared/onnx` so edge bundles stay free
 * of file APIs; only workers, control jobs, tools and tests import it.
 *
 * @example
 * ```ts
 * import { readModelFile, writeModelFile } from "@edgeml/shared/onnx/files";
 * const model = await readModelFile("data/models/mlp_small/1/model.onnx");
 * await writeModelFile("data/models/mlp_small/2/model.onnx", model);
 * ```
 * @module
 */
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeModel, encodeModel } from "./model_io.ts";
import type { onnx } from "./proto.ts";

function toPath(path: string | URL): string {
  return path instanceof URL ? fileURLToPath(path) : path;
}

/**
 * Reads and decodes a `.onnx` file.
 *
 * @throws {OnnxFormatError} naming the file when its contents are not a model.
 */
export async function readModelFile(path: string | URL): Promise<onnx.ModelProto> {
  const file = toPath(path);
  return decodeModel(await Deno.readFile(file), file);
}

/**
 * Writes a model so that readers never see a partial file: the bytes go to a temporary file in
 * the same directory, are flushed to disk, then renamed over `path` (rename is atomic within a
 * file system). The temporary file is removed if anything fails.
 */
export async function writeModelFile(path: string | URL, model: onnx.IModelProto): Promise<void> {
  const file = toPath(path);
  const bytes = encodeModel(model);
  const tmp = join(dirname(file), `.${basename(file)}.${crypto.randomUUID()}.tmp`);
  try {
    const handle = await Deno.open(tmp, { write: true, createNew: true });
    try {
      let written = 0;
      while (written < bytes.byteLength) written += await handle.write(bytes.subarray(written));
      await handle.syncData();
    } finally {
      handle.close();
    }
    await Deno.rename(tmp, file);
  } catch (error) {
    await Deno.remove(tmp).catch(() => {});
    throw error;
  }
}
