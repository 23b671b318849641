/**
 * Training of the two-tower model, as Personalize's `trainingMode`:
 *
 * - FULL: from a seeded initialisation, `epochs` passes of sampled softmax + Adam (epoch.ts)
 *   over every event after a user's first; the returned weights are the SWA average
 *   (swa.ts, Izmailov et al. 2018) of the weights at the end of each of the last `swaEpochs`
 *   epochs (1: plain last-epoch weights).
 * - UPDATE: the previous version's weights with new items and users folded in (their id rows
 *   start at zero, so a new item's vector is its metadata part and a new user's is built from
 *   their events), then `epochs` warm-started passes whose targets are only the events after
 *   `since`; histories still read the older events. The cost is O(events since `since`), not
 *   O(all events).
 *
 * @example
 * ```ts
 * const full = trainFull(data, { epochs: 10, swaEpochs: 3 });
 * const update = trainUpdate(full.model, biggerData, { since: lastTrainingTime });
 * const q = itemVectors(update.model); // [numItems, d + 1], for the scorer
 * ```
 * @module
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import { createTrainer, type EpochPlan, runEpoch } from "./epoch.ts";
import { groupByUser, type UserSequences } from "./sequences.ts";
import { createTableAverage, foldTables } from "./swa.ts";
import {
  initTwoTower,
  PARAMETER_TABLES,
  type TwoTowerConfig,
  type TwoTowerModel,
} from "./two_tower.ts";
import type { TrainingData } from "./types.ts";

export interface TrainOptions extends Partial<TwoTowerConfig> {
  /** Passes over the data (FULL default 10, UPDATE default 2). */
  epochs?: number;
  /** Average the weights of the last k epochs (FULL default 3, UPDATE default 1 = no SWA). */
  swaEpochs?: number;
  /** Adam step size α (FULL default 0.01, UPDATE default 0.005). */
  learningRate?: number;
  /** Negatives per target (default 16). */
  negatives?: number;
  /** Targets per mini-batch (default 1024). */
  batchSize?: number;
  /** L2 penalty on touched rows (default 0). */
  l2?: number;
  seed?: number;
  /** Called after each epoch with the fraction done and a stage label. */
  onProgress?: (fraction: number, stage: string) => void;
}

export interface TrainResult {
  model: TwoTowerModel;
  trainingMode: "FULL" | "UPDATE";
  /** Mean sampled-softmax loss of each epoch. */
  epochLosses: number[];
  /** Targets per epoch. */
  targets: number;
  /** Wall-clock seconds. */
  seconds: number;
}

/** FULL training from scratch. */
export function trainFull(data: TrainingData, options: TrainOptions = {}): TrainResult {
  const seed = options.seed ?? 1;
  const model = initTwoTower({
    numItems: data.numItems,
    numItemTokens: data.numItemTokens,
    numUserTokens: data.numUserTokens,
    itemTokens: data.itemTokens,
    dim: options.dim,
    halfLife: options.halfLife,
    historyLength: options.historyLength,
    seed,
  });
  const sequences = groupByUser(data.interactions, data.numUsers);
  const targetStart = new Int32Array(data.numUsers).fill(1);
  return fit(model, data, sequences, targetStart, "FULL", {
    epochs: 10,
    swaEpochs: 3,
    learningRate: 0.01,
    ...options,
  });
}

export interface UpdateOptions extends Omit<TrainOptions, keyof TwoTowerConfig> {
  /** Events strictly after this time (epoch s) are the UPDATE's targets. */
  since: number;
  /**
   * Fewest Adam steps an UPDATE takes (default 40): with few new events the mini-batches shrink
   * so that a handful of clicks still moves the model; the cost stays O(new events).
   */
  minSteps?: number;
}

/** UPDATE: fold in new items and users, then a few warm-started passes on the new events. */
export function trainUpdate(
  previous: TwoTowerModel,
  data: TrainingData,
  options: UpdateOptions,
): TrainResult {
  const model = foldIn(previous, data);
  const sequences = groupByUser(data.interactions, data.numUsers);
  const targetStart = new Int32Array(data.numUsers);
  for (let u = 0; u < data.numUsers; u++) {
    const start = sequences.offsets[u];
    const end = sequences.offsets[u + 1];
    let k = start;
    while (k < end && sequences.times[k] <= options.since) k++;
    targetStart[u] = k - start;
  }
  let targets = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const events = sequences.offsets[u + 1] - sequences.offsets[u];
    targets += Math.max(0, events - Math.max(1, targetStart[u]));
  }
  const { minSteps = 40, ...rest } = options;
  const settings = { epochs: 2, swaEpochs: 1, learningRate: 0.005, batchSize: 1024, ...rest };
  const batchSize = Math.max(
    1,
    Math.min(settings.batchSize, Math.ceil((targets * settings.epochs) / minSteps)),
  );
  return fit(model, data, sequences, targetStart, "UPDATE", { ...settings, batchSize });
}

