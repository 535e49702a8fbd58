/**
 * The GRPO objective for a Gaussian policy: the clipped ratio surrogate with separate ε_low and
 * ε_high, a KL trust region to the old policy with an adaptive β, and an optional KL to a frozen
 * reference policy (k3 estimator or the exact Gaussian KL).
 *
 * ```text
 * r_t   = π_θ(a_t|s_t) / π_old(a_t|s_t) = exp(clip(log π_θ − log π_old, −20, 20))
 * L_clip = −mean_t min(r_t·Â_t, clip(r_t, 1 − ε_low, 1 + ε_high)·Â_t)
 * L      = L_clip + β_old·mean_t KL(π_old‖π_θ)(s_t) + β_ref·mean_t KL(π_θ‖π_ref)(s_t) − c_H·mean_t H(π_θ)(s_t)
 * adaptive β_old (PPO §4), d = mean KL(π_old‖π_θ) after the update:
 *   d < d_targ/1.5 ⇒ β_old ← β_old/2;   d > 1.5·d_targ ⇒ β_old ← 2·β_old
 * ```
 * The mean runs over every step in the batch (DAPO's step-level normalization). The log-ratio is
 * bounded to ±20 before exp (normal.ts MAX_LOG_RATIO), so r stays finite in float32; beyond the
 * bound it passes no gradient.
 *
 * Reference: Shao et al., DeepSeekMath (arXiv 2402.03300) eq. 3; Schulman et al., PPO (arXiv 1707.06347) §3–4;
 * Yu et al., DAPO (arXiv 2503.14476) clip-higher.
 *
 * @module
 */
import { type ActionDistribution, klDivergence } from "./distribution.ts";
import { k3, MAX_LOG_RATIO } from "./normal.ts";
import { add, clamp, exp, mean, minimum, mul, mulScalar, sub } from "./ops.ts";
import { Tensor } from "./tensor.ts";

/** Which estimator of KL(π_θ‖π_ref) to use. */
export type RefKl = "k3" | "exact";

/** Options for {@link grpoLoss}. */
export interface GrpoLossOptions {
  /** ε_low: the ratio's lower clip is 1 − ε_low. Default 0.2. */
  epsLow?: number;
  /** ε_high: the ratio's upper clip is 1 + ε_high. Default 0.28 (DAPO clip-higher). */
  epsHigh?: number;
  /** β_old, the trust-region coefficient on KL(π_old‖π_θ) (`--kl-coef`). Default 0 (off). */
  klCoef?: number;
  /** β_ref, the coefficient on KL(π_θ‖π_ref). Default 0 (no reference). */
  refCoef?: number;
  /** The reference-KL estimator. Default "k3". */
  refKl?: RefKl;
  /** c_H, the entropy bonus. Default 0. */
  entCoef?: number;
}

/** One minibatch of GRPO data (B rows). */
export interface GrpoMinibatch {
  /** a, [B·D] as sampled (unclipped); for a categorical π, [B] action indices. */
  actions: Float32Array;
  /** log π_old(a|s), [B]. */
  logProbOld: Float32Array;
  /** Â, [B]. */
  advantages: Float32Array;
  /** π_old(·|s), needed when β_old > 0. */
  oldDist?: ActionDistribution;
  /** π_ref(·|s), needed when β_ref > 0. */
  refDist?: ActionDistribution;
}

/** The logged terms of one loss evaluation (plain numbers). */
export interface GrpoTerms {
  policy_loss: number;
  kl_old: number;
  kl_ref: number;
  entropy: number;
  approx_kl: number;
  clip_low: number;
  clip_high: number;
}

/**
 * The GRPO loss of the current policy's distribution on a minibatch.
 * @param dist π_θ(·|s) for the B rows, differentiable
 * @returns the scalar loss (differentiable) and its terms for logging
 */
export function grpoLoss(
  dist: ActionDistribution,
  batch: GrpoMinibatch,
  opts: GrpoLossOptions = {},
): { loss: Tensor; terms: GrpoTerms } {
  const { epsLow = 0.2, epsHigh = 0.28, klCoef = 0, refCoef = 0, refKl = "k3", entCoef = 0 } = opts;
  const B = dist.batch;
  const adv = new Tensor(batch.advantages, [B]);
  const logProb = dist.logProb(batch.actions);
  const logRatio = sub(logProb, new Tensor(batch.logProbOld, [B])); // log r = log π_θ − log π_old
  const ratio = exp(clamp(logRatio, -MAX_LOG_RATIO, MAX_LOG_RATIO)); // |log r| ≤ 20: finite in float32
  const unclipped = mul(ratio, adv); // r·Â
  const clipped = mul(clamp(ratio, 1 - epsLow, 1 + epsHigh), adv); // clip(r, 1 − ε_low, 1 + ε_high)·Â
  const policyLoss = mulScalar(mean(minimum(unclipped, clipped)), -1);
  let loss = policyLoss;
  let klOld = NaN, klRef = NaN, entropy = NaN;
  if (klCoef > 0) {
    if (!batch.oldDist) throw new Error(`grpoLoss: klCoef = ${klCoef} needs batch.oldDist`);
    const k = mean(klDivergence(batch.oldDist, dist)); // KL(π_old‖π_θ)
    klOld = k.item();
    loss = add(loss, mulScalar(k, klCoef));
  }
  if (refCoef > 0) {
    if (!batch.refDist) throw new Error(`grpoLoss: refCoef = ${refCoef} needs batch.refDist`);
    const k = mean(
      refKl === "exact"
        ? klDivergence(dist, batch.refDist)
        : k3(logProb, batch.refDist.logProb(batch.actions)),
    );
    klRef = k.item();
    loss = add(loss, mulScalar(k, refCoef));
  }
  if (entCoef !== 0) {
    const h = mean(dist.entropy());
    entropy = h.item();
    loss = sub(loss, mulScalar(h, entCoef));
  }
  // Diagnostics, not differentiated.
  let approxKl = 0, low = 0, high = 0;
  for (let i = 0; i < B; i++) {
    const lr = logRatio.data[i], r = ratio.data[i], a = batch.advantages[i];
    approxKl += r - 1 - lr; // k3 of π_old vs π_θ: (r − 1) − log r
    if (r < 1 - epsLow && a < 0) low++;
    if (r > 1 + epsHigh && a > 0) high++;
  }
  return {
    loss,
    terms: {
      policy_loss: policyLoss.item(),
      kl_old: klOld,
      kl_ref: klRef,
      entropy,
      approx_kl: approxKl / B,
      clip_low: low / B,
      clip_high: high / B,
    },
  };
}

/**
 * The adaptive-β rule of PPO §4 for the trust region to π_old.
 * @param beta β_old before the update @param d measured mean KL(π_old‖π_θ) @param target d_targ
 * @example
 * ```ts
 * import { adaptKlCoef } from "./grpo.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(adaptKlCoef(1, 0.001, 0.01), 0.5);
 * strictEqual(adaptKlCoef(1, 0.02, 0.01), 2);
 * strictEqual(adaptKlCoef(1, 0.01, 0.01), 1);
 * ```
 */
export function adaptKlCoef(beta: number, d: number, target: number): number {
  if (d < target / 1.5) return beta / 2;
  if (d > target * 1.5) return beta * 2;
  return beta;
}
