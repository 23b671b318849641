import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { OnnxFormatError } from "./errors.ts";
import { readModelFile, writeModelFile } from "./files.ts";
import { createGraphBuilder } from "./graph_builder.ts";
import { getInitializer } from "./initializers.ts";
import { encodeModel } from "./model_io.ts";
import type { onnx } from "./proto.ts";

function tinyModel(): onnx.ModelProto {
  const b = createGraphBuilder("tiny");
  const x = b.input("x", "float32", [-1, 2]);
  const w = b.initializer("w", new Float32Array([1, 2, 3, 4]), [2, 2]);
  b.output(b.relu(b.matmul(x, w)), "y", "float32", [-1, 2]);
  return b.build({ producerName: "edgeml-test" });
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "onnx_model_io_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeModelFile/readModelFile round-trip and leave no temp files", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "tiny.onnx");
    await writeModelFile(path, tinyModel());
    const model = await readModelFile(path);
    assert.deepEqual(getInitializer(model, "w").data, new Float32Array([1, 2, 3, 4]));
    assert.deepEqual(await Deno.readFile(path), encodeModel(tinyModel()));
    // Overwrites in place, also via file: URLs.
    const other = tinyModel();
    other.producerName = "second";
    await writeModelFile(pathToFileURL(path), other);
    assert.equal((await readModelFile(pathToFileURL(path))).producerName, "second");
    const entries = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry.name);
    assert.deepEqual(entries, ["tiny.onnx"]);
  });
});

Deno.test("writeModelFile leaves the old file untouched when encoding fails", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "model.onnx");
    await writeModelFile(path, tinyModel());
    const before = await Deno.readFile(path);
    const bad = tinyModel();
    (bad as { irVersion: unknown }).irVersion = {};
    await assert.rejects(writeModelFile(path, bad), OnnxFormatError);
    await assert.rejects(writeModelFile(join(dir, "missing", "m.onnx"), tinyModel()));
    assert.deepEqual(await Deno.readFile(path), before);
    const entries = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry.name);
    assert.deepEqual(entries, ["model.onnx"]);
  });
});

Deno.test("readModelFile names the file in format errors", async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, "broken.onnx");
    const bytes = encodeModel(tinyModel());
    await Deno.writeFile(path, bytes.subarray(0, bytes.byteLength >> 1));
    await assert.rejects(readModelFile(path), (error: unknown) => {
      assert.ok(error instanceof OnnxFormatError);
      assert.equal(error.source, path);
      assert.ok(error.message.includes(path));
      return true;
    });
    await assert.rejects(readModelFile(join(dir, "absent.onnx")), Deno.errors.NotFound);
  });
});
