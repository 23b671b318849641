/**
 * `optimizerLearningRate`: a `{ learningRate }` view of a tfjs optimizer, so that `SWALR`
 * (which, like PyTorch's `torch.optim.swa_utils.SWALR`, reads and writes the optimizer's
 * learning rate once per step) drives a real tfjs optimizer.
 *
 * tfjs keeps the rate in a field its typings mark protected, and SGD (and Momentum, which
 * extends it) does not even read that field when stepping: it multiplies the gradient by a
 * cached scalar `−lr` that only `setLearningRate` refreshes. Assigning the field would thus
 * silently leave SGD on its old rate. Writes therefore go through `setLearningRate` where the
 * optimizer has it, and to the field otherwise (Adam, Adamax, Adagrad, Adadelta and RMSProp
 * read it at every step). The update rule stays the optimizer's, e.g. SGD's w ← w − lr·∇w.
 * Source: tfjs-core 4.x src/optimizers/*_optimizer.ts.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs";
 * import { optimizerLearningRate } from "./optimizer_lr.ts";
 * import { SWALR } from "../swalr.ts";
 *
 * const optimizer = tf.train.sgd(0.1);
 * const scheduler = new SWALR(optimizerLearningRate(optimizer), { swaLr: 0.05 });
 * ```
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { LearningRateHolder } from "../swalr.ts";

interface OptimizerInternals {
  learningRate?: unknown;
  setLearningRate?: (learningRate: number) => void;
}

/** A holder whose `learningRate` reads and sets `optimizer`'s learning rate. */
export function optimizerLearningRate(optimizer: tf.Optimizer): LearningRateHolder {
  const internals = optimizer as unknown as OptimizerInternals;
  if (typeof internals.learningRate !== "number") {
    throw new TypeError(`${optimizer.getClassName()} has no numeric learningRate to drive`);
  }
  return {
    get learningRate(): number {
      return internals.learningRate as number;
    },
    set learningRate(learningRate: number) {
      if (!Number.isFinite(learningRate)) {
        throw new RangeError(`learning rate must be finite, got ${learningRate}`);
      }
      if (typeof internals.setLearningRate === "function") {
        internals.setLearningRate.call(optimizer, learningRate);
      } else {
        internals.learningRate = learningRate;
      }
    },
  };
}
