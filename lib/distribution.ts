/**
 * The action distributions a policy returns: {@link DiagGaussian} for a Box action space,
 * {@link Categorical} for a Discrete one. The losses need only `logProb` and `entropy` of either;
 * this file adds the two operations that depend on the kind: the exact KL and a row gather.
 *
 * ```text
 * KL(p‖q)  Gaussian: ½ Σ_d [v_q − v_p + (e^{v_p} + (μ_p − μ_q)²)·e^{−v_q} − 1]
 *          categorical: Σ_k p_k·(log p_k − log q_k)
 * ```
 *
 * Reference: normal.ts and categorical.ts.
 *
 * @module
 */
import { gatherRows } from "./batch.ts";
import { Categorical, categoricalKl } from "./categorical.ts";
import { DiagGaussian, kl } from "./normal.ts";
import { Tensor } from "./tensor.ts";

/** A batch of action distributions of one kind: Gaussian (Box) or categorical (Discrete). */
export type ActionDistribution = DiagGaussian | Categorical;

/**
 * The exact KL(p‖q) per row, for two distributions of the same kind.
 *
 * @example
 * ```ts
 * import { klDivergence } from "./distribution.ts";
 * import { Categorical } from "./categorical.ts";
 * import { Tensor } from "./tensor.ts";
 * import { ok } from "node:assert/strict";
 * const p = new Categorical(Tensor.from([[0, 1]]));
 * ok(Math.abs(klDivergence(p, p).item()) < 1e-7);
 * ```
 * @returns [B], differentiable in both
 */
export function klDivergence(p: ActionDistribution, q: ActionDistribution): Tensor {
  if (p instanceof DiagGaussian && q instanceof DiagGaussian) return kl(p, q);
  if (p instanceof Categorical && q instanceof Categorical) return categoricalKl(p, q);
  throw new Error(
    `klDivergence: p is a ${p.constructor.name} and q a ${q.constructor.name}; both must be one kind`,
  );
}

/**
 * The distributions of rows `idx`, as constants (no graph): e.g. π_old of one minibatch.
 * @param d a batch of B distributions @param idx row indices in [0, B)
 */
export function gatherDist<T extends ActionDistribution>(d: T, idx: ArrayLike<number>): T {
  const rows = (t: Tensor) => {
    const w = t.size / t.shape[0];
    return new Tensor(gatherRows(t.data, idx, w), [idx.length, ...t.shape.slice(1)]);
  };
  if (d instanceof Categorical) return new Categorical(rows(d.logits)) as T;
  const g = d as DiagGaussian;
  const logVar = g.logVar.size === g.dim && g.logVar.shape.length === 1 ? g.logVar : rows(g.logVar); // shared [D]
  return new DiagGaussian(rows(g.mean), logVar) as T;
}
