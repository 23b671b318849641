/**
 * The user tower's decayed window mean (user_tower.ts) at every position of a sequence at once,
 * and its gradient, in O(n·d) instead of O(n·L·d), for training:
 *
 *   S_k = Σ_{j=max(0,k−L)}^{k−1} γ^{k−1−j} x_j,   S_{k+1} = γ S_k + x_k − γ^L x_{k−L}
 *   Z_k = (1 − γ^{min(k,L)}) / (1 − γ),            u_k = S_k / Z_k   (u_0 = 0)
 *
 * u_k is the history vector of a user just before their k-th event. Backward, with
 * δ_k = (∂ℓ/∂u_k) / Z_k, the gradient of x_j is G_j = Σ_{k=j+1}^{j+L} γ^{k−1−j} δ_k, run
 * from the end as G_j = δ_{j+1} + γ G_{j+1} − γ^L δ_{j+1+L}. Sums are float64.
 * @module
 */

/** Writes u_k (row k of `out`, [n, d]) for the rows x_j of `x` ([n, d]). */
export function decayedWindowMeans(
  x: Float32Array,
  n: number,
  d: number,
  gamma: number,
  window: number,
  out: Float32Array,
  scratch: Float64Array = new Float64Array(d),
): void {
  const s = scratch.fill(0, 0, d);
  const gammaL = Math.pow(gamma, window);
  out.fill(0, 0, d);
  let z = 0;
  for (let k = 1; k < n; k++) {
    const prev = (k - 1) * d;
    const drop = k - 1 - window;
    for (let c = 0; c < d; c++) s[c] = gamma * s[c] + x[prev + c];
    if (drop >= 0) { for (let c = 0; c < d; c++) s[c] -= gammaL * x[drop * d + c]; }
    z = k <= window ? gamma * z + 1 : z;
    const inv = 1 / z;
    const row = k * d;
    for (let c = 0; c < d; c++) out[row + c] = s[c] * inv;
  }
}

/**
 * Adds ∂ℓ/∂x_j to row j of `gradX` ([n, d]) given ∂ℓ/∂u_k in row k of `gradU` ([n, d]).
 * `scratch` must hold 2·d float64s.
 */
export function decayedWindowMeansBackward(
  gradU: Float32Array,
  n: number,
  d: number,
  gamma: number,
  window: number,
  gradX: Float32Array,
  scratch: Float64Array = new Float64Array(2 * d),
): void {
  const g = scratch.fill(0, 0, d);
  const gammaL = Math.pow(gamma, window);
  const zOf = (k: number) => (1 - Math.pow(gamma, Math.min(k, window))) / (1 - gamma);
  for (let j = n - 2; j >= 0; j--) {
    const next = (j + 1) * d;
    const invNext = 1 / zOf(j + 1);
    const far = j + 1 + window;
    const invFar = far < n ? gammaL / zOf(far) : 0;
    for (let c = 0; c < d; c++) {
      g[c] = gradU[next + c] * invNext + gamma * g[c] - (far < n ? invFar * gradU[far * d + c] : 0);
    }
    const row = j * d;
    for (let c = 0; c < d; c++) gradX[row + c] += g[c];
  }
}
