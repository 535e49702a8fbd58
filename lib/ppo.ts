/**
 * The PPO objective with a GAE critic: clipped ratio surrogate, clipped value loss and entropy bonus.
 *
 * ```text
 * r_t     = exp(clip(log π_θ(a_t|s_t) − log π_old(a_t|s_t), −20, 20))
 * L_clip  = −mean_t min(r_t·Â_t, clip(r_t, 1 − ε, 1 + ε)·Â_t)
 * L_V     = ½·mean_t max((V(s_t) − R_t)², (V_old + clip(V(s_t) − V_old, −ε, ε) − R_t)²)
 * L       = L_clip − c_H·mean_t H(π_θ)(s_t) + c_V·L_V
 * ```
 * `clipValue: false` drops the max with the clipped error (SB3's default, clip_range_vf = None);
 * `halfValueLoss: false` drops the ½ (SB3's F.mse_loss), so c_V means what SB3's vf_coef means.
 * The log-ratio is bounded to ±20 before exp (normal.ts MAX_LOG_RATIO), so r stays finite in
 * float32; beyond the bound it passes no gradient.
 *
 * Reference: Schulman et al., PPO (arXiv 1707.06347) eq. 7 and 9; CleanRL `ppo_continuous_action.py`.
 *
 * @module
 */
import type { ActionDistribution } from "./distribution.ts";
import { MAX_LOG_RATIO } from "./normal.ts";
import { add, clamp, exp, maximum, mean, minimum, mul, mulScalar, square, sub } from "./ops.ts";
import { Tensor } from "./tensor.ts";

/** Options for {@link ppoLoss}. */
export interface PpoLossOptions {
  /** ε, the ratio clip. Default 0.2. */
  clip?: number;
  /** Clip the value update to ±ε around V_old. Default true. */
  clipValue?: boolean;
  /** c_H. Default 0. */
  entCoef?: number;
  /** c_V. Default 0.5. */
  vfCoef?: number;
  /** The ½ in L_V (CleanRL). Default true; SB3 has none. */
  halfValueLoss?: boolean;
}

/** One PPO minibatch (B rows). */
export interface PpoMinibatch {
  /** a, [B·D]; for a categorical π, [B] action indices. */
  actions: Float32Array;
  /** log π_old(a|s), [B]. */
  logProbOld: Float32Array;
  /** Â, [B] (already normalized if requested). */
  advantages: Float32Array;
  /** R_t = Â_t + V_old(s_t), [B]. */
  returns: Float32Array;
  /** V_old(s_t), [B]. */
  valuesOld: Float32Array;
}

/** The logged terms of one PPO loss evaluation. */
export interface PpoTerms {
  policy_loss: number;
  value_loss: number;
  entropy: number;
  approx_kl: number;
  clipfrac: number;
}

/**
 * The PPO loss on a minibatch.
 * @param dist π_θ(·|s), differentiable @param values V(s), [B], differentiable
 */
export function ppoLoss(
  dist: ActionDistribution,
  values: Tensor,
  batch: PpoMinibatch,
  opts: PpoLossOptions = {},
): { loss: Tensor; terms: PpoTerms } {
  const { clip: eps = 0.2, clipValue = true, entCoef = 0, vfCoef = 0.5, halfValueLoss = true } =
    opts;
  const B = dist.batch;
  const adv = new Tensor(batch.advantages, [B]);
  const logRatio = sub(dist.logProb(batch.actions), new Tensor(batch.logProbOld, [B])); // log r
  const ratio = exp(clamp(logRatio, -MAX_LOG_RATIO, MAX_LOG_RATIO)); // |log r| ≤ 20: finite in float32
  const unclipped = mul(ratio, adv); // r·Â
  const clipped = mul(clamp(ratio, 1 - eps, 1 + eps), adv); // clip(r, 1 − ε, 1 + ε)·Â
  const policyLoss = mulScalar(mean(minimum(unclipped, clipped)), -1);
  const ret = new Tensor(batch.returns, [B]), vOld = new Tensor(batch.valuesOld, [B]);
  const vErr = square(sub(values, ret)); // (V − R)²
  const vClipped = add(vOld, clamp(sub(values, vOld), -eps, eps)); // V_old + clip(V − V_old, −ε, ε)
  const valueLoss = mulScalar(
    mean(clipValue ? maximum(vErr, square(sub(vClipped, ret))) : vErr),
    halfValueLoss ? 0.5 : 1,
  );
  const entropy = mean(dist.entropy());
  const loss = add(sub(policyLoss, mulScalar(entropy, entCoef)), mulScalar(valueLoss, vfCoef));
  let approxKl = 0, clipCount = 0;
  for (let i = 0; i < B; i++) {
    approxKl += ratio.data[i] - 1 - logRatio.data[i]; // (r − 1) − log r
    if (Math.abs(ratio.data[i] - 1) > eps) clipCount++;
  }
  return {
    loss,
    terms: {
      policy_loss: policyLoss.item(),
      value_loss: valueLoss.item(),
      entropy: entropy.item(),
      approx_kl: approxKl / B,
      clipfrac: clipCount / B,
    },
  };
}
