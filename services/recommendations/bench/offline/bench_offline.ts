/**
 * Offline quality and training time of the two-tower model against the popularity and BPR-MF
 * baselines on the seeded synthetic dataset (synthetic.ts) with Personalize's time-based
 * holdout, and FULL vs UPDATE training time:
 *
 *   deno run --allow-all services/recommendations/bench/offline/bench_offline.ts \
 *     [--interactions=1000000] [--users=20000] [--items=10000] [--eval-users=5000]
 *
 * UPDATE is measured as the service runs it: a FULL model trained on the training events up to
 * the time t that leaves the newest 5% out, without the new items, then UPDATE with the whole
 * catalogue and the events after t; both models are evaluated.
 * @module
 */
import { evaluateOffline, type OfflineMetrics } from "../../domain/model/evaluate.ts";
import { timeHoldout } from "../../domain/model/holdout.ts";
import { bprMfRecommender, trainBprMf } from "../../domain/model/bpr_mf.ts";
import { popularityCounts, popularityRecommender } from "../../domain/model/popularity.ts";
import { twoTowerRecommender } from "../../domain/model/recommend.ts";
import { hashMetadataTokens } from "../../domain/model/tokens.ts";
import { trainFull, trainUpdate } from "../../domain/model/train.ts";
import type { Interactions, TrainingData } from "../../domain/model/types.ts";
import { metricsTable } from "./markdown_table.ts";
import { generateSynthetic } from "./synthetic.ts";

const ITEM_BUCKETS = 1 << 14;
const USER_BUCKETS = 1 << 10;

function arg(name: string, fallback: number): number {
  const hit = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split("=")[1]) : fallback;
}

function filterRows(x: Interactions, keep: (r: number) => boolean): Interactions {
  const rows = Int32Array.from({ length: x.user.length }, (_, r) => r).filter(keep);
  return {
    user: Int32Array.from(rows, (r) => x.user[r]),
    item: Int32Array.from(rows, (r) => x.item[r]),
    time: Float64Array.from(rows, (r) => x.time[r]),
  };
}

const seconds = (t: number) => (performance.now() - t) / 1000;

export interface OfflineBenchOptions {
  interactions?: number;
  users?: number;
  items?: number;
  evalUsers?: number;
  log?: (line: string) => void;
}

/** Runs the offline benchmark; resolves with its markdown (tables and the training times). */
export function runOfflineBench(options: OfflineBenchOptions = {}): string[] {
  const interactions = options.interactions ?? 1_000_000;
  const scale = interactions / 1_000_000;
  const users = options.users ?? Math.round(20_000 * Math.max(scale, 0.05));
  const items = options.items ?? Math.round(10_000 * Math.max(scale, 0.1));
  const evalUsers = options.evalUsers ?? 5000;
  const log = options.log ?? (() => {});

  let t = performance.now();
  const ds = generateSynthetic({ interactions, users, items });
  log(`generated ${ds.interactions.user.length} interactions in ${seconds(t).toFixed(1)} s`);
  const holdout = timeHoldout(ds.interactions, ds.numUsers);
  const itemTokens = hashMetadataTokens(ds.itemMetadata, ITEM_BUCKETS);
  const userTokens = hashMetadataTokens(ds.userMetadata, USER_BUCKETS);
  const data: TrainingData = {
    interactions: holdout.train,
    numUsers: ds.numUsers,
    numItems: ds.numItems,
    itemTokens,
    numItemTokens: ITEM_BUCKETS,
    userTokens,
    numUserTokens: USER_BUCKETS,
  };
  const evaluate = (recommender: Parameters<typeof evaluateOffline>[0]) =>
    evaluateOffline(recommender, holdout, { numItems: ds.numItems, maxUsers: evalUsers });

  const rows: [string, OfflineMetrics][] = [];
  rows.push([
    "popularity",
    evaluate(popularityRecommender(popularityCounts(data.interactions, ds.numItems))),
  ]);

  t = performance.now();
  const mf = trainBprMf(data.interactions, { numUsers: ds.numUsers, numItems: ds.numItems });
  const mfSeconds = seconds(t);
  log(`BPR-MF trained in ${mfSeconds.toFixed(1)} s`);
  rows.push(["BPR-MF (ids only)", evaluate(bprMfRecommender(mf))]);

  const full = trainFull(data, { onProgress: (f, s) => log(`${s} (${(f * 100).toFixed(0)}%)`) });
  log(
    `FULL trained in ${full.seconds.toFixed(1)} s, losses ${
      full.epochLosses.map((l) => l.toFixed(3))
    }`,
  );
  rows.push(["two-tower FULL", evaluate(twoTowerRecommender(full.model, userTokens))]);

  // UPDATE scenario: the previous version saw neither the newest 5% of events nor new items.
  const times = Float64Array.from(data.interactions.time).sort();
  const cut = times[Math.floor(0.95 * times.length)];
  const oldItems = ds.firstNewItem;
  const previousData: TrainingData = {
    ...data,
    interactions: filterRows(
      data.interactions,
      (r) => data.interactions.time[r] <= cut && data.interactions.item[r] < oldItems,
    ),
    numItems: oldItems,
    itemTokens: {
      offsets: itemTokens.offsets.slice(0, oldItems + 1),
      tokens: itemTokens.tokens.slice(0, itemTokens.offsets[oldItems]),
    },
  };
  const previous = trainFull(previousData);
  log(`previous FULL (95% of events, old items) in ${previous.seconds.toFixed(1)} s`);
  const update = trainUpdate(previous.model, data, { since: cut });
  log(`UPDATE (${update.targets} target events) in ${update.seconds.toFixed(3)} s`);
  rows.push([
    "two-tower previous FULL + UPDATE",
    evaluate(twoTowerRecommender(update.model, userTokens)),
  ]);

  const newEvents = data.interactions.time.filter((x) => x > cut).length;
  return [
    `${ds.interactions.user.length} interactions, ${ds.numUsers} users, ${ds.numItems} items ` +
    `(${ds.numItems - ds.firstNewItem} new late), ${holdout.train.user.length} training events, ` +
    `${rows[0][1].users} evaluated users, ${navigator.hardwareConcurrency} cores.`,
    "",
    metricsTable(rows),
    "",
    "| training (in process, one model) | seconds | events trained on |",
    "|---|---:|---:|",
    `| two-tower FULL (10 epochs, SWA over last 3) | ${
      full.seconds.toFixed(1)
    } | ${full.targets} per epoch |`,
    `| two-tower UPDATE (2 epochs on events since the cut) | ${
      update.seconds.toFixed(2)
    } | ${newEvents} new |`,
    `| BPR-MF (10 epochs) | ${mfSeconds.toFixed(1)} | ${data.interactions.user.length} per epoch |`,
    "",
    `UPDATE / FULL = ${(update.seconds / full.seconds).toFixed(3)}`,
  ];
}

if (import.meta.main) {
  const lines = runOfflineBench({
    interactions: arg("interactions", 1_000_000),
    ...(Deno.args.some((a) => a.startsWith("--users=")) ? { users: arg("users", 0) } : {}),
    ...(Deno.args.some((a) => a.startsWith("--items=")) ? { items: arg("items", 0) } : {}),
    evalUsers: arg("eval-users", 5000),
    log: (text) => console.error(`[${new Date().toISOString()}] ${text}`),
  });
  console.log(lines.join("\n"));
}
