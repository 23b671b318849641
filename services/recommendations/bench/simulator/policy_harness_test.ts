import assert from "node:assert/strict";
import { runPolicyHarness } from "./policy_harness.ts";

const world = {
  users: 300,
  initialItems: 80,
  newItemsPerHour: 6,
  activeUsersPerHour: 40,
  historyDays: 2,
};
const run = (explorationWeight: number, seed = 1) =>
  runPolicyHarness({ explorationWeight, seed, hours: 6, world });
const total = (
  rounds: ReturnType<typeof run>,
  key: "newImpressions" | "explored" | "impressions",
) => rounds.reduce((s, r) => s + r[key], 0);

Deno.test("the harness is deterministic for a seed", () => {
  assert.deepEqual(run(0.3, 4), run(0.3, 4));
});

Deno.test("weight 0 never explores; 0.3 explores 30% of slots; 1 explores every slot it can", () => {
  const [none, some, all] = [run(0), run(0.3), run(1)];
  assert.equal(total(none, "explored"), 0);
  const share = total(some, "explored") / total(some, "impressions");
  // Binomial rounding of 3 slots per list of 10: exactly 30%.
  assert.equal(share, 0.3);
  // From hour 1 there are 12 new items, more than a list of 10: every slot explores.
  assert.equal(total(all.slice(1), "explored"), total(all.slice(1), "impressions"));
  assert.ok(total(some, "newImpressions") > total(none, "newImpressions"));
});
