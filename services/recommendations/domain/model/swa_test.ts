import assert from "node:assert/strict";
import { createGraphBuilder, encodeModel, mulberry32 } from "@edgeml/shared/onnx";
import { createAverage, readCheckpoint, updateAverage } from "@edgeml/shared/swa";
import { createTableAverage, foldTables } from "./swa.ts";

/** A one-initializer ONNX checkpoint holding `w`, for shared/swa's reference averaging. */
function checkpoint(w: Float32Array) {
  const b = createGraphBuilder("ckpt");
  const x = b.input("x", "float32", [w.length]);
  b.output(b.node("Add", [x, b.initializer("w", w, [w.length])], 1)[0], "y", "float32", [
    w.length,
  ]);
  return readCheckpoint(encodeModel(b.build()));
}

Deno.test("foldTables equals shared/swa's equal average (torch AveragedModel) bit for bit", () => {
  const random = mulberry32(4);
  let reference = createAverage({ strategy: "equal" });
  const ours = createTableAverage();
  for (let epoch = 0; epoch < 4; epoch++) {
    const w = Float32Array.from({ length: 257 }, () => (random() - 0.5) * 10 ** (epoch - 1));
    reference = updateAverage(reference, checkpoint(w));
    foldTables(ours, new Map([["w", w]]));
  }
  assert.equal(ours.n, 4);
  assert.deepEqual(ours.tables.get("w"), reference.tensors.get("w"));
});

Deno.test("foldTables copies on the first fold, so later training does not move the average", () => {
  const w = Float32Array.from([1, 2]);
  const average = createTableAverage();
  foldTables(average, new Map([["w", w]]));
  w[0] = 5;
  assert.deepEqual([...average.tables.get("w")!], [1, 2]);
});
