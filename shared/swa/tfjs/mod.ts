/**
 * Stochastic Weight Averaging for tfjs LayersModels, after PyTorch's `torch.optim.swa_utils`:
 * `AveragedModel` (running equal or EMA average of a model's weights), `SWALR` (the learning
 * rate schedule of the SWA phase), `optimizerLearningRate` (lets SWALR drive a tfjs optimizer)
 * and `updateBn` (recomputes BatchNormalization statistics for the averaged weights).
 *
 * @example Two lines in the loop (plus setup and finish)
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { AveragedModel, optimizerLearningRate, SWALR, updateBn } from "./mod.ts";
 *
 * const x = tf.randomNormal([256, 2]);
 * const y = tf.cast(tf.greater(tf.sum(x, 1, true), 0), "float32");
 * const model = tf.sequential({
 *   layers: [
 *     tf.layers.dense({ units: 8, inputShape: [2], activation: "relu" }),
 *     tf.layers.batchNormalization(),
 *     tf.layers.dense({ units: 1, activation: "sigmoid" }),
 *   ],
 * });
 * const optimizer = tf.train.sgd(0.5);
 * model.compile({ optimizer, loss: "binaryCrossentropy" });
 * const swa = new AveragedModel(model);
 * const scheduler = new SWALR(optimizerLearningRate(optimizer), { swaLr: 0.2, annealEpochs: 3 });
 * for (let epoch = 0; epoch < 20; epoch++) {
 *   await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
 *   if (epoch >= 10) {
 *     swa.update(model); // line 1
 *     scheduler.step(); // line 2
 *   }
 * }
 * swa.copyTo(model);
 * updateBn(model, x);
 * swa.dispose();
 * ```
 * @module
 */
export { AveragedModel, type AveragedModelOptions } from "./averaged_model.ts";
export { type BnBatch, updateBn, type UpdateBnOptions } from "./update_bn.ts";
export { optimizerLearningRate } from "./optimizer_lr.ts";
export { type LearningRateHolder, SWALR, type SwaLrOptions } from "../swalr.ts";
