/**
 * Reading a simulator run: cumulative click-through overall and on new items per round, and the
 * ratios the issue's target names (weight 0.3 against 0: new-item CTR ≥ +30%, overall CTR
 * ≥ +5%), as markdown for `docs/benchmarks.md` and the console. Shared by the service loop
 * (the benchmark) and the stand-in policy harness (a development check).
 *
 * Two readings of "CTR on new items" are reported, because the issue's words allow both:
 * clicks on new items per impression of a new item (`new-item CTR`), and clicks on new items
 * per impression of any item (`new-item clicks/impression`, how much click-through new items
 * bring to the page).
 */
import type { RoundMetrics } from "./policy_harness.ts";

export interface Totals {
  impressions: number;
  clicks: number;
  newImpressions: number;
  newClicks: number;
  explored: number;
}

export const sumRounds = (rounds: readonly RoundMetrics[]): Totals =>
  rounds.reduce((t, r) => ({
    impressions: t.impressions + r.impressions,
    clicks: t.clicks + r.clicks,
    newImpressions: t.newImpressions + r.newImpressions,
    newClicks: t.newClicks + r.newClicks,
    explored: t.explored + r.explored,
  }), { impressions: 0, clicks: 0, newImpressions: 0, newClicks: 0, explored: 0 });

export const ctr = (t: Totals) => t.clicks / Math.max(1, t.impressions);
/** Clicks on new items / impressions of new items. */
export const newCtr = (t: Totals) => t.newClicks / Math.max(1, t.newImpressions);
/** Clicks on new items / impressions of any item. */
export const newClickRate = (t: Totals) => t.newClicks / Math.max(1, t.impressions);

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const change = (a: number, b: number) => `${a >= b ? "+" : ""}${((a / b - 1) * 100).toFixed(1)}%`;

/**
 * Markdown: a table of cumulative figures every `every` hours for each weight, then each
 * weight's end-of-run change against weight 0 (`runs[i]` belongs to `weights[i]`; weights[0]
 * must be 0).
 */
export function simulatorReport(
  weights: readonly number[],
  runs: readonly (readonly RoundMetrics[])[],
  every: number,
): string[] {
  const hours = runs[0].length;
  const lines = [
    `| hour | ${
      weights.map((w) => `w=${w}: CTR · new-item CTR · new clicks/impr · new share`).join(" | ")
    } |`,
    `|---|${weights.map(() => "---").join("|")}|`,
  ];
  for (let hour = every - 1; hour < hours; hour += every) {
    const cells = runs.map((rounds) => {
      const t = sumRounds(rounds.slice(0, hour + 1));
      return `${pct(ctr(t))} · ${pct(newCtr(t))} · ${pct(newClickRate(t))} · ${
        pct(t.newImpressions / Math.max(1, t.impressions))
      }`;
    });
    lines.push(`| ${hour + 1} | ${cells.join(" | ")} |`);
  }
  const totals = runs.map((rounds) => sumRounds(rounds));
  lines.push(
    "",
    "| weight | overall CTR vs 0 | new-item CTR vs 0 | new-item clicks/impression vs 0 | shown for exploration |",
    "|---|---|---|---|---|",
  );
  for (const [i, w] of weights.entries()) {
    const t = totals[i];
    lines.push(
      `| ${w} | ${change(ctr(t), ctr(totals[0]))} | ${change(newCtr(t), newCtr(totals[0]))} | ${
        change(newClickRate(t), newClickRate(totals[0]))
      } | ${pct(t.explored / Math.max(1, t.impressions))} |`,
    );
  }
  return lines;
}