/**
 * The previous model grown to `data`'s catalogue: old rows copied, new id rows zero (a new
 * item is its metadata), new token rows zero, item token lists replaced by `data`'s.
 */
export function foldIn(previous: TwoTowerModel, data: TrainingData): TwoTowerModel {
  const d = previous.dim;
  const grow = (table: Float32Array, rows: number, width: number) => {
    if (rows * width < table.length) {
      throw new RangeError("UPDATE cannot shrink the catalogue; train FULL instead");
    }
    const out = new Float32Array(rows * width);
    out.set(table);
    return out;
  };
  return {
    ...previous,
    numItems: data.numItems,
    numItemTokens: data.numItemTokens,
    numUserTokens: data.numUserTokens,
    itemTokens: data.itemTokens,
    itemOut: grow(previous.itemOut, data.numItems, d + 1),
    tokenOut: grow(previous.tokenOut, data.numItemTokens, d + 1),
    itemIn: grow(previous.itemIn, data.numItems, d),
    tokenIn: grow(previous.tokenIn, data.numItemTokens, d),
    userToken: grow(previous.userToken, data.numUserTokens, d),
  };
}

type FitOptions = TrainOptions & Required<Pick<TrainOptions, "epochs" | "swaEpochs">> & {
  learningRate: number;
};

function fit(
  model: TwoTowerModel,
  data: TrainingData,
  sequences: UserSequences,
  targetStart: Int32Array,
  trainingMode: "FULL" | "UPDATE",
  options: FitOptions,
): TrainResult {
  const started = performance.now();
  const { epochs, swaEpochs, negatives = 16, batchSize = 1024, l2 = 0, seed = 1 } = options;
  if (!(epochs >= 1) || !(swaEpochs >= 1) || swaEpochs > epochs) {
    throw new RangeError(`need 1 ≤ swaEpochs (${swaEpochs}) ≤ epochs (${epochs})`);
  }
  const random = mulberry32(seed ^ 0x9e3779b9);
  const users = Int32Array.from({ length: data.numUsers }, (_, u) => u);
  const plan: EpochPlan = {
    sequences,
    userTokens: data.userTokens,
    users,
    targetStart,
    negativePool: activeItems(data),
  };
  const trainer = createTrainer(model);
  const average = createTableAverage();
  const epochLosses: number[] = [];
  let targets = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    shuffle(users, random);
    const result = runEpoch(trainer, plan, {
      negatives,
      batchSize,
      l2,
      random,
      adam: { learningRate: options.learningRate },
    });
    epochLosses.push(result.loss);
    targets = result.targets;
    if (epoch >= epochs - swaEpochs && swaEpochs > 1) {
      foldTables(average, new Map(PARAMETER_TABLES.map((name) => [name, model[name]])));
    }
    options.onProgress?.((epoch + 1) / epochs, `${trainingMode} epoch ${epoch + 1}/${epochs}`);
  }
  const trained = { ...model };
  for (const [name, table] of average.tables) {
    trained[name as typeof PARAMETER_TABLES[number]] = table;
  }
  return {
    model: trained,
    trainingMode,
    epochLosses,
    targets,
    seconds: (performance.now() - started) / 1000,
  };
}

/** Items with at least one interaction: the pool negatives are drawn from. */
export function activeItems(data: TrainingData): Int32Array {
  const seen = new Uint8Array(data.numItems);
  for (const i of data.interactions.item) seen[i] = 1;
  const out: number[] = [];
  for (let i = 0; i < data.numItems; i++) if (seen[i]) out.push(i);
  return Int32Array.from(out);
}

/** Fisher–Yates shuffle in place. */
export function shuffle(values: Int32Array, random: () => number): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = (random() * (i + 1)) | 0;
    const t = values[i];
    values[i] = values[j];
    values[j] = t;
  }
}
