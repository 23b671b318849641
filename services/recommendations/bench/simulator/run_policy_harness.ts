/**
 * Runs the exploration policy harness (STAND-IN recommender, not the issue's benchmark) for
 * explorationWeight 0, 0.3 and 1 on the same seeded world and prints, per round and
 * cumulatively, click-through overall and on new items, then the ratios the issue's target
 * names (0.3 vs 0: new-item CTR ≥ +30%, overall CTR ≥ +5%).
 *
 *   deno run --allow-all services/recommendations/bench/simulator/run_policy_harness.ts \
 *     [--seed=1] [--hours=48] [--every=6]
 */
import { type RoundMetrics, runPolicyHarness } from "./policy_harness.ts";

const flag = (name: string, fallback: number) => {
  const arg = Deno.args.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
};
const seed = flag("seed", 1);
const hours = flag("hours", 48);
const every = flag("every", 6);
const weights = [0, 0.3, 1];

interface Totals {
  impressions: number;
  clicks: number;
  newImpressions: number;
  newClicks: number;
  explored: number;
}

const sum = (rounds: RoundMetrics[]): Totals =>
  rounds.reduce((t, r) => ({
    impressions: t.impressions + r.impressions,
    clicks: t.clicks + r.clicks,
    newImpressions: t.newImpressions + r.newImpressions,
    newClicks: t.newClicks + r.newClicks,
    explored: t.explored + r.explored,
  }), { impressions: 0, clicks: 0, newImpressions: 0, newClicks: 0, explored: 0 });
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
/** CTR on new items = clicks on new items / impressions of new items. */
const newCtr = (t: Totals) => t.newClicks / Math.max(1, t.newImpressions);
/** New-item clicks per impression of any item (how much click-through new items bring). */
const newClickRate = (t: Totals) => t.newClicks / Math.max(1, t.impressions);

const started = performance.now();
const runs = weights.map((explorationWeight) =>
  runPolicyHarness({ explorationWeight, seed, hours })
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);

console.log(`# Exploration policy harness (STAND-IN recommender), seed ${seed}, ${hours} h`);
console.log(
  "cumulative up to each hour: CTR | new-item CTR | new-item clicks/impression | new share",
);
console.log(["hour", ...weights.map((w) => `w=${w}`)].join("\t| "));
for (let hour = every - 1; hour < hours; hour += every) {
  const cells = runs.map((rounds) => {
    const t = sum(rounds.slice(0, hour + 1));
    return `${pct(t.clicks / t.impressions)} ${pct(newCtr(t))} ${pct(newClickRate(t))} ${
      pct(t.newImpressions / t.impressions)
    }`;
  });
  console.log([hour, ...cells].join("\t| "));
}
const [base, default3, all] = runs.map(sum);
const ratio = (a: number, b: number) => `${((a / b - 1) * 100).toFixed(1)}%`;
console.log(
  `\nweight 0.3 vs 0 by the end: overall CTR ${
    ratio(default3.clicks / default3.impressions, base.clicks / base.impressions)
  }, new-item CTR ${ratio(newCtr(default3), newCtr(base))}, new-item clicks/impression ${
    ratio(newClickRate(default3), newClickRate(base))
  }`,
);
console.log(
  `weight 1 vs 0 by the end:   overall CTR ${
    ratio(all.clicks / all.impressions, base.clicks / base.impressions)
  }, new-item CTR ${ratio(newCtr(all), newCtr(base))}, new-item clicks/impression ${
    ratio(newClickRate(all), newClickRate(base))
  }`,
);
console.log(
  `exploration share of impressions: ${
    weights.map((w, i) =>
      `w=${w} ${pct([base, default3, all][i].explored / [base, default3, all][i].impressions)}`
    ).join(", ")
  }`,
);
console.log(`(${seconds} s for three runs)`);
