/**
 * A seeded synthetic interactions dataset for the offline benchmark, a world the hybrid model
 * should win in for the right reasons:
 *
 * - G genres with random centroids c_g ∈ ℝᵏ; item i has genres (g₁, g₂) and latent vector
 *   zᵢ = c_{g₁} + ½ c_{g₂} + εᵢ, εᵢ ~ N(0, σ²I): its metadata (GENRES, and TITLE words drawn
 *   mostly from its genres' word lists) reveals part of zᵢ, εᵢ is only learnable from clicks;
 * - item popularity πᵢ log-normal; the last `newItemFraction` of items are created in the last
 *   `newItemWindow` of the time span (and are popular while new);
 * - user u's taste drifts from a₀ to a₁ (each mostly one genre's centroid) over their activity
 *   span, so recent events predict better than old ones; user metadata REGION hints at a₀'s
 *   genre;
 * - user u's event at time t picks, among C candidates drawn by popularity from the items that
 *   exist at t, the arg max of β·a(t)·zᵢ + Gumbel noise (a softmax choice), never an item they
 *   already have.
 * @module
 */
import { mulberry32 } from "@edgeml/shared/onnx";
import type { MetadataRow } from "../../domain/model/tokens.ts";
import type { Interactions } from "../../domain/model/types.ts";

export interface SyntheticOptions {
  interactions?: number;
  users?: number;
  items?: number;
  genres?: number;
  latentDim?: number;
  newItemFraction?: number;
  newItemWindow?: number;
  /** Time span in seconds (default 120 days). */
  span?: number;
  candidates?: number;
  /** Taste sharpness β. */
  sharpness?: number;
  /** σ of the part of an item's latent vector its metadata does not reveal. */
  itemNoise?: number;
  seed?: number;
}

