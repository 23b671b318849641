/**
 * Stochastic Weight Averaging (Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima
 * and Better Generalization", Algorithm 1) of the model's embedding tables: the equal average of
 * the weights at the end of each of the last k epochs, folded in one epoch at a time,
 *
 *   a₁ = x₁,   aₙ₊₁ = aₙ + (xₙ₊₁ − aₙ) / (n + 1)
 *
 * in float32 by `shared/swa`'s own kernel (`foldEqualAverage`, torch.optim.swa_utils
 * `AveragedModel`'s operation order); the test checks it bit for bit against that module. This
 * one averages typed arrays in place of ONNX checkpoints, so an epoch costs no model encoding.
 * @module
 */
import { foldEqualAverage } from "@edgeml/shared/swa";

export interface TableAverage {
  /** Epochs folded in so far (PyTorch's `n_averaged`). */
  n: number;
  tables: Map<string, Float32Array>;
}

export function createTableAverage(): TableAverage {
  return { n: 0, tables: new Map() };
}

/** Folds the current tables into the average (copying them on the first call). */
export function foldTables(
  average: TableAverage,
  tables: ReadonlyMap<string, Float32Array>,
): void {
  const count = average.n + 1;
  for (const [name, x] of tables) {
    const a = average.tables.get(name);
    if (average.n === 0 || !a) {
      average.tables.set(name, x.slice());
      continue;
    }
    if (a.length !== x.length) throw new RangeError(`table ${name} changed size while averaging`);
    foldEqualAverage(a, x, count);
  }
  average.n = count;
}
