/**
 * Interactions regrouped per user in time order (CSR), the form both towers read: user u's
 * events are `items[offsets[u] … offsets[u + 1])`, oldest first, ties kept in input order.
 * @module
 */
import type { Interactions } from "./types.ts";

export interface UserSequences {
  offsets: Int32Array;
  items: Int32Array;
  times: Float64Array;
}

/** Groups `interactions` by user (counting sort) and sorts each user's events by time. */
export function groupByUser(interactions: Interactions, numUsers: number): UserSequences {
  const { user, item, time } = interactions;
  const n = user.length;
  const offsets = new Int32Array(numUsers + 1);
  for (let r = 0; r < n; r++) {
    const u = user[r];
    if (u < 0 || u >= numUsers) throw new RangeError(`user index ${u} outside 0…${numUsers - 1}`);
    offsets[u + 1]++;
  }
  for (let u = 0; u < numUsers; u++) offsets[u + 1] += offsets[u];
  const order = new Int32Array(n);
  const fill = offsets.slice(0, numUsers);
  for (let r = 0; r < n; r++) order[fill[user[r]]++] = r;
  for (let u = 0; u < numUsers; u++) {
    const part = order.subarray(offsets[u], offsets[u + 1]);
    let sorted = true;
    for (let k = 1; k < part.length && sorted; k++) sorted = time[part[k - 1]] <= time[part[k]];
    if (!sorted) part.set(Array.from(part).sort((a, b) => time[a] - time[b] || a - b));
  }
  const items = new Int32Array(n);
  const times = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    items[k] = item[order[k]];
    times[k] = time[order[k]];
  }
  return { offsets, items, times };
}
