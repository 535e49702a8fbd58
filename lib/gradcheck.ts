/**
 * A central-difference gradient checker in float64, exported so users can audit their own ops.
 *
 * ```text
 * L(x) = Σᵢ wᵢ·fᵢ(x)                      w: fixed random weights, so every output element counts
 * ∂L/∂xⱼ ≈ (L(x + ε·eⱼ) − L(x − ε·eⱼ)) / 2ε   (error O(ε²))
 * pass ⇔ |analytic − numeric| ≤ atol + rtol·|numeric| for every j
 * ```
 *
 * Reference: Nocedal and Wright, *Numerical Optimization* (2006), §8.1.
 *
 * @module
 */
import { Rng } from "./rng.ts";
import { noGrad, Tensor } from "./tensor.ts";

/** Options for {@link gradcheck}. */
export interface GradcheckOptions {
  /** Finite-difference step ε. Default 1e-6. */
  eps?: number;
  /** Relative tolerance. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-7. */
  atol?: number;
  /** Seed for the output weights w. Default 0. */
  seed?: number;
  /**
   * Check the given tensors themselves rather than float64 copies passed to `fn`: their data is
   * switched to float64 for the check and restored afterwards. Use it to audit a module through
   * its parameters: `gradcheck(() => loss(model), model.parameters(), { inPlace: true })`.
   * Default false.
   */
  inPlace?: boolean;
}

/** The outcome of {@link gradcheck}: `ok`, the worst error, and a message naming it. */
export interface GradcheckResult {
  ok: boolean;
  maxAbsError: number;
  message: string;
}

/**
 * Compares the tape's gradient of `fn` with central differences, in float64.
 *
 * @param fn any function of tensors built from differentiable ops; its output may have any shape.
 * @param inputs the point to check at; copied to float64, so the originals are untouched.
 * @example
 * ```ts
 * import { gradcheck } from "./gradcheck.ts";
 * import { Tensor } from "./tensor.ts";
 * import { exp, sum } from "./ops.ts";
 * import { ok } from "node:assert/strict";
 * ok(gradcheck((x) => sum(exp(x)), [Tensor.from([0.5, -1, 2])]).ok);
 * ```
 */
export function gradcheck(
  fn: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  opts: GradcheckOptions = {},
): GradcheckResult {
  if (!opts.inPlace) {
    const copies = inputs.map((x) =>
      new Tensor(Float64Array.from(x.data), x.shape, { requiresGrad: true })
    );
    return check(fn, copies, opts);
  }
  const saved = inputs.map((x) => ({
    data: x.data,
    req: x.requiresGrad,
    grad: x.hasGrad ? x.grad.slice() : null,
  }));
  for (const x of inputs) { // float64 for the check; gradients start from zero
    x.data = Float64Array.from(x.data);
    x.dropGrad();
    x.requiresGrad = true;
  }
  try {
    return check(fn, inputs, opts);
  } finally {
    inputs.forEach((x, i) => {
      x.data = saved[i].data;
      x.dropGrad();
      if (saved[i].grad) x.grad.set(saved[i].grad!);
      x.requiresGrad = saved[i].req;
    });
  }
}

function check(
  fn: (...xs: Tensor[]) => Tensor,
  xs: Tensor[],
  opts: GradcheckOptions,
): GradcheckResult {
  const { eps = 1e-6, rtol = 1e-5, atol = 1e-7, seed = 0 } = opts;
  const y = fn(...xs);
  if (!(y.data instanceof Float64Array)) {
    throw new Error(
      `gradcheck: fn returned ${y.data.constructor.name} data; ops must keep float64 inputs in float64`,
    );
  }
  const rng = new Rng(seed);
  const w = Float64Array.from(
    { length: y.size },
    () => rng.uniform(0.5, 1.5) * (rng.uniform() < 0.5 ? -1 : 1),
  );
  const weighted = (t: Tensor) => {
    let s = 0;
    for (let i = 0; i < t.size; i++) s += t.data[i] * w[i];
    return s;
  };
  // Seed ∂L/∂y = w by backpropagating through L = Σ wᵢ·yᵢ written as one recorded node.
  const loss = new Tensor(new Float64Array([weighted(y)]), []);
  loss._link([y], (g) => {
    for (let i = 0; i < y.size; i++) y.grad[i] += w[i] * g[0];
  });
  loss.backward();

  let maxAbsError = 0;
  let worst = "";
  let ok = true;
  for (let a = 0; a < xs.length; a++) {
    const x = xs[a];
    const analytic = x.hasGrad ? x.grad : new Float64Array(x.size);
    for (let j = 0; j < x.size; j++) {
      const orig = x.data[j];
      x.data[j] = orig + eps;
      const plus = noGrad(() => weighted(fn(...xs)));
      x.data[j] = orig - eps;
      const minus = noGrad(() => weighted(fn(...xs)));
      x.data[j] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const err = Math.abs(analytic[j] - numeric);
      if (err > maxAbsError) maxAbsError = err;
      if (!(err <= atol + rtol * Math.abs(numeric))) {
        if (ok) worst = `input ${a} element ${j}: analytic ${analytic[j]} vs numeric ${numeric}`;
        ok = false;
      }
    }
  }
  return {
    ok,
    maxAbsError,
    message: ok
      ? `ok (max abs error ${maxAbsError.toExponential(2)})`
      : `gradient mismatch at ${worst}`,
  };
}
