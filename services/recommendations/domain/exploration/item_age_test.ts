import assert from "node:assert/strict";
import { isColdItem, itemAgeDays } from "./item_age.ts";

const DAY = 86_400;
const latest = 1_700_000_000;

Deno.test("itemAgeDays counts days back from the latest training interaction", () => {
  assert.equal(itemAgeDays(latest - 3 * DAY, latest), 3);
  assert.equal(itemAgeDays(latest - DAY / 2, latest), 0.5);
});

Deno.test("itemAgeDays gives age 0 to items created after the reference time", () => {
  assert.equal(itemAgeDays(latest + 3600, latest), 0);
});

Deno.test("isColdItem is strict at the cutoff", () => {
  assert.equal(isColdItem(29.99, 30), true);
  assert.equal(isColdItem(30, 30), false);
  assert.equal(isColdItem(0, 0.01), true);
});
