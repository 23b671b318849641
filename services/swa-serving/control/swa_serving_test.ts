/** An averaged model written back to ONNX is served by the real worker pool. */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { startPoolServer } from "@edgeml/gpu-workers";
import { createOipClient } from "@edgeml/gpu-workers/client";
import { encodeModel } from "@edgeml/shared/onnx";
import { averageToModel, createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
import { bnMlpCheckpoint } from "@edgeml/shared/swa/testing";
import { updateBn } from "./update_bn.ts";

Deno.test("SWA export: the averaged, BN-recalibrated model loads in ORT and the worker pool serves it", async () => {
  const average = [1, 2, 3].reduce(
    (state, seed) => updateAverage(state, readCheckpoint(bnMlpCheckpoint(seed))),
    createAverage({ strategy: "equal" }),
  );
  const calibration = Float32Array.from({ length: 64 }, (_, i) => Math.cos(i));
  const swa = encodeModel(
    await updateBn(averageToModel(average), calibration, [4], { batchSize: 8 }),
  );
  const repo = await Deno.makeTempDir({ prefix: "swa-serving-" });
  await Deno.mkdir(join(repo, "swa_mlp", "1"), { recursive: true });
  await Deno.writeFile(join(repo, "swa_mlp", "1", "model.onnx"), swa);
  await Deno.writeTextFile(
    join(repo, "swa_mlp", "config.pbtxt"),
    "max_batch_size: 8\n",
  );
  const server = await startPoolServer({ repository: repo, gpus: [] });
  try {
    const x = Float32Array.from({ length: 8 }, (_, i) => i / 8 - 0.5);
    const served = await createOipClient(server.url).inferBinary("swa_mlp", [
      { name: "input", datatype: "FP32", shape: [2, 4], data: x },
    ]);
    const session = await ort.InferenceSession.create(swa);
    const local = await session.run({ input: new ort.Tensor("float32", x, [2, 4]) });
    await session.release();
    assert.deepEqual(
      Array.from(served.outputs.output.data as Float32Array),
      Array.from(local.output.data as Float32Array),
    );
  } finally {
    await server.shutdown();
    await Deno.remove(repo, { recursive: true });
  }
});