export interface SyntheticDataset {
  interactions: Interactions;
  numUsers: number;
  numItems: number;
  itemMetadata: MetadataRow[];
  userMetadata: MetadataRow[];
  /** Item creation time (epoch s). */
  itemCreated: Float64Array;
  /** First item index of the late "new" items. */
  firstNewItem: number;
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function generateSynthetic(options: SyntheticOptions = {}): SyntheticDataset {
  const {
    interactions: total = 1_000_000,
    users: numUsers = 20_000,
    items: numItems = 10_000,
    genres = 40,
    latentDim: k = 16,
    newItemFraction = 0.05,
    newItemWindow = 0.1,
    span = 120 * 86400,
    candidates = 100,
    sharpness = 2.5,
    itemNoise = 0.6,
    seed = 7,
  } = options;
  const random = mulberry32(seed);
  const t0 = 1_700_000_000;
  const centroids = Float64Array.from({ length: genres * k }, () => normal(random));
  const words = (g: number) => Array.from({ length: 8 }, (_, w) => `g${g}w${w}`);
  const commonWords = Array.from({ length: 200 }, (_, w) => `common${w}`);

  const z = new Float64Array(numItems * k);
  const popularity = new Float64Array(numItems);
  const itemCreated = new Float64Array(numItems);
  const itemMetadata: MetadataRow[] = [];
  const firstNewItem = Math.round(numItems * (1 - newItemFraction));
  for (let i = 0; i < numItems; i++) {
    const g1 = (random() * genres) | 0;
    const g2 = (random() * genres) | 0;
    for (let c = 0; c < k; c++) {
      z[i * k + c] = centroids[g1 * k + c] + 0.5 * centroids[g2 * k + c] +
        itemNoise * normal(random);
    }
    popularity[i] = Math.exp(1.2 * normal(random));
    const isNew = i >= firstNewItem;
    if (isNew) popularity[i] *= 3;
    itemCreated[i] = isNew
      ? t0 + span * (1 - newItemWindow * random())
      : t0 + 0.5 * span * random();
    const title = [
      words(g1)[(random() * 8) | 0],
      words(g1)[(random() * 8) | 0],
      words(g2)[(random() * 8) | 0],
      commonWords[(random() * 200) | 0],
    ].join(" ");
    itemMetadata.push({ categorical: { GENRES: [`g${g1}`, `g${g2}`] }, textual: { TITLE: title } });
  }
  // Old items are available from t0 (created in the first half only as a label); only the new
  // ones are gated by their creation time.
  const oldCum = cumulative(popularity, 0, firstNewItem);
  const allCum = cumulative(popularity, 0, numItems);

  const userA0 = new Float64Array(numUsers * k);
  const userA1 = new Float64Array(numUsers * k);
  const userMetadata: MetadataRow[] = [];
  const counts = new Int32Array(numUsers);
  const weights = Float64Array.from({ length: numUsers }, () => Math.exp(0.8 * normal(random)));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  for (let u = 0; u < numUsers; u++) {
    const ga = (random() * genres) | 0;
    const gb = random() < 0.5 ? ga : (random() * genres) | 0;
    for (let c = 0; c < k; c++) {
      userA0[u * k + c] = centroids[ga * k + c] + 0.5 * normal(random);
      userA1[u * k + c] = centroids[gb * k + c] + 0.5 * normal(random);
    }
    const region = random() < 0.6 ? `r${ga % 10}` : `r${(random() * 10) | 0}`;
    userMetadata.push({ categorical: { REGION: [region] } });
    counts[u] = Math.max(5, Math.round((weights[u] / weightSum) * total));
  }
  let excess = counts.reduce((a, b) => a + b, 0) - total;
  for (let u = 0; excess > 0; u = (u + 1) % numUsers) {
    if (counts[u] > 5) {
      counts[u]--;
      excess--;
    }
  }

  const n = counts.reduce((a, b) => a + b, 0);
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const time = new Float64Array(n);
  const taste = new Float64Array(k);
  let r = 0;
  for (let u = 0; u < numUsers; u++) {
    const start = t0 + span * 0.6 * random();
    const times = Array.from({ length: counts[u] }, () => start + (t0 + span - start) * random())
      .sort((a, b) => a - b);
    const had = new Set<number>();
    for (const t of times) {
      const alpha = (t - start) / (t0 + span - start);
      for (let c = 0; c < k; c++) {
        taste[c] = (1 - alpha) * userA0[u * k + c] + alpha * userA1[u * k + c];
      }
      const newOpen = t >= t0 + span * (1 - newItemWindow);
      let best = -1;
      let bestValue = -Infinity;
      for (let s = 0; s < candidates; s++) {
        const i = newOpen ? sample(allCum, random) : sample(oldCum, random);
        if (itemCreated[i] > t && i >= firstNewItem) continue;
        if (had.has(i)) continue;
        let dot = 0;
        for (let c = 0; c < k; c++) dot += taste[c] * z[i * k + c];
        const value = sharpness * dot / Math.sqrt(k) - Math.log(-Math.log(random()));
        if (value > bestValue) {
          bestValue = value;
          best = i;
        }
      }
      if (best < 0) continue;
      had.add(best);
      user[r] = u;
      item[r] = best;
      time[r] = Math.round(t);
      r++;
    }
  }
  return {
    interactions: { user: user.slice(0, r), item: item.slice(0, r), time: time.slice(0, r) },
    numUsers,
    numItems,
    itemMetadata,
    userMetadata,
    itemCreated,
    firstNewItem,
  };
}

function cumulative(weights: Float64Array, from: number, to: number): Float64Array {
  const out = new Float64Array(to - from);
  let sum = 0;
  for (let i = from; i < to; i++) out[i - from] = sum += weights[i];
  return out;
}

/** An index drawn with probability ∝ weight, by binary search in the cumulative sums. */
function sample(cum: Float64Array, random: () => number): number {
  const target = random() * cum[cum.length - 1];
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
