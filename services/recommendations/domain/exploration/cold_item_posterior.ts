/**
 * The Beta posterior of a cold item's click-through θ, with a prior centred on the model:
 *
 *   prior      θ ~ Beta(κ, κ·(1 − m)/m)           m = calibrated CTR of the item's relevance,
 *                                                κ = prior strength in pseudo-clicks
 *   evidence   c clicks in n impressions since the last training (failures n − c, ≥ 0)
 *   posterior  θ ~ Beta(κ + c, κ·(1 − m)/m + n − c),   mean (κ + c) / (κ/m + n)
 *
 * i.e. the prior is worth n₀ = κ/m pseudo-impressions holding κ pseudo-clicks. Counting its
 * strength in clicks rather than impressions gives every item the same relative uncertainty,
 * sd/mean = √((1 − m)/(κ + m)) ≈ 1/√κ, whatever its predicted CTR, and evidence needs about
 * κ/m impressions (κ expected clicks) to weigh as much as the model, the scale on which
 * clicks can say anything about a CTR of m. So a fresh item's draws spread around the model's
 * guess (the exploration bonus), the mean sinks and the spread shrinks as impressions pile up
 * without clicks (ignored items fade), and clicks lift it (clicked items rise). m is clamped to
 * [1e-6, 1 − 1e-6]. Source: Chapelle & Li (2011), "An Empirical Evaluation of Thompson
 * Sampling" (Beta–Bernoulli Thompson sampling for display ads, prior from a CTR model);
 * Russo et al. (2018), "A Tutorial on Thompson Sampling", §3.
 */

export interface ItemExplorationStats {
  /** Times the item was shown since the last training. */
  impressions: number;
  /** Times it was clicked since the last training. */
  clicks: number;
}

export interface BetaParameters {
  alpha: number;
  beta: number;
}

/** Default κ: the model's guess counts as 4 pseudo-clicks (relative spread ≈ 45%). */
export const DEFAULT_PRIOR_CLICKS = 4;

const EPSILON = 1e-6;

export function coldItemPosterior(
  priorMean: number,
  { impressions, clicks }: ItemExplorationStats,
  priorClicks = DEFAULT_PRIOR_CLICKS,
): BetaParameters {
  if (!(priorClicks > 0)) throw new RangeError(`priorClicks must be > 0, got ${priorClicks}`);
  const m = Math.min(1 - EPSILON, Math.max(EPSILON, Number.isFinite(priorMean) ? priorMean : 0));
  const c = Math.max(0, clicks);
  const failures = Math.max(0, impressions - c);
  return { alpha: priorClicks + c, beta: (priorClicks * (1 - m)) / m + failures };
}
