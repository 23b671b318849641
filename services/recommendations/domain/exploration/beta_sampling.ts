/**
 * Seeded draws from Beta(α, β), the posterior Thompson sampling needs:
 *
 *   X ~ Gamma(α, 1), Y ~ Gamma(β, 1)   ⇒   X / (X + Y) ~ Beta(α, β)
 *
 * Gamma(a) for a ≥ 1 by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3): d = a − 1/3, c = 1/√(9d), v = (1 + c·z)³ with z ~ N(0, 1),
 * accept d·v when ln u < z²/2 + d − d·v + d·ln v. For a < 1 their boost
 * Gamma(a) = Gamma(a + 1) · U^(1/a) is applied in log space, because cold-item priors have
 * shapes near 0.05 where U^(1/a) underflows to 0 in float64. Normals by Box–Muller.
 * `random` is a uniform [0, 1) source (e.g. `mulberry32(seed)`), so draws are reproducible.
 */

function standardNormal(random: () => number): number {
  // 1 − u keeps the logarithm's argument in (0, 1].
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** ln of a Gamma(shape, 1) draw; shape > 0. */
export function sampleLogGamma(shape: number, random: () => number): number {
  if (shape < 1) {
    return sampleLogGamma(shape + 1, random) + Math.log(1 - random()) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = standardNormal(random);
    const t = 1 + c * z;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}

/** One Beta(alpha, beta) draw in [0, 1]; both shapes must be > 0. */
export function sampleBeta(alpha: number, beta: number, random: () => number): number {
  if (!(alpha > 0 && beta > 0)) {
    throw new RangeError(`Beta shapes must be > 0, got (${alpha}, ${beta})`);
  }
  const logX = sampleLogGamma(alpha, random);
  const logY = sampleLogGamma(beta, random);
  return 1 / (1 + Math.exp(logY - logX));
}
