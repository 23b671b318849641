/**
 * Crash-safe persistence of SWA/SWAG state in plain files. Each save writes a new generation
 * folder (`gen-000042/…`), fsyncs it, then atomically replaces the `CURRENT` pointer; readers
 * only ever follow `CURRENT`, so a crash mid-save leaves the previous state intact and a
 * restart picks it up. Older generations are removed after the pointer moves.
 *
 * The files themselves are ONNX models, raw little-endian float32 and JSON: `ls` and any ONNX
 * tool can inspect them.
 */
import { join } from "node:path";
import { unprocessable } from "../http/problem.ts";
import { encodeModel } from "../onnx/model_io.ts";
import { type AverageOptions, type AverageState, averageToModel } from "./averaging.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { swagParametersToModel, type SwagState } from "./swag.ts";

const POINTER = "CURRENT";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function writeDurably(path: string, bytes: Uint8Array) {
  await Deno.writeFile(path, bytes);
  const file = await Deno.open(path, { read: true });
  try {
    await file.sync(); // on disk before CURRENT can point at it
  } finally {
    file.close();
  }
}

/** Writes `files` as the next generation of `dir` and points CURRENT at it. */
export async function commitGeneration(
  dir: string,
  files: Record<string, Uint8Array>,
): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const previous = await currentGeneration(dir);
  const number = previous ? Number(previous.slice(4)) + 1 : 1;
  const name = `gen-${String(number).padStart(6, "0")}`;
  const folder = join(dir, name);
  await Deno.remove(folder, { recursive: true }).catch(() => undefined); // a crashed attempt
  await Deno.mkdir(folder);
  for (const [file, bytes] of Object.entries(files)) await writeDurably(join(folder, file), bytes);
  await writeDurably(join(dir, `${POINTER}.tmp`), encoder.encode(name + "\n"));
  await Deno.rename(join(dir, `${POINTER}.tmp`), join(dir, POINTER));
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory && entry.name.startsWith("gen-") && entry.name !== name) {
      await Deno.remove(join(dir, entry.name), { recursive: true }).catch(() => undefined);
    }
  }
  return name;
}

async function currentGeneration(dir: string): Promise<string | undefined> {
  try {
    const name = (await Deno.readTextFile(join(dir, POINTER))).trim();
    return /^gen-\d{6}$/.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The files of the current generation, or undefined when nothing was ever saved. */
export async function readGeneration(
  dir: string,
  names: string[],
): Promise<Record<string, Uint8Array> | undefined> {
  const name = await currentGeneration(dir);
  if (!name) return undefined;
  const files: Record<string, Uint8Array> = {};
  for (const file of names) files[file] = await Deno.readFile(join(dir, name, file));
  return files;
}

// ---- running average ------------------------------------------------------------------------

interface AverageMeta {
  kind: "average";
  options: Required<AverageOptions>;
  n: number;
}

export async function saveAverage(dir: string, state: AverageState): Promise<void> {
  if (!state.latest) {
    throw unprocessable("empty_average", "nothing to save: no checkpoint averaged");
  }
  const meta: AverageMeta = { kind: "average", options: state.options, n: state.n };
  await commitGeneration(dir, {
    "average.onnx": encodeModel(averageToModel(state)),
    "state.json": encoder.encode(JSON.stringify(meta, null, 2) + "\n"),
  });
}

export async function loadAverage(dir: string): Promise<AverageState | undefined> {
  const files = await readGeneration(dir, ["average.onnx", "state.json"]);
  if (!files) return undefined;
  const meta = JSON.parse(decoder.decode(files["state.json"])) as AverageMeta;
  const latest = readCheckpoint(files["average.onnx"], { source: join(dir, "average.onnx") });
  return {
    options: meta.options,
    n: meta.n,
    tensors: new Map(latest.tensors.map((t) => [t.name, t.data])),
    latest,
  };
}

// ---- SWAG -------------------------------------------------------------------------------------

interface SwagMeta {
  kind: "swag";
  maxRows: number;
  n: number;
  rows: number;
  layout: SwagState["layout"];
}

const bytesOf = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const floatsOf = (b: Uint8Array) => new Float32Array(b.slice().buffer);

export async function saveSwag(dir: string, state: SwagState): Promise<void> {
  if (!state.latest) throw unprocessable("empty_swag", "nothing to save: no checkpoint collected");
  const deviations = new Float32Array(state.deviations.length * state.mean.length);
  state.deviations.forEach((row, r) => deviations.set(row, r * state.mean.length));
  const meta: SwagMeta = {
    kind: "swag",
    maxRows: state.maxRows,
    n: state.n,
    rows: state.deviations.length,
    layout: state.layout,
  };
  await commitGeneration(dir, {
    // The mean is itself a model (the SWA solution); the rest is raw float32.
    "mean.onnx": encodeModel(swagParametersToModel(state, state.mean)),
    "sq_mean.f32": bytesOf(state.sqMean),
    "deviations.f32": bytesOf(deviations),
    "state.json": encoder.encode(JSON.stringify(meta, null, 2) + "\n"),
  });
}

export async function loadSwag(dir: string): Promise<SwagState | undefined> {
  const files = await readGeneration(dir, [
    "mean.onnx",
    "sq_mean.f32",
    "deviations.f32",
    "state.json",
  ]);
  if (!files) return undefined;
  const meta = JSON.parse(decoder.decode(files["state.json"])) as SwagMeta;
  const latest = readCheckpoint(files["mean.onnx"], { source: join(dir, "mean.onnx") });
  const mean = new Float32Array(meta.layout.reduce((n, l) => n + l.size, 0));
  for (const { name, offset } of meta.layout) mean.set(latest.byName.get(name)!.data, offset);
  const all = floatsOf(files["deviations.f32"]);
  const deviations = Array.from(
    { length: meta.rows },
    (_, r) => all.slice(r * mean.length, (r + 1) * mean.length),
  );
  return {
    maxRows: meta.maxRows,
    n: meta.n,
    layout: meta.layout,
    mean,
    sqMean: floatsOf(files["sq_mean.f32"]),
    deviations,
    latest,
  };
}
