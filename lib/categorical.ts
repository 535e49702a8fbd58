/**
 * The categorical distribution over K actions, parameterized by unnormalized logits z.
 *
 * ```text
 * log π(a) = z_a − log Σ_k e^{z_k}                  (log-softmax, stable)
 * H        = −Σ_k π_k·log π_k
 * KL(p‖q)  =  Σ_k p_k·(log p_k − log q_k)
 * k3       =  e^δ − δ − 1,  δ = clip(log π_ref(a) − log π_θ(a), −20, 20)   (a ~ π_θ; `k3` in normal.ts)
 * ```
 *
 * Shapes: B batch, K number of actions. z is [B, K]; an action is its index, stored as a number.
 *
 * Reference: PyTorch `torch.distributions.Categorical`; J. Schulman, "Approximating KL divergence"
 * (2020) for k3.
 *
 * @module
 */
import { exp, logSoftmax, mul, neg, sub, sum } from "./ops.ts";
import type { Rng } from "./rng.ts";
import { fmtShape, like, record, type Storage, Tensor } from "./tensor.ts";

/**
 * A batch of categorical distributions Cat(softmax(z)).
 *
 * @example
 * ```ts
 * import { Categorical } from "./categorical.ts";
 * import { Tensor } from "./tensor.ts";
 * import { ok } from "node:assert/strict";
 * // z = [0, ln 3]: π = [¼, ¾]
 * const p = new Categorical(Tensor.from([[0, Math.log(3)]]));
 * ok(Math.abs(p.logProb(new Float32Array([1])).item() - Math.log(0.75)) < 1e-6);
 * ```
 */
export class Categorical {
  /** B */
  readonly batch: number;
  /** K */
  readonly n: number;
  /** log π = log-softmax(z), [B, K], differentiable in z */
  readonly logProbs: Tensor;

  /** @param logits z, [B, K], differentiable */
  constructor(readonly logits: Tensor) {
    if (logits.shape.length !== 2 || logits.shape[1] < 1) {
      throw new Error(`Categorical needs logits [B, K] with K ≥ 1, got ${fmtShape(logits.shape)}`);
    }
    [this.batch, this.n] = logits.shape;
    this.logProbs = logSoftmax(logits);
  }

  /** a ~ π by inverting the CDF with one uniform per row. Not differentiable. @returns [B] indices */
  sample(rng: Rng, out: Float32Array = new Float32Array(this.batch)): Float32Array {
    const lp = this.logProbs.data, K = this.n;
    for (let i = 0; i < this.batch; i++) {
      const u = rng.uniform();
      let k = 0, c = Math.exp(lp[i * K]);
      while (k < K - 1 && u >= c) c += Math.exp(lp[i * K + ++k]); // first k with Σ_{j≤k} π_j > u
      out[i] = k;
    }
    return out;
  }

  /** argmax_k π_k per row (the lowest index on ties), the deterministic action. @returns [B] */
  mode(): Float32Array {
    const z = this.logits.data, K = this.n, out = new Float32Array(this.batch);
    for (let i = 0; i < this.batch; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (z[i * K + k] > z[i * K + best]) best = k;
      out[i] = best;
    }
    return out;
  }

  /**
   * log π(a): row i's log-probability at index aᵢ (a gather).
   * @param actions [B] indices (integers in [0, K)), a constant
   * @returns [B], differentiable in z
   */
  logProb(actions: Storage | Tensor): Tensor {
    const a = actions instanceof Tensor ? actions.data : actions;
    const lp = this.logProbs, B = this.batch, K = this.n;
    if (a.length !== B) {
      throw new Error(`logProb: actions have ${a.length} elements, expected B = ${B}`);
    }
    const y = new Tensor(like(lp, B), [B]);
    for (let i = 0; i < B; i++) {
      if (!(Number.isInteger(a[i]) && a[i] >= 0 && a[i] < K)) {
        throw new Error(`logProb: actions[${i}] is ${a[i]}, expected an integer in [0, ${K - 1}]`);
      }
      y.data[i] = lp.data[i * K + a[i]];
    }
    return record(y, [lp], (gy) => {
      for (let i = 0; i < B; i++) lp.grad[i * K + a[i]] += gy[i]; // ∂yᵢ/∂log π_{i,k} = [k = aᵢ]
    });
  }

  /** H = −Σ_k π_k·log π_k. @returns [B], differentiable in z */
  entropy(): Tensor {
    return neg(sum(mul(exp(this.logProbs), this.logProbs), { axis: -1 }));
  }
}

/**
 * The exact KL(p‖q) = Σ_k p_k·(log p_k − log q_k) between categoricals, per row.
 * @returns [B], differentiable in both logits
 */
export function categoricalKl(p: Categorical, q: Categorical): Tensor {
  if (p.batch !== q.batch || p.n !== q.n) {
    throw new Error(
      `categoricalKl: distributions differ in shape: ${fmtShape(p.logits.shape)} vs ${
        fmtShape(q.logits.shape)
      }`,
    );
  }
  return sum(mul(exp(p.logProbs), sub(p.logProbs, q.logProbs)), { axis: -1 });
}
