/**
 * `AveragedModel`: PyTorch's `torch.optim.swa_utils.AveragedModel` for a tfjs LayersModel.
 *
 * It keeps a copy of every weight of a model and folds later versions of the model into it:
 *
 * - equal average (SWA, the default): `a ← a + (x − a)/(n + 1)`, n = models averaged so far,
 *   so after N updates `a = (x₁ + … + x_N)/N` (PyTorch `get_swa_multi_avg_fn`, a `lerp` by
 *   `1/(n + 1)`);
 * - exponential moving average when `decay` is given: `a ← decay·a + (1 − decay)·x`
 *   (PyTorch `get_ema_avg_fn`; decay outside [0, 1] is rejected, as there).
 *
 * The first update copies the model (`n = 0`). Parameters, i.e. every floating-point weight
 * except BatchNormalization moving statistics (frozen weights included, as PyTorch averages
 * every `parameters()` entry), are averaged. The BN moving mean/variance are PyTorch's
 * "buffers": averaged too with `useBuffers: true`, otherwise copied from the latest model at
 * each update ("keep the buffers in sync with the source model", PyTorch ≥ 2.0), after which
 * one normally recomputes them for the averaged weights with `updateBn`. Integer weights are
 * never averaged; they are copied from the latest model.
 * Source: torch/optim/swa_utils.py (`AveragedModel.update_parameters`, PyTorch 2.x).
 *
 * Weights are matched between models by position in a stable order (layers in `layers` order,
 * nested models flattened, each layer's weights in creation order), not by name: tfjs makes
 * weight names globally unique, so two copies of an architecture never share names. Unlike
 * `model.weights`, this order does not change when a layer is frozen.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { AveragedModel } from "./averaged_model.ts";
 *
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
 * const swa = new AveragedModel(model);
 * swa.update(model); // after each epoch of the SWA phase
 * swa.copyTo(model); // at the end (then updateBn if the model has BatchNormalization)
 * swa.dispose();
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { type ContainerLike, isBatchNorm, leafLayers, movingStats } from "./_layers.ts";

export interface AveragedModelOptions {
  /** EMA decay in [0, 1]; omitted: equal (SWA) average. */
  decay?: number;
  /** Also average BatchNormalization moving statistics (PyTorch `use_buffers`). */
  useBuffers?: boolean;
}

/** One weight of a model in the stable order, with what is needed to match it. */
interface WeightRef {
  variable: tf.LayerVariable;
  layerClass: string;
  /** "buffer": a BatchNormalization moving statistic. */
  role: "param" | "buffer";
}

interface Slot {
  name: string;
  layerClass: string;
  role: "param" | "buffer";
  shape: number[];
  dtype: tf.DataType;
  value: tf.Tensor;
}

function weightRefs(model: tf.LayersModel): WeightRef[] {
  const refs: WeightRef[] = [];
  for (const layer of leafLayers(model as unknown as ContainerLike)) {
    const buffers = new Set<tf.LayerVariable>(
      isBatchNorm(layer) && layer.built ? movingStats(layer) : [],
    );
    const weights = [...layer.weights].sort((a, b) => a.id - b.id);
    for (const variable of weights) {
      refs.push({
        variable,
        layerClass: layer.getClassName(),
        role: buffers.has(variable) ? "buffer" : "param",
      });
    }
  }
  const seen = new Set(refs.map((r) => r.variable));
  if (seen.size !== refs.length || model.weights.some((w) => !seen.has(w))) {
    throw new Error("AveragedModel: could not map the model's weights to its layers");
  }
  return refs;
}

const describe = (name: string, shape: readonly (number | null)[], dtype: string, cls: string) =>
  `${name} [${shape.join(",")}] ${dtype} (${cls})`;

export class AveragedModel {
  readonly decay: number | undefined;
  readonly useBuffers: boolean;
  #slots: Slot[];
  #nAveraged = 0;
  #disposed = false;

