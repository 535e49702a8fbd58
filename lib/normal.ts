/**
 * The diagonal Gaussian parameterized by its mean μ and log-variance v = log σ².
 *
 * ```text
 * log π(a) = −½ Σ_d [ (a_d − μ_d)²·e^{−v_d} + v_d + log 2π ]
 * H        =  ½ Σ_d [ 1 + log 2π + v_d ]
 * KL(p‖q)  =  ½ Σ_d [ v_q − v_p + (e^{v_p} + (μ_p − μ_q)²)·e^{−v_q} − 1 ]
 * k3       =  e^δ − δ − 1,  δ = clip(log π_ref(a) − log π_θ(a), −20, 20)
 * ```
 * k3 with a ~ π_θ is unbiased for KL(π_θ‖π_ref) and ≥ 0. δ is bounded to ±{@link MAX_LOG_RATIO}
 * before the exponential so e^δ stays finite in float32 (e^89 overflows); beyond the bound δ
 * passes no gradient.
 *
 * Shapes: B batch, D action size. μ is [B, D]; v is [B, D] (state-dependent head) or [D]
 * (state-independent log σ, broadcast over rows).
 *
 * Reference: J. Schulman, "Approximating KL divergence" (2020) for k3; DeepSeekMath (arXiv 2402.03300) eq. 4.
 *
 * @module
 */
import { add, clamp, exp, mul, mulScalar, sub, sum } from "./ops.ts";
import type { Rng } from "./rng.ts";
import { fmtShape, like, record, type Storage, Tensor } from "./tensor.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The bound on a log-ratio before `exp` (ratios and k3): |log r| ≤ 20, so r ∈ [2.1e-9, 4.9e8].
 * PPO codebases use about the same; inside the bound results are unchanged.
 */
export const MAX_LOG_RATIO = 20;

/**
 * A batch of diagonal Gaussians N(μ, diag(e^v)).
 *
 * @example
 * ```ts
 * import { DiagGaussian } from "./normal.ts";
 * import { Tensor } from "./tensor.ts";
 * import { ok } from "node:assert/strict";
 * const p = new DiagGaussian(Tensor.from([[0, 0]]), Tensor.from([[0, 0]]));
 * // log N(0 | 0, 1)² = −log 2π
 * ok(Math.abs(p.logProb(new Float32Array([0, 0])).item() + Math.log(2 * Math.PI)) < 1e-6);
 * ```
 */
export class DiagGaussian {
  /** [B, D] */
  readonly batch: number;
  /** D */
  readonly dim: number;

  /**
   * @param mean μ, [B, D], differentiable
   * @param logVar v = log σ², [B, D] or [D], differentiable
   */
  constructor(readonly mean: Tensor, readonly logVar: Tensor) {
    const D = mean.shape[mean.shape.length - 1];
    if (
      mean.shape.length !== 2 ||
      !(logVar.size === mean.size || (logVar.size === D && logVar.shape.length === 1))
    ) {
      throw new Error(
        `DiagGaussian needs mean [B, D] and logVar [B, D] or [D], got ${fmtShape(mean.shape)} and ${
          fmtShape(logVar.shape)
        }`,
      );
    }
    this.batch = mean.shape[0];
    this.dim = D;
  }

  /** a = μ + e^{v/2}·z, z ~ N(0, I). Not differentiable. @returns [B·D], row-major */
  sample(rng: Rng, out: Float32Array = new Float32Array(this.mean.size)): Float32Array {
    const mu = this.mean.data, v = this.logVar.data, nv = v.length;
    for (let i = 0; i < mu.length; i++) out[i] = mu[i] + Math.exp(0.5 * v[i % nv]) * rng.normal();
    return out;
  }

  /**
   * log π(a) summed over D, fused into one op.
   * @param actions [B·D] or a [B, D] tensor; a constant
   * @returns [B], differentiable in μ and v
   */
  logProb(actions: Storage | Tensor): Tensor {
    const a = actions instanceof Tensor ? actions.data : actions;
    const mu = this.mean, v = this.logVar, B = this.batch, D = this.dim, nv = v.size;
    if (a.length !== mu.size) {
      throw new Error(
        `logProb: actions have ${a.length} elements, expected B·D = ${B}·${D} = ${mu.size}`,
      );
    }
    const y = new Tensor(like(mu, B), [B]);
    const z2 = like(mu); // (a − μ)²·e^{−v}
    for (let i = 0; i < B; i++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        const k = i * D + d, vk = v.data[nv === D ? d : k], diff = a[k] - mu.data[k];
        z2[k] = diff * diff * Math.exp(-vk);
        s += z2[k] + vk + LOG_2PI;
      }
      y.data[i] = -0.5 * s;
    }
    return record(y, [mu, v], (gy) => {
      for (let k = 0; k < mu.size; k++) {
        const g = gy[(k / D) | 0];
        if (mu.requiresGrad) {
          mu.grad[k] += g * (a[k] - mu.data[k]) * Math.exp(-v.data[nv === D ? k % D : k]); // ∂/∂μ = (a − μ)·e^{−v}
        }
        if (v.requiresGrad) v.grad[nv === D ? k % D : k] += g * 0.5 * (z2[k] - 1); // ∂/∂v = ½((a − μ)²e^{−v} − 1)
      }
    });
  }

  /**
   * H = ½ Σ_d (1 + log 2π + v_d), per row; a shared v [D] gives every row the same value.
   * @returns [B], differentiable in v
   */
  entropy(): Tensor {
    const perDim = mulScalar(add(this.logVar, constLike(this.logVar, 1 + LOG_2PI)), 0.5);
    const rows = new Tensor(like(this.mean).fill(0), this.mean.shape); // [B, D] zeros: [D] → [B, D]
    return sum(perDim.size === this.mean.size ? perDim : add(perDim, rows), { axis: -1 });
  }
}

function constLike(x: Tensor, c: number): Tensor {
  return new Tensor(like(x, 1).fill(c), [1]);
}

/**
 * The exact KL(p‖q) between diagonal Gaussians, per row.
 * @returns [B], differentiable in all four of μ_p, v_p, μ_q, v_q
 */
export function kl(p: DiagGaussian, q: DiagGaussian): Tensor {
  if (p.mean.size !== q.mean.size || p.dim !== q.dim) {
    throw new Error(
      `kl: distributions differ in shape: ${fmtShape(p.mean.shape)} vs ${fmtShape(q.mean.shape)}`,
    );
  }
  const dMu = sub(p.mean, q.mean); // μ_p − μ_q
  const invVarQ = exp(mulScalar(q.logVar, -1)); // e^{−v_q}
  const ratio = mul(add(exp(p.logVar), mul(dMu, dMu)), invVarQ); // (σ_p² + (μ_p − μ_q)²)/σ_q²
  const perDim = add(sub(q.logVar, p.logVar), add(ratio, constLike(ratio, -1))); // v_q − v_p + ratio − 1, [B, D] as ratio is
  return mulScalar(sum(perDim, { axis: -1 }), 0.5);
}

/**
 * The k3 estimator of KL(π_θ‖π_ref) from log-probabilities of samples a ~ π_θ.
 * @param logProb log π_θ(a), [B], differentiable
 * @param refLogProb log π_ref(a), [B], a constant
 * @returns [B], each ≥ 0
 */
export function k3(logProb: Tensor, refLogProb: Tensor): Tensor {
  const delta = clamp(sub(refLogProb, logProb), -MAX_LOG_RATIO, MAX_LOG_RATIO); // δ = log π_ref − log π_θ, bounded
  return sub(sub(exp(delta), delta), constLike(delta, 1)); // e^δ − δ − 1
}
