/**
 * Internal helpers shared by `averaged_model.ts` and `update_bn.ts`: walking a tfjs
 * LayersModel's layers (nested models included) and reaching a BatchNormalization layer's
 * weights, which tfjs keeps in fields its typings mark private.
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** A layer that holds other layers: a LayersModel / Sequential nested in a model. */
export interface ContainerLike extends tf.layers.Layer {
  layers: tf.layers.Layer[];
  inputs: tf.SymbolicTensor[];
  outputs: tf.SymbolicTensor[];
}

/** The runtime fields of tfjs's BatchNormalization layer (tfjs-layers normalization.js). */
export interface BatchNormLayer extends tf.layers.Layer {
  axis: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean?: tf.LayerVariable;
  movingVariance?: tf.LayerVariable;
}

export function isContainer(layer: tf.layers.Layer): layer is ContainerLike {
  const l = layer as Partial<ContainerLike>;
  return Array.isArray(l.layers) && Array.isArray(l.inputs) && Array.isArray(l.outputs);
}

export function isBatchNorm(layer: tf.layers.Layer): layer is BatchNormLayer {
  return layer.getClassName() === "BatchNormalization";
}

/** The non-container layers of `model`, depth first in `layers` order, each once. */
export function leafLayers(model: ContainerLike): tf.layers.Layer[] {
  const out: tf.layers.Layer[] = [];
  const seen = new Set<tf.layers.Layer>();
  const visit = (layer: tf.layers.Layer) => {
    if (seen.has(layer)) return;
    seen.add(layer);
    if (isContainer(layer)) layer.layers.forEach(visit);
    else out.push(layer);
  };
  model.layers.forEach(visit);
  return out;
}

/** Whether `layer` is a BatchNormalization layer or a container holding one. */
export function containsBatchNorm(layer: tf.layers.Layer): boolean {
  return isContainer(layer) ? leafLayers(layer).some(isBatchNorm) : isBatchNorm(layer);
}

/** Moving statistics of a built BatchNormalization layer, or an error naming the layer. */
export function movingStats(layer: BatchNormLayer): [tf.LayerVariable, tf.LayerVariable] {
  if (!layer.built || layer.movingMean == null || layer.movingVariance == null) {
    throw new Error(`BatchNormalization layer "${layer.name}" is not built (call the model first)`);
  }
  return [layer.movingMean, layer.movingVariance];
}
