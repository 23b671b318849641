/**
 * Weight averaging of checkpoints, as torch.optim.swa_utils.AveragedModel does it:
 *
 *   equal (SWA, Izmailov et al. 2018):  a₁ = x₁,  aₙ₊₁ = aₙ + (xₙ₊₁ − aₙ) / (n + 1)
 *   EMA:                                a₁ = x₁,  aₙ₊₁ = decay·aₙ + (1 − decay)·xₙ₊₁
 *
 * Arithmetic is float32, operation by operation in PyTorch's order, so results match it to the
 * last bit rather than to a tolerance. BatchNorm running statistics are averaged the same way
 * with `useBuffers`, otherwise copied from the latest checkpoint (PyTorch ≥ 2.0); integer
 * initializers are never averaged. An update returns a new state and never mutates the old
 * one, so a failed update leaves the previous state intact.
 */
import { unprocessable } from "../errors/domain_error.ts";
import { setInitializer } from "../onnx/initializers.ts";
import { decodeModel, encodeModel } from "../onnx/model_io.ts";
import type { onnx } from "../onnx/proto.ts";
import { assertSameArchitecture, type Checkpoint } from "./checkpoint.ts";

export interface AverageOptions {
  strategy: "equal" | "ema";
  /** EMA weight of the running average, in [0, 1]. */
  decay?: number;
  /** Average BatchNorm running statistics too (PyTorch's `use_buffers`). */
  useBuffers?: boolean;
}

export interface AverageState {
  options: Required<AverageOptions>;
  /** Checkpoints averaged so far (PyTorch's `n_averaged`). */
  n: number;
  /** Averaged (or, for buffers without useBuffers, copied) float tensors by name. */
  tensors: Map<string, Float32Array>;
  /** The latest checkpoint: architecture reference and template for export. */
  latest?: Checkpoint;
}

const f = Math.fround;

export function createAverage(options: AverageOptions): AverageState {
  const { strategy, decay = 0.999, useBuffers = false } = options;
  if (strategy !== "equal" && strategy !== "ema") {
    throw unprocessable("invalid_strategy", `strategy must be "equal" or "ema", got ${strategy}`);
  }
  if (strategy === "ema" && !(decay >= 0 && decay <= 1)) {
    throw unprocessable("invalid_decay", `EMA decay must be in [0, 1], got ${decay}`);
  }
  return { options: { strategy, decay, useBuffers }, n: 0, tensors: new Map() };
}

/**
 * SWA's equal average, one weight vector more: out = a + (x − a) / count in float32, operation
 * by operation as torch's `AveragedModel` (count = n + 1; `out` may be `a` itself).
 */
export function foldEqualAverage(
  a: Float32Array,
  x: Float32Array,
  count: number,
  out: Float32Array = a,
): void {
  for (let i = 0; i < x.length; i++) out[i] = f(a[i] + f(f(x[i] - a[i]) / count));
}

/** Folds one checkpoint into the average; the input state is left untouched. */
export function updateAverage(
  state: AverageState,
  checkpoint: Checkpoint,
  source = "checkpoint",
): AverageState {
  if (state.latest) assertSameArchitecture(state.latest, checkpoint, source);
  const { strategy, decay, useBuffers } = state.options;
  const n = state.n;
  const decay32 = f(decay);
  const keep32 = f(1 - decay);
  const tensors = new Map<string, Float32Array>();
  for (const tensor of checkpoint.tensors) {
    const x = tensor.data;
    const averaged = tensor.role === "parameter" || useBuffers;
    const a = state.tensors.get(tensor.name);
    if (!averaged || n === 0 || !a) {
      tensors.set(tensor.name, x.slice());
      continue;
    }
    const out = new Float32Array(x.length);
    if (strategy === "equal") {
      foldEqualAverage(a, x, n + 1, out);
    } else {
      for (let i = 0; i < x.length; i++) out[i] = f(f(decay32 * a[i]) + f(keep32 * x[i]));
    }
    tensors.set(tensor.name, out);
  }
  return { options: state.options, n: n + 1, tensors, latest: checkpoint };
}

/** The averaged weights written into a copy of the latest checkpoint's graph. */
export function averageToModel(state: AverageState): onnx.ModelProto {
  if (!state.latest) {
    throw unprocessable("empty_average", "no checkpoint has been averaged yet");
  }
  return withTensors(state.latest.model, state.tensors);
}

/** A copy of `model` with the given float32 initializers replaced. */
export function withTensors(
  model: onnx.IModelProto,
  tensors: ReadonlyMap<string, Float32Array>,
): onnx.ModelProto {
  const copy = decodeModel(encodeModel(model));
  for (const [name, data] of tensors) setInitializer(copy, name, data);
  return copy;
}
