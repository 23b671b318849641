/** Builds throwaway model repositories for tests: real ONNX files from the graph builder. */
import { join } from "node:path";
import type { ModelConfigInput } from "@edgeml/shared/contracts";
import { buildMlpClassifier, encodeModel, type MlpClassifierSpec } from "@edgeml/shared/onnx";
import { toPbtxt } from "../repository/pbtxt.ts";

export interface FixtureModel {
  name: string;
  /** Triton's model configuration (JSON form). */
  config: ModelConfigInput;
  /** How the config is written: `config.json` (default) or `config.pbtxt`. */
  format?: "pbtxt" | "json";
  /** One MLP spec (or raw bytes) per version, versions numbered from 1. */
  versions: Array<Omit<MlpClassifierSpec, "name"> | Uint8Array>;
}

export const SMALL: Omit<MlpClassifierSpec, "name"> = {
  inputSize: 16,
  hiddenSizes: [32],
  numClasses: 3,
  seed: 11,
};

/** Heavy enough that a batch of 64 keeps a CPU instance busy for tens of milliseconds. */
export const SLOW: Omit<MlpClassifierSpec, "name"> = {
  inputSize: 1024,
  hiddenSizes: [1024, 1024, 1024, 1024],
  numClasses: 10,
  seed: 13,
};

export async function writeVersion(
  repo: string,
  name: string,
  version: number,
  model: Omit<MlpClassifierSpec, "name"> | Uint8Array,
): Promise<void> {
  const dir = join(repo, name, String(version));
  await Deno.mkdir(dir, { recursive: true });
  const bytes = model instanceof Uint8Array
    ? model
    : encodeModel(buildMlpClassifier({ name, ...model }));
  // Write then rename, as a deploy tool would: a reader never sees half a file.
  await Deno.writeFile(join(dir, "model.onnx.tmp"), bytes);
  await Deno.rename(join(dir, "model.onnx.tmp"), join(dir, "model.onnx"));
}

export async function createFixtureRepository(models: FixtureModel[]): Promise<string> {
  const repo = await Deno.makeTempDir({ prefix: "edgeml-repo-" });
  for (const model of models) {
    await Deno.mkdir(join(repo, model.name), { recursive: true });
    if (model.format === "pbtxt") {
      await Deno.writeTextFile(
        join(repo, model.name, "config.pbtxt"),
        toPbtxt(model.config as Record<string, unknown>),
      );
    } else {
      await Deno.writeTextFile(join(repo, model.name, "config.json"), JSON.stringify(model.config));
    }
    for (const [i, version] of model.versions.entries()) {
      await writeVersion(repo, model.name, i + 1, version);
    }
  }
  return repo;
}

/** Deterministic inputs: row r, column c gets a value depending on both and the seed. */
export function inputRows(rows: number, columns: number, seed = 0): Float32Array {
  return Float32Array.from({ length: rows * columns }, (_, i) => Math.sin(i * 0.37 + seed * 1.7));
}
