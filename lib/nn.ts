/**
 * Multilayer perceptrons with named parameters and seeded orthogonal (default) or PyTorch-default
 * uniform initialization.
 *
 * ```text
 * h₀ = x,  hₗ = f(hₗ₋₁·Wₗ + bₗ)  for hidden layers,  y = h_L·W_out + b_out
 * ```
 *
 * Weights are stored [in, out] so a layer is one `linear` op. Names are stable and positional —
 * `pi.0.weight`, `pi.0.bias`, `pi.1.weight`, … — so checkpoints can name every tensor.
 *
 * `init: "uniform"` draws W and b from U(−k, k), k = 1/√in, PyTorch's `nn.Linear` default (what
 * SB3 uses with `ortho_init=False`); gains do not apply to it.
 *
 * Reference: A. Saxe et al., "Exact solutions to the nonlinear dynamics of learning" (2014) for
 * orthogonal init; the √2 / 0.01 gains follow CleanRL's `layer_init`; PyTorch `nn.Linear.reset_parameters`.
 *
 * @module
 */
import { linear, relu, tanh } from "./ops.ts";
import type { Rng } from "./rng.ts";
import { fmtShape, Tensor } from "./tensor.ts";

/** Hidden-layer nonlinearities. */
export const activations = { relu, tanh } as const;
/** The name of a hidden-layer nonlinearity. */
export type Activation = keyof typeof activations;

/**
 * A [rows, cols] matrix with orthonormal rows or columns (whichever are fewer), times `gain`,
 * by modified Gram–Schmidt on Gaussian draws.
 */
export function orthogonal(rows: number, cols: number, gain: number, rng: Rng): Float32Array {
  const n = Math.min(rows, cols), len = Math.max(rows, cols);
  const vecs: Float64Array[] = [];
  while (vecs.length < n) {
    const u = Float64Array.from({ length: len }, () => rng.normal());
    for (const q of vecs) {
      let dot = 0;
      for (let i = 0; i < len; i++) dot += u[i] * q[i];
      for (let i = 0; i < len; i++) u[i] -= dot * q[i];
    }
    const norm = Math.hypot(...u);
    if (norm < 1e-6) continue; // a degenerate draw: draw again
    for (let i = 0; i < len; i++) u[i] /= norm;
    vecs.push(u);
  }
  const w = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      w[r * cols + c] = gain * (rows <= cols ? vecs[r][c] : vecs[c][r]);
    }
  }
  return w;
}

/** How a layer's parameters start: orthogonal W with a gain and b = 0, or PyTorch's U(±1/√in). */
export type Init = "orthogonal" | "uniform";

/** An affine layer y = x·W + b with W [in, out] and b [out]. */
export class Linear {
  readonly weight: Tensor;
  readonly bias: Tensor;

  /** @param opts.gain orthogonal-init gain; `init` default "orthogonal"; `name` prefixes `.weight` / `.bias`. */
  constructor(
    inSize: number,
    outSize: number,
    opts: { rng: Rng; name: string; gain?: number; init?: Init },
  ) {
    const k = 1 / Math.sqrt(inSize), { rng } = opts;
    const uniform = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-k, k));
    const w = opts.init === "uniform"
      ? uniform(inSize * outSize)
      : orthogonal(inSize, outSize, opts.gain ?? Math.SQRT2, rng);
    this.weight = new Tensor(w, [inSize, outSize], {
      requiresGrad: true,
      name: `${opts.name}.weight`,
    });
    const b = opts.init === "uniform" ? uniform(outSize) : new Float32Array(outSize);
    this.bias = new Tensor(b, [outSize], {
      requiresGrad: true,
      name: `${opts.name}.bias`,
    });
  }

  /** @param x [B, in] @returns [B, out] */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  /** [weight, bias] */
  parameters(): Tensor[] {
    return [this.weight, this.bias];
  }
}

/** Options for {@link Mlp}. */
export interface MlpOptions {
  rng: Rng;
  /** Hidden layer sizes. Default [256, 256]. */
  hidden?: number[];
  /** Hidden nonlinearity. Default "relu". */
  activation?: Activation;
  /** Parameter name prefix. Default "mlp". */
  name?: string;
  /** Init gain of the output layer. Default 1. */
  outGain?: number;
  /** Parameter init. Default "orthogonal". */
  init?: Init;
}

/**
 * An MLP trunk + output layer: in → hidden… → out.
 *
 * @example
 * ```ts
 * import { Mlp } from "./nn.ts";
 * import { Rng } from "./rng.ts";
 * import { Tensor } from "./tensor.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const net = new Mlp(3, 2, { rng: new Rng(0), hidden: [8], name: "f" });
 * deepStrictEqual(net.forward(Tensor.zeros([5, 3])).shape, [5, 2]);
 * deepStrictEqual(net.parameters().map((p) => p.name), ["f.0.weight", "f.0.bias", "f.1.weight", "f.1.bias"]);
 * ```
 */
export class Mlp {
  readonly layers: Linear[];
  readonly activation: Activation;
  readonly inSize: number;

  constructor(inSize: number, outSize: number, opts: MlpOptions) {
    const { rng, hidden = [256, 256], activation = "relu", name = "mlp", outGain = 1 } = opts;
    if (!(activation in activations)) {
      throw new Error(
        `Unknown activation "${activation}": valid ones are ${Object.keys(activations).join(", ")}`,
      );
    }
    const sizes = [inSize, ...hidden, outSize];
    if (!sizes.every((n) => Number.isInteger(n) && n > 0)) {
      throw new Error(
        `${name}: layer sizes must be positive integers, got input ${inSize}, hidden [${
          hidden.join(", ")
        }], output ${outSize}`,
      );
    }
    this.layers = sizes.slice(1).map((n, l) =>
      new Linear(sizes[l], n, {
        rng,
        name: `${name}.${l}`,
        gain: l === hidden.length ? outGain : Math.SQRT2,
        init: opts.init,
      })
    );
    this.activation = activation;
    this.inSize = inSize;
  }

  /** The hidden trunk only: x [B, in] → h [B, H_last]. */
  trunk(x: Tensor): Tensor {
    if (x.shape.length !== 2 || x.shape[1] !== this.inSize) {
      throw new Error(`Mlp expects input [B, ${this.inSize}], got ${fmtShape(x.shape)}`);
    }
    const f = activations[this.activation];
    let h = x;
    for (let l = 0; l < this.layers.length - 1; l++) h = f(this.layers[l].forward(h));
    return h;
  }

  /** x [B, in] → y [B, out]. */
  forward(x: Tensor): Tensor {
    return this.layers[this.layers.length - 1].forward(this.trunk(x));
  }

  /** Every parameter, in a stable order. */
  parameters(): Tensor[] {
    return this.layers.flatMap((l) => l.parameters());
  }
}
