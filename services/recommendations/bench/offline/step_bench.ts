/**
 * Measures one training step of the two-tower model's sampled-softmax objective at the
 * benchmark's sizes (10k items, 16k item-token buckets, d = 32, 16 negatives, history of 50,
 * ~6 tokens per item) two ways: tfjs's pure-JS CPU backend (gathers + Adam over dense variables,
 * as `optimizer.minimize` does) and the hand-written typed-array kernel (`runEpoch`, row-wise
 * Adam). Prints milliseconds per target for each (typed arrays: median of 3 epochs over 200k
 * interactions; tfjs: one step, as a step takes minutes). tfjs is that slow because the gradient
 * of `gather` is `unsortedSegmentSum`, which tfjs-backend-cpu 4.22 runs as one masked sum over
 * the whole batch per table row (O(rows × batch × d) per step).
 *
 *   deno run --allow-all services/recommendations/bench/offline/step_bench.ts
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { mulberry32 } from "@edgeml/shared/onnx";
import { createTrainer, runEpoch } from "../../domain/model/epoch.ts";
import { groupByUser } from "../../domain/model/sequences.ts";
import { hashMetadataTokens } from "../../domain/model/tokens.ts";
import { initTwoTower } from "../../domain/model/two_tower.ts";
import { activeItems } from "../../domain/model/train.ts";
import { generateSynthetic } from "./synthetic.ts";

const D = 32;
const NEG = 16;
const L = 50;
const T = 7;
const ITEM_TOKENS = 1 << 14;
const RUNS = 3;
const TFJS_RUNS = 1;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function tfjsStep(batch: number): Promise<number> {
  await tf.setBackend("cpu");
  const ds = generateSynthetic({ interactions: 50_000, users: 2000, items: 10_000, seed: 3 });
  const items = ds.numItems;
  const random = mulberry32(5);
  const itemOut = tf.variable(tf.randomNormal([items, D + 1], 0, 0.01));
  const tokenOut = tf.variable(tf.randomNormal([ITEM_TOKENS, D + 1], 0, 0.1));
  const itemIn = tf.variable(tf.randomNormal([items, D], 0, 0.01));
  const tokenIn = tf.variable(tf.randomNormal([ITEM_TOKENS, D], 0, 0.1));
  const int = (shape: number[], max: number) =>
    tf.tensor(
      Int32Array.from({ length: shape.reduce((a, b) => a * b) }, () => (random() * max) | 0),
      shape,
      "int32",
    );
  const histItems = int([batch, L], items);
  const histWeights = tf.div(tf.ones([batch, L]), L);
  const histTokens = int([batch, L, T], ITEM_TOKENS);
  const cand = int([batch, NEG + 1], items);
  const candTokens = int([batch, NEG + 1, T], ITEM_TOKENS);
  const labels = tf.oneHot(tf.zeros([batch], "int32"), NEG + 1);
  const optimizer = tf.train.adam(0.01);
  const step = () =>
    optimizer.minimize(() => {
      const p = tf.add(tf.gather(itemIn, histItems), tf.mean(tf.gather(tokenIn, histTokens), 2));
      const u = tf.sum(tf.mul(p, tf.expandDims(histWeights, 2)), 1);
      const u1 = tf.concat([u, tf.ones([batch, 1])], 1);
      const q = tf.add(tf.gather(itemOut, cand), tf.mean(tf.gather(tokenOut, candTokens), 2));
      const logits = tf.sum(tf.mul(q, tf.expandDims(u1, 1)), 2);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    });
  const times: number[] = [];
  for (let r = 0; r < TFJS_RUNS; r++) {
    const t = performance.now();
    tf.tidy(() => {
      step();
    });
    times.push(performance.now() - t);
  }
  return median(times) / batch;
}

function typedArrayStep(batch: number): number {
  const ds = generateSynthetic({ interactions: 200_000, users: 4000, items: 10_000, seed: 3 });
  const itemTokens = hashMetadataTokens(ds.itemMetadata, ITEM_TOKENS);
  const userTokens = hashMetadataTokens(ds.userMetadata, 1024);
  const data = {
    interactions: ds.interactions,
    numUsers: ds.numUsers,
    numItems: ds.numItems,
    itemTokens,
    numItemTokens: ITEM_TOKENS,
    userTokens,
    numUserTokens: 1024,
  };
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const model = initTwoTower({ ...data, dim: D, historyLength: L });
    const trainer = createTrainer(model);
    const sequences = groupByUser(ds.interactions, ds.numUsers);
    const plan = {
      sequences,
      userTokens,
      users: Int32Array.from({ length: ds.numUsers }, (_, u) => u),
      targetStart: new Int32Array(ds.numUsers).fill(1),
      negativePool: activeItems(data),
    };
    const t = performance.now();
    const result = runEpoch(trainer, plan, {
      negatives: NEG,
      batchSize: batch,
      l2: 0,
      random: mulberry32(r),
      adam: { learningRate: 0.01 },
    });
    times.push((performance.now() - t) / result.targets);
  }
  return median(times);
}

if (import.meta.main) {
  console.log("| kernel | batch | ms per target | s per 1M targets (one epoch) |");
  console.log("|---|---|---|---|");
  for (const batch of Deno.args.includes("--tfjs-only") ? [] : [1024, 4096]) {
    const ms = typedArrayStep(batch);
    console.log(`| typed arrays | ${batch} | ${ms.toFixed(4)} | ${(ms * 1000).toFixed(1)} |`);
  }
  for (const batch of [4]) {
    const ms = await tfjsStep(batch);
    console.log(`| tfjs (cpu) | ${batch} | ${ms.toFixed(4)} | ${(ms * 1000).toFixed(1)} |`);
  }
}
