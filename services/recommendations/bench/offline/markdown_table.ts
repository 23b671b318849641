/**
 * The offline benchmark's report: one markdown row per model with Personalize's metric names.
 * @module
 */
import type { OfflineMetrics } from "../../domain/model/evaluate.ts";

const COLUMNS: [keyof OfflineMetrics, string][] = [
  ["precision_at_5", "P@5"],
  ["precision_at_10", "P@10"],
  ["precision_at_25", "P@25"],
  ["normalized_discounted_cumulative_gain_at_5", "nDCG@5"],
  ["normalized_discounted_cumulative_gain_at_10", "nDCG@10"],
  ["normalized_discounted_cumulative_gain_at_25", "nDCG@25"],
  ["mean_reciprocal_rank_at_25", "MRR@25"],
  ["coverage", "coverage"],
  ["coldItemCoverage", "cold-item coverage"],
];

export function metricsTable(rows: readonly [string, OfflineMetrics][]): string {
  const head = `| model | ${COLUMNS.map(([, label]) => label).join(" | ")} |`;
  const rule = `|---|${COLUMNS.map(() => "---:").join("|")}|`;
  const body = rows.map(([name, m]) =>
    `| ${name} | ${COLUMNS.map(([key]) => m[key].toFixed(4)).join(" | ")} |`
  );
  return [head, rule, ...body].join("\n");
}
