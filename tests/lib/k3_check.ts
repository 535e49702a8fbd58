/** The Monte Carlo check that k3 is an unbiased, non-negative estimator of KL(p‖q), shared by the distribution tests. */
import { ok } from "node:assert/strict";
import { k3 } from "../../lib/normal.ts";
import type { Rng } from "../../lib/rng.ts";
import type { Tensor } from "../../lib/tensor.ts";

/** A distribution to sample from and score: DiagGaussian or Categorical. */
interface Sampled {
  sample(rng: Rng): Float32Array;
  logProb(a: Float32Array): Tensor;
}

/** Asserts mean over n samples a ~ p of k3(log p(a), log q(a)) is within 10 % (+ 2e-3) of `exact`, each ≥ 0. */
export function checkK3Unbiased(p: Sampled, q: Sampled, exact: number, rng: Rng, n = 40000): void {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const a = p.sample(rng);
    const est = k3(p.logProb(a), q.logProb(a)).item();
    ok(est >= 0);
    acc += est;
  }
  const m = acc / n, tol = 0.1 * exact + 2e-3;
  ok(Math.abs(m - exact) <= tol, `E[k3] vs exact KL: ${m} vs ${exact} (tol ${tol})`);
}
