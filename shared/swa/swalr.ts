/**
 * SWALR: PyTorch's `torch.optim.swa_utils.SWALR`, step for step. Anneals each step's learning
 * rate from the optimizer's current one to `swaLr` over `annealEpochs` steps, then holds it.
 *
 * Per step s (PyTorch's `_step_count - 1`, bumped to at least 1 when annealEpochs = 0), with
 * α(t) = t (linear) or (1 − cos πt)/2 (cos) and t = clamp(s / max(1, E), 0, 1):
 *
 *   lr₀ = (lr − α(t_prev)·swa_lr) / (1 − α(t_prev))   (swa_lr when α(t_prev) = 1)
 *   lr' = swa_lr·α(t) + lr₀·(1 − α(t)),  t_prev = clamp((s − 1) / max(1, E), 0, 1)
 *
 * i.e. it recovers the pre-annealing rate from the current one, so another scheduler may have
 * moved the rate before SWALR takes over. Like PyTorch, constructing it performs step 0.
 * Source: torch/optim/swa_utils.py (1.13 and 2.x agree on this formula).
 *
 * @example
 * ```ts
 * const optimizer = { learningRate: 0.1 };
 * const scheduler = new SWALR(optimizer, { swaLr: 0.05, annealEpochs: 5, annealStrategy: "cos" });
 * for (let epoch = 0; epoch < 10; epoch++) { train(optimizer.learningRate); scheduler.step(); }
 * ```
 */

/** Anything with a mutable learning rate (a tfjs SGD optimizer has `learningRate`). */
export interface LearningRateHolder {
  learningRate: number;
}

export interface SwaLrOptions {
  swaLr: number;
  /** Steps of annealing; 0 jumps straight to swaLr. */
  annealEpochs?: number;
  annealStrategy?: "cos" | "linear";
}

const ANNEAL = {
  linear: (t: number) => t,
  cos: (t: number) => (1 - Math.cos(Math.PI * t)) / 2,
};

export class SWALR {
  readonly swaLr: number;
  readonly annealEpochs: number;
  readonly annealStrategy: "cos" | "linear";
  #stepCount = 0;

  constructor(
    readonly optimizer: LearningRateHolder,
    { swaLr, annealEpochs = 10, annealStrategy = "cos" }: SwaLrOptions,
  ) {
    if (!Number.isInteger(annealEpochs) || annealEpochs < 0) {
      throw new RangeError(`annealEpochs must be an integer >= 0, got ${annealEpochs}`);
    }
    if (!(swaLr >= 0) || !Number.isFinite(swaLr)) {
      throw new RangeError(`swaLr must be a finite number >= 0, got ${swaLr}`);
    }
    if (!(annealStrategy in ANNEAL)) {
      throw new RangeError(`annealStrategy must be "cos" or "linear", got ${annealStrategy}`);
    }
    this.swaLr = swaLr;
    this.annealEpochs = annealEpochs;
    this.annealStrategy = annealStrategy;
    this.step();
  }

  /** The learning rate now set on the optimizer. */
  get lastLr(): number {
    return this.optimizer.learningRate;
  }

  /** Advances one step (an epoch, in PyTorch's usage) and sets the optimizer's rate. */
  step(): number {
    this.#stepCount++;
    const anneal = ANNEAL[this.annealStrategy];
    let step = this.#stepCount - 1;
    if (this.annealEpochs === 0) step = Math.max(1, step);
    const span = Math.max(1, this.annealEpochs);
    const prevAlpha = anneal(Math.max(0, Math.min(1, (step - 1) / span)));
    const lr = this.optimizer.learningRate;
    const initial = prevAlpha === 1 ? this.swaLr : (lr - prevAlpha * this.swaLr) / (1 - prevAlpha);
    const alpha = anneal(Math.max(0, Math.min(1, step / span)));
    this.optimizer.learningRate = this.swaLr * alpha + initial * (1 - alpha);
    return this.optimizer.learningRate;
  }
}
