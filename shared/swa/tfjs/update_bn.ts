/**
 * `updateBn`: PyTorch's `torch.optim.swa_utils.update_bn` for a tfjs LayersModel.
 *
 * Averaged weights come with stale BatchNormalization statistics, so after
 * `AveragedModel.copyTo` one recomputes them with one pass over the training data. For every
 * BatchNormalization layer, over the B batches of `data`:
 *
 *   moving_mean     = (1/B) Σ_b mean_b(x)
 *   moving_variance = (1/B) Σ_b var_b(x) · n_b/(n_b − 1)
 *
 * where x is the layer's input for batch b, statistics run over every axis but the layer's
 * channel `axis` (the last one, by default, in tfjs), and n_b is the number of values per
 * channel. This is PyTorch's cumulative average (`momentum = None`) of its per-batch
 * statistics, which use the unbiased variance; every batch weighs the same, the last partial
 * batch included (a DataLoader without `drop_last`). As in PyTorch the forward pass runs in
 * training mode: each BatchNormalization layer normalises its batch with that batch's mean and
 * biased variance (and its gamma, beta, epsilon), so deeper layers see what they saw in
 * training, and other layers run with `training: true` (Dropout is active, as in PyTorch).
 * Source: torch/optim/swa_utils.py (`update_bn`) and torch/nn/modules/batchnorm.py.
 *
 * Only the moving statistics change. The model must be a Sequential model or a functional
 * model whose layers form one chain (nested models that contain BatchNormalization must form
 * chains too); a model without BatchNormalization is left as it is, like PyTorch. Deviations
 * from PyTorch: data without any batch is an error (PyTorch would leave the statistics reset
 * to 0 and 1), and a batch with one value per channel is an error before anything is written.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { updateBn } from "./update_bn.ts";
 *
 * const model = tf.sequential({
 *   layers: [tf.layers.dense({ units: 4, inputShape: [2] }), tf.layers.batchNormalization()],
 * });
 * updateBn(model, tf.randomNormal([100, 2]), { batchSize: 32 }); // batches of 32, 32, 32, 4
 * ```
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  type BatchNormLayer,
  type ContainerLike,
  containsBatchNorm,
  isBatchNorm,
  isContainer,
  leafLayers,
  movingStats,
} from "./_layers.ts";

export interface UpdateBnOptions {
  /** Batch size used to split a tensor `data` along its first axis (default 32). */
  batchSize?: number;
}

/** A batch, or a PyTorch-style `[input, target, ...]` tuple whose first item is the input. */
export type BnBatch = tf.Tensor | readonly [tf.Tensor, ...unknown[]];

type Step =
  | { bn: true; layer: BatchNormLayer }
  | { bn: false; layer: tf.layers.Layer; tensorIndex: number };

/** The internal node of a tfjs layer call (tfjs-layers engine/topology.js `Node`). */
interface NodeLike {
  inputTensors: tf.SymbolicTensor[];
}

function chainError(model: tf.layers.Layer, why: string): Error {
  return new Error(
    `updateBn needs a Sequential model or a functional model whose layers form a single ` +
      `chain; "${model.name}" does not: ${why}`,
  );
}

/** The layers from `model`'s input to its output, nested models holding BN flattened. */
function chainSteps(model: ContainerLike): Step[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw chainError(
      model,
      `it has ${model.inputs.length} inputs and ${model.outputs.length} outputs`,
    );
  }
  const input = model.inputs[0];
  const reversed: Step[][] = [];
  let t = model.outputs[0];
  while (t.id !== input.id) {
    const layer = t.sourceLayer;
    const node = (layer as unknown as { inboundNodes: NodeLike[] }).inboundNodes[t.nodeIndex];
    if (layer.getClassName() === "InputLayer" || node == null) {
      throw chainError(model, `reached input layer "${layer.name}", not the model's input`);
    }
    if (node.inputTensors.length !== 1) {
      throw chainError(model, `layer "${layer.name}" takes ${node.inputTensors.length} inputs`);
    }
    if (isBatchNorm(layer)) reversed.push([{ bn: true, layer }]);
    else if (isContainer(layer) && containsBatchNorm(layer)) reversed.push(chainSteps(layer));
    else reversed.push([{ bn: false, layer, tensorIndex: t.tensorIndex }]);
    t = node.inputTensors[0];
  }
  return reversed.reverse().flat();
}