  /** Snapshots `model`'s weights (PyTorch deep-copies the module); nothing is averaged yet. */
  constructor(model: tf.LayersModel, { decay, useBuffers = false }: AveragedModelOptions = {}) {
    if (decay !== undefined && !(decay >= 0 && decay <= 1)) {
      throw new RangeError(`decay must be in [0, 1], got ${decay}`);
    }
    this.decay = decay;
    this.useBuffers = useBuffers;
    const refs = weightRefs(model);
    this.#slots = refs.map(({ variable, layerClass, role }) => ({
      name: variable.name,
      layerClass,
      role,
      shape: variable.shape as number[],
      dtype: variable.dtype,
      value: tf.clone(variable.read()),
    }));
  }

  /** Models folded in so far (PyTorch `n_averaged`). */
  get nAveraged(): number {
    return this.#nAveraged;
  }

  /** Folds `model`'s current weights into the averages (PyTorch `update_parameters`). */
  update(model: tf.LayersModel): void {
    const refs = this.#match(model, "update");
    const n = this.#nAveraged;
    const decay = this.decay;
    const next = tf.tidy(() =>
      this.#slots.map((slot, i) => {
        const x = refs[i].variable.read();
        const averaged = slot.dtype === "float32" && (slot.role === "param" || this.useBuffers);
        if (n === 0 || !averaged) return tf.clone(x);
        const a = slot.value;
        if (decay === undefined) return tf.add(a, tf.div(tf.sub(x, a), n + 1));
        return tf.add(tf.mul(a, decay), tf.mul(x, 1 - decay));
      })
    );
    this.#slots.forEach((slot, i) => {
      slot.value.dispose();
      slot.value = next[i];
    });
    this.#nAveraged = n + 1;
  }

  /** Writes the averaged weights into `model`, which must have the same architecture. */
  copyTo(model: tf.LayersModel): void {
    const refs = this.#match(model, "copyTo");
    tf.tidy(() => refs.forEach((ref, i) => ref.variable.write(this.#slots[i].value)));
  }

  /**
   * Copies of the averaged weights keyed by the weight names of the model given to the
   * constructor; the caller owns (and disposes) them.
   */
  getWeights(): tf.NamedTensorMap {
    this.#assertLive();
    return Object.fromEntries(this.#slots.map((s) => [s.name, tf.clone(s.value)]));
  }

  /** Frees the averaged tensors; the object is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#slots.forEach((s) => s.value.dispose());
    this.#slots = [];
    this.#disposed = true;
  }

  #assertLive(): void {
    if (this.#disposed) throw new Error("AveragedModel has been disposed");
  }

  #match(model: tf.LayersModel, what: string): WeightRef[] {
    this.#assertLive();
    const refs = weightRefs(model);
    const problems: string[] = [];
    if (refs.length !== this.#slots.length) {
      problems.push(`expected ${this.#slots.length} weights, got ${refs.length}`);
    }
    for (let i = 0; i < Math.max(refs.length, this.#slots.length); i++) {
      const s = this.#slots[i];
      const r = refs[i];
      const same = s && r && s.layerClass === r.layerClass && s.dtype === r.variable.dtype &&
        s.shape.length === r.variable.shape.length &&
        s.shape.every((d, k) => d === r.variable.shape[k]);
      if (same) continue;
      const want = s ? describe(s.name, s.shape, s.dtype, s.layerClass) : "nothing";
      const got = r
        ? describe(r.variable.name, r.variable.shape, r.variable.dtype, r.layerClass)
        : "nothing";
      problems.push(`#${i}: expected ${want}, got ${got}`);
    }
    if (problems.length > 0) {
      throw new Error(
        `AveragedModel.${what}: model "${model.name}" does not match the averaged ` +
          `architecture:\n  ${problems.join("\n  ")}`,
      );
    }
    return refs;
  }
}
