/** Reads the PyTorch fixtures of `control/testdata` (written by tools/swa_fixtures). */
import { join } from "node:path";
import { type Checkpoint, readCheckpoint } from "@edgeml/shared/swa";

export const TESTDATA = new URL("../testdata/", import.meta.url).pathname;

export interface FixtureFile {
  file: string;
  shape?: number[];
}

export interface FixtureMetrics {
  accuracy: number;
  nll: number;
}

export interface ModelFixture {
  input_shape: (string | number)[];
  runs: { run: number; seed: number; checkpoints: { file: string; epoch: number }[] }[];
  ema_decay: number;
  update_bn_batch_size: number;
  swag_K: number;
  expected: {
    files: Record<string, FixtureFile>;
    test_metrics: Record<string, FixtureMetrics>;
    swag_parameter_order: { name: string; shape: number[]; numel: number }[];
  };
}

export interface Manifest {
  data: {
    x: { file: string; shape: number[] };
    y: { file: string };
    test_indices: number[];
    calibration_indices: number[];
  };
  models: Record<string, ModelFixture>;
  swalr: string;
}

export const manifest: Manifest = JSON.parse(
  Deno.readTextFileSync(join(TESTDATA, "manifest.json")),
);

export const readFixture = (file: string): Uint8Array => Deno.readFileSync(join(TESTDATA, file));

export function readFloats(file: string): Float32Array {
  return new Float32Array(readFixture(file).slice().buffer);
}

/** Rows of the digits data, in the given index order, flattened (64 floats a row). */
export function digitsRows(indices: readonly number[]): Float32Array {
  const x = readFloats(manifest.data.x.file);
  const width = manifest.data.x.shape[1];
  const out = new Float32Array(indices.length * width);
  indices.forEach((row, i) => out.set(x.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

export function digitsLabels(indices: readonly number[]): Uint8Array {
  const y = readFixture(manifest.data.y.file);
  return Uint8Array.from(indices, (i) => y[i]);
}

/** Per-row shape of a model's input (the dims after "batch"). */
export const rowShape = (model: ModelFixture): number[] => model.input_shape.slice(1) as number[];

/** The SWA-phase checkpoints of one training run, in epoch order. */
export function fixtureCheckpoints(model: ModelFixture, run = 0): Checkpoint[] {
  return model.runs[run].checkpoints.map((c) =>
    readCheckpoint(readFixture(c.file), { source: c.file })
  );
}