/** Axis-0 slices of a tensor, or the items of an iterable, as batches. */
function* batchesOf(
  data: tf.Tensor | Iterable<BnBatch>,
  batchSize: number,
): Generator<{ get: () => tf.Tensor }> {
  if (data instanceof tf.Tensor) {
    if (data.rank < 1) throw new RangeError("updateBn: data must have a batch axis");
    const n = data.shape[0];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      yield { get: () => tf.slice(data, start, size) };
    }
    return;
  }
  for (const item of data) {
    const batch = item instanceof tf.Tensor ? item : item[0];
    if (!(batch instanceof tf.Tensor)) {
      throw new TypeError("updateBn: each batch must be a tensor or [input, ...] tuple");
    }
    yield { get: () => batch };
  }
}

/**
 * Recomputes every BatchNormalization layer's moving mean and variance of `model` from
 * `data` (a tensor split into batches of `batchSize`, or an iterable of batches).
 */
export function updateBn(
  model: tf.LayersModel,
  data: tf.Tensor | Iterable<BnBatch>,
  { batchSize = 32 }: UpdateBnOptions = {},
): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const container = model as unknown as ContainerLike;
  const bnLayers = leafLayers(container).filter(isBatchNorm);
  if (bnLayers.length === 0) return;
  const steps = chainSteps(container);
  const bnSteps = steps.filter((s): s is Extract<Step, { bn: true }> => s.bn);
  for (const layer of bnLayers) {
    const uses = bnSteps.filter((s) => s.layer === layer).length;
    if (uses !== 1) {
      throw chainError(model, `BatchNormalization "${layer.name}" is used ${uses} times`);
    }
  }
  bnSteps.forEach((s) => movingStats(s.layer));

  // Per BN layer: running sums of batch means and unbiased variances.
  let sums: tf.Tensor[] = [];
  let batches = 0;
  try {
    for (const batch of batchesOf(data, batchSize)) {
      const next = tf.tidy(() => {
        let x = batch.get();
        const stats: tf.Tensor[] = [];
        for (const step of steps) {
          if (!step.bn) {
            const y = step.layer.apply(x, { training: true });
            x = Array.isArray(y) ? y[step.tensorIndex] as tf.Tensor : y as tf.Tensor;
            continue;
          }
          const layer = step.layer;
          const axis = layer.axis < 0 ? layer.axis + x.rank : layer.axis;
          const channels = x.shape[axis];
          const perChannel = x.size / channels;
          if (perChannel < 2) {
            throw new RangeError(
              `updateBn: BatchNormalization "${layer.name}" got a batch with ` +
                `${perChannel} value per channel (shape [${x.shape}]); its variance is undefined`,
            );
          }
          const axes = [...Array(x.rank).keys()].filter((a) => a !== axis);
          const { mean, variance } = tf.moments(x, axes);
          stats.push(mean, tf.mul(variance, perChannel / (perChannel - 1)));
          const bshape = x.shape.map((d, a) => (a === axis ? d : 1));
          let y = tf.mul(
            tf.sub(x, tf.reshape(mean, bshape)),
            tf.rsqrt(tf.add(tf.reshape(variance, bshape), layer.epsilon)),
          );
          if (layer.gamma) y = tf.mul(y, tf.reshape(layer.gamma.read(), bshape));
          if (layer.beta) y = tf.add(y, tf.reshape(layer.beta.read(), bshape));
          x = y;
        }
        return batches === 0 ? stats : stats.map((s, i) => tf.add(sums[i], s));
      });
      tf.dispose(sums);
      sums = next;
      batches++;
    }
    if (batches === 0) throw new RangeError("updateBn: data holds no batch");
    tf.tidy(() =>
      bnSteps.forEach(({ layer }, i) => {
        const [movingMean, movingVariance] = movingStats(layer);
        movingMean.write(tf.div(sums[2 * i], batches));
        movingVariance.write(tf.div(sums[2 * i + 1], batches));
      })
    );
  } finally {
    tf.dispose(sums);
  }
}
