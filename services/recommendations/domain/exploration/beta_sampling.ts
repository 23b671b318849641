/**
 * Seeded draws from Beta(α, β), the posterior Thompson sampling needs:
 *
 *   X ~ Gamma(α, 1), Y ~ Gamma(β, 1)   ⇒   X / (X + Y) ~ Beta(α, β)
 *
 * Gamma(a) for a ≥ 1 by Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", ACM TOMS 26(3): d = a − 1/3, c = 1/√(9d), v = (1 + c·z)³ with z ~ N(0, 1),
 * accept d·v when u < 1 − 0.0331·z⁴ (their squeeze) or ln u < z²/2 + d − d·v + d·ln v. For a < 1 their boost
 * Gamma(a) = Gamma(a + 1) · U^(1/a) is applied in log space, because cold-item priors have
 * shapes can be small, where U^(1/a) underflows to 0 in float64. Normals by the polar method.
 * `random` is a uniform [0, 1) source (e.g. `mulberry32(seed)`), so draws are reproducible.
 */

/** N(0, 1) by Marsaglia's polar method (no trigonometry; one of each pair is used). */
function standardNormal(random: () => number): number {
  let x: number, y: number, s: number;
  do {
    x = 2 * random() - 1;
    y = 2 * random() - 1;
    s = x * x + y * y;
  } while (s >= 1 || s === 0);
  return x * Math.sqrt((-2 * Math.log(s)) / s);
}

/** A Gamma(shape, 1) draw for shape ≥ 1 (Marsaglia–Tsang with their squeeze, exact). */
function sampleGamma(shape: number, random: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = standardNormal(random);
    const t = 1 + c * z;
    if (t <= 0) continue;
    const v = t * t * t;
    const u = 1 - random();
    const z2 = z * z;
    // The squeeze accepts about 98% of draws without a logarithm.
    if (u < 1 - 0.0331 * z2 * z2) return d * v;
    if (Math.log(u) < 0.5 * z2 + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** ln of a Gamma(shape, 1) draw; shape > 0. */
export function sampleLogGamma(shape: number, random: () => number): number {
  if (shape < 1) {
    return sampleLogGamma(shape + 1, random) + Math.log(1 - random()) / shape;
  }
  return Math.log(sampleGamma(shape, random));
}

export function sampleBeta(alpha: number, beta: number, random: () => number): number {
  if (!(alpha > 0 && beta > 0)) {
    throw new RangeError(`Beta shapes must be > 0, got (${alpha}, ${beta})`);
  }
  if (alpha >= 1 && beta >= 1) {
    const x = sampleGamma(alpha, random);
    return x / (x + sampleGamma(beta, random));
  }
  const logX = sampleLogGamma(alpha, random);
  const logY = sampleLogGamma(beta, random);
  return 1 / (1 + Math.exp(logY - logX));
}
