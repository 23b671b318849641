import assert from "node:assert/strict";
import { metricsTable } from "./metrics_table.ts";

Deno.test("classification: accuracy, NLL, ECE and Brier per mode", () => {
  const table = metricsTable({
    model: "digits",
    version: 3,
    rows: 360,
    results: [
      { mode: "swa", samples: 1, accuracy: 0.95, nll: 0.18123, ece: 0.0213, brier: 0.0801 },
      { mode: "multiswag", samples: 48, accuracy: 0.961, nll: 0.1502, ece: 0.011, brier: 0.07 },
    ],
  });
  assert.equal(
    table,
    "digits version 3, 360 rows\n" +
      "mode       samples  accuracy  NLL     ECE     Brier\n" +
      "swa        1        0.9500    0.1812  0.0213  0.0801\n" +
      "multiswag  48       0.9610    0.1502  0.0110  0.0700\n",
  );
});

Deno.test("regression: RMSE and NLL only; a missing value shows as -", () => {
  const table = metricsTable({
    model: "prices",
    version: 1,
    rows: 10,
    results: [
      { mode: "swa", samples: 1, nll: 1.5, rmse: 0.25 },
      { mode: "swag", samples: 16, nll: 1.25 },
    ],
  });
  assert.equal(
    table,
    "prices version 1, 10 rows\n" +
      "mode  samples  NLL     RMSE\n" +
      "swa   1        1.5000  0.2500\n" +
      "swag  16       1.2500  -\n",
  );
});
