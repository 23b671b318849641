import assert from "node:assert/strict";
import { join } from "node:path";
import { checkpointFiles, naturalCompare } from "./checkpoint_files.ts";

Deno.test("natural order compares digit runs as numbers", () => {
  const names = [
    "epoch_10.onnx",
    "epoch_2.onnx",
    "epoch_1.onnx",
    "epoch_100.onnx",
    "epoch_20.onnx",
  ];
  assert.deepEqual(names.sort(naturalCompare), [
    "epoch_1.onnx",
    "epoch_2.onnx",
    "epoch_10.onnx",
    "epoch_20.onnx",
    "epoch_100.onnx",
  ]);
  assert.deepEqual(["run2-step10", "run10-step2", "run2-step9"].sort(naturalCompare), [
    "run2-step9",
    "run2-step10",
    "run10-step2",
  ]);
});

Deno.test("natural order is total: names equal to the collator still get a fixed order", () => {
  assert.notEqual(naturalCompare("a.onnx", "A.onnx"), 0);
  assert.equal(naturalCompare("a", "a"), 0);
});

Deno.test("a folder gives its .onnx files in natural order; files keep the given order", async () => {
  const dir = await Deno.makeTempDir({ prefix: "swa-cli-upload-" });
  try {
    for (const name of ["epoch_10.onnx", "epoch_2.onnx", "notes.txt", "epoch_1.ONNX"]) {
      await Deno.writeFile(join(dir, name), new Uint8Array(name.length));
    }
    await Deno.mkdir(join(dir, "sub.onnx"));
    const extra = join(dir, "notes.txt");
    const files = await checkpointFiles([extra, dir]);
    assert.deepEqual(files, [
      { path: extra, bytes: 9 },
      { path: join(dir, "epoch_1.ONNX"), bytes: 12 },
      { path: join(dir, "epoch_2.onnx"), bytes: 12 },
      { path: join(dir, "epoch_10.onnx"), bytes: 13 },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a folder without checkpoints is an error naming it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "swa-cli-upload-" });
  try {
    await assert.rejects(checkpointFiles([dir]), new RegExp(`no \\*\\.onnx files in ${dir}`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
