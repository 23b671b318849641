import assert from "node:assert/strict";
import { evaluateRequest, predictRequest } from "./prediction_requests.ts";
import { UsageError } from "./usage_error.ts";

const rows = [[1, 2], [3, 4]];

Deno.test("predict: the rows alone, or with the document's mode and samples", () => {
  assert.deepEqual(predictRequest({ inputs: rows, fields: {} }, {}), { inputs: rows });
  assert.deepEqual(
    predictRequest({ inputs: rows, fields: { mode: "swag", samples: 4 } }, {}),
    { inputs: rows, mode: "swag", samples: 4 },
  );
});

Deno.test("predict: flags win over the document", () => {
  assert.deepEqual(
    predictRequest({ inputs: rows, fields: { mode: "swag" } }, { mode: "multiswag", samples: "8" }),
    { inputs: rows, mode: "multiswag", samples: 8 },
  );
  assert.throws(() => predictRequest({ inputs: rows, fields: {} }, { mode: "mean" }), UsageError);
});

Deno.test("evaluate: labels from the document, modes, samples and bins from flags", () => {
  assert.deepEqual(
    evaluateRequest(
      { inputs: rows, fields: { labels: ["cat", 1] } },
      { modes: "swa,swag", samples: "5", bins: "10" },
      "data.json",
    ),
    { inputs: rows, labels: ["cat", 1], modes: ["swa", "swag"], samples: 5, bins: 10 },
  );
});

Deno.test("evaluate: no labels is an error naming the file; an unknown mode a usage error", () => {
  assert.throws(
    () => evaluateRequest({ inputs: rows, fields: {} }, {}, "data.json"),
    /data\.json: expected/,
  );
  assert.throws(
    () => evaluateRequest({ inputs: rows, fields: { labels: [0, 1] } }, { modes: "swa,bma" }, "d"),
    UsageError,
  );
});
