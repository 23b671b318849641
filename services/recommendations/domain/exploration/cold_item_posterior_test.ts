import assert from "node:assert/strict";
import { coldItemPosterior } from "./cold_item_posterior.ts";

const mean = ({ alpha, beta }: { alpha: number; beta: number }) => alpha / (alpha + beta);
const variance = ({ alpha, beta }: { alpha: number; beta: number }) =>
  (alpha * beta) / ((alpha + beta) ** 2 * (alpha + beta + 1));

Deno.test("with no evidence the posterior is the prior: mean m, κ pseudo-clicks in κ/m", () => {
  const posterior = coldItemPosterior(0.04, { impressions: 0, clicks: 0 }, 2);
  assert.ok(Math.abs(posterior.alpha - 2) < 1e-12);
  assert.ok(Math.abs(posterior.alpha + posterior.beta - 50) < 1e-9);
});

Deno.test("the posterior mean is (κ + c) / (κ/m + n)", () => {
  const posterior = coldItemPosterior(0.05, { impressions: 30, clicks: 6 }, 1);
  assert.ok(Math.abs(mean(posterior) - 7 / 50) < 1e-12);
});

Deno.test("the prior's relative spread is √((1 − m)/(κ + m)) whatever the predicted CTR", () => {
  for (const m of [0.005, 0.05, 0.3]) {
    const prior = coldItemPosterior(m, { impressions: 0, clicks: 0 }, 4);
    const relative = Math.sqrt(variance(prior)) / mean(prior);
    assert.ok(Math.abs(relative - Math.sqrt((1 - m) / (4 + m))) < 1e-9, `m = ${m}`);
  }
});

Deno.test("ignored impressions lower the mean and the spread; clicks raise the mean", () => {
  const fresh = coldItemPosterior(0.05, { impressions: 0, clicks: 0 });
  const ignored = coldItemPosterior(0.05, { impressions: 100, clicks: 0 });
  const clicked = coldItemPosterior(0.05, { impressions: 100, clicks: 15 });
  assert.ok(mean(ignored) < mean(fresh) && variance(ignored) < variance(fresh));
  assert.ok(mean(clicked) > mean(fresh));
});

Deno.test("the prior mean is clamped into (0, 1); more clicks than impressions count no failure", () => {
  for (const m of [0, 1, NaN]) {
    const { alpha, beta } = coldItemPosterior(m, { impressions: 0, clicks: 0 });
    assert.ok(alpha > 0 && beta > 0 && Number.isFinite(beta));
  }
  assert.equal(coldItemPosterior(0.5, { impressions: 1, clicks: 3 }, 2).beta, 2);
});
