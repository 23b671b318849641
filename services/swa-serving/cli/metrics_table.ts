/** `evaluate`'s answer as a table: one row per mode, the metric columns the answer has. */
import type { EvaluateResponse, ModeMetrics } from "@edgeml/shared/contracts/swa";
import { formatTable } from "./text_table.ts";

const METRIC_COLUMNS: [header: string, key: keyof ModeMetrics][] = [
  ["accuracy", "accuracy"],
  ["NLL", "nll"],
  ["ECE", "ece"],
  ["Brier", "brier"],
  ["RMSE", "rmse"],
];

export function metricsTable({ model, version, rows, results }: EvaluateResponse): string {
  const columns = METRIC_COLUMNS.filter(([, key]) => results.some((r) => r[key] !== undefined));
  const table = formatTable(
    ["mode", "samples", ...columns.map(([header]) => header)],
    results.map((result) => [
      result.mode,
      String(result.samples),
      ...columns.map(([, key]) => {
        const value = result[key];
        return typeof value === "number" ? value.toFixed(4) : "-";
      }),
    ]),
  );
  return `${model} version ${version}, ${rows} rows\n${table}`;
}
