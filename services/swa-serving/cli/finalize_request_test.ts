import assert from "node:assert/strict";
import { finalizeRequest } from "./finalize_request.ts";
import { UsageError } from "./usage_error.ts";

Deno.test("no flags: an empty request, the server's defaults apply", () => {
  assert.deepEqual(finalizeRequest({}), {});
});

Deno.test("every flag maps to its contract field", () => {
  assert.deepEqual(
    finalizeRequest({
      runs: "run-b,run-a",
      samples: "30",
      scale: "0.25",
      seed: "7",
      "no-covariance": true,
      "batch-size": "128",
      dropout: "training",
      "no-wait": true,
    }),
    {
      runs: ["run-b", "run-a"],
      samples: 30,
      scale: 0.25,
      covariance: false,
      seed: 7,
      batchSize: 128,
      dropout: "training",
    },
  );
});

Deno.test("malformed values are usage errors", () => {
  for (const values of [{ samples: "many" }, { seed: "1.5" }, { dropout: "on" }, { runs: "," }]) {
    assert.throws(() => finalizeRequest(values), UsageError, JSON.stringify(values));
  }
});
