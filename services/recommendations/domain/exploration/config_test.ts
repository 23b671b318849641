import assert from "node:assert/strict";
import { DomainError } from "@edgeml/shared/errors";
import { explorationConfig } from "./config.ts";

function rejects(input: Parameters<typeof explorationConfig>[0], code: string) {
  assert.throws(
    () => explorationConfig(input),
    (error: unknown) =>
      error instanceof DomainError && error.kind === "unprocessable" && error.code === code,
  );
}

Deno.test("explorationConfig fills in Personalize's defaults (0.3, 30 days)", () => {
  assert.deepEqual(explorationConfig(), { explorationWeight: 0.3, explorationItemAgeCutoff: 30 });
});

Deno.test("explorationConfig accepts the bounds and Personalize's numeric strings", () => {
  assert.deepEqual(explorationConfig({ explorationWeight: 0, explorationItemAgeCutoff: 0.5 }), {
    explorationWeight: 0,
    explorationItemAgeCutoff: 0.5,
  });
  assert.deepEqual(explorationConfig({ explorationWeight: "1", explorationItemAgeCutoff: "7" }), {
    explorationWeight: 1,
    explorationItemAgeCutoff: 7,
  });
});

Deno.test("explorationConfig rejects a weight outside [0, 1] with a stable 422 code", () => {
  for (const weight of [-0.01, 1.01, NaN, "", "abc", Infinity]) {
    rejects({ explorationWeight: weight }, "invalid_exploration_weight");
  }
});

Deno.test("explorationConfig rejects a cutoff <= 0 or not finite with a stable 422 code", () => {
  for (const cutoff of [0, -1, NaN, Infinity, " ", "x"]) {
    rejects({ explorationItemAgeCutoff: cutoff }, "invalid_exploration_item_age_cutoff");
  }
});
