/**
 * Personalize's time-based holdout: per user with at least two events, the newest
 * max(1, ⌊fraction · n⌋) events (fraction 0.1) are the targets and the older ones the input;
 * training sees only the inputs. Every user is held out this way, so an item first seen late
 * ("new") has no training interactions and tests cold start.
 * @module
 */
import { groupByUser } from "./sequences.ts";
import type { Interactions } from "./types.ts";

export interface Holdout {
  /** The training interactions: every user's input part. */
  train: Interactions;
  /** Per user, their input items oldest first (CSR: `inputItems[inputOffsets[u] …]`). */
  inputOffsets: Int32Array;
  inputItems: Int32Array;
  /** Per user, their target items (CSR); empty for users with fewer than two events. */
  targetOffsets: Int32Array;
  targetItems: Int32Array;
}

export function timeHoldout(
  interactions: Interactions,
  numUsers: number,
  { fraction = 0.1 } = {},
): Holdout {
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be in (0, 1)`);
  const seq = groupByUser(interactions, numUsers);
  const inputOffsets = new Int32Array(numUsers + 1);
  const targetOffsets = new Int32Array(numUsers + 1);
  const split = new Int32Array(numUsers);
  for (let u = 0; u < numUsers; u++) {
    const n = seq.offsets[u + 1] - seq.offsets[u];
    const targets = n >= 2 ? Math.max(1, Math.floor(fraction * n)) : 0;
    split[u] = n - targets;
    inputOffsets[u + 1] = inputOffsets[u] + n - targets;
    targetOffsets[u + 1] = targetOffsets[u] + targets;
  }
  const inputs = inputOffsets[numUsers];
  const train: Interactions = {
    user: new Int32Array(inputs),
    item: new Int32Array(inputs),
    time: new Float64Array(inputs),
  };
  const targetItems = new Int32Array(targetOffsets[numUsers]);
  for (let u = 0; u < numUsers; u++) {
    const start = seq.offsets[u];
    for (let k = 0; k < split[u]; k++) {
      const r = inputOffsets[u] + k;
      train.user[r] = u;
      train.item[r] = seq.items[start + k];
      train.time[r] = seq.times[start + k];
    }
    const n = seq.offsets[u + 1] - start;
    for (let k = split[u]; k < n; k++) {
      targetItems[targetOffsets[u] + k - split[u]] = seq.items[start + k];
    }
  }
  return { train, inputOffsets, inputItems: train.item, targetOffsets, targetItems };
}
