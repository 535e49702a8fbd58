/**
 * Optimizers that see only parameters: each reads `p.grad` and writes `p.data` in place.
 *
 * {@link Adam} and {@link SGD} share one interface ({@link Optimizer}): a mutable `lr` that a
 * schedule may set before each update, `step()`, `zeroGrad()`, and `state()` / `setState()` for an
 * exact checkpoint resume. Moments are kept as `Float64Array` whatever the parameters' storage, so
 * the JSON state holds them exactly (a float64 survives `JSON.stringify` / `JSON.parse` bit for
 * bit) and long runs do not lose small updates to float32 rounding in the moments.
 *
 * State is keyed by parameter name (`pi.0.weight`); an unnamed parameter is keyed `#i` by its
 * position. A parameter whose gradient buffer was never allocated is skipped by `step()` (no moment
 * update, no weight decay), as PyTorch skips `p.grad is None`.
 *
 * Whether {@link Adam} and {@link clipGradNorm} run their wasm paths (lib/adam_wasm.ts, the same bits
 * as the TypeScript loops) is an explicit `simd` option; the optimizer never reads the global
 * matrix backend (lib/train.ts passes `simd: --backend == wasm`).
 *
 * @module
 */
import { AdamWasm, adamWasmSupported, clipGradsWasm } from "./adam_wasm.ts";
import type { Tensor } from "./tensor.ts";

/** What every optimizer offers: a settable learning rate, an update, and savable state. */
export interface Optimizer {
  /** The learning rate used by the next `step()`; a schedule may set it before each update. */
  lr: number;
  /** Updates every parameter in place from its `.grad`. */
  step(): void;
  /** Zeroes every parameter's gradient. */
  zeroGrad(): void;
  /** The full state as a JSON-able object. */
  state(): OptimizerState;
  /** Restores a state saved by `state()`; the next `step()` continues identically. */
  setState(state: OptimizerState): void;
}

/** The JSON-able state of an optimizer: its kind, step count, lr, and buffers per parameter name. */
export interface OptimizerState {
  /** `"adam"` or `"sgd"`. */
  kind: string;
  /** The number of updates taken so far (t). */
  step: number;
  /** The learning rate at the time of saving. */
  lr: number;
  /** Per-parameter buffers, e.g. `{ m: { "pi.0.weight": [...] }, v: {...} }`. */
  buffers: Record<string, Record<string, number[]>>;
}

/** Sets every parameter's gradient to zero (buffers are kept). */
export function zeroGrad(params: readonly Tensor[]): void {
  for (const p of params) p.zeroGrad();
}

/**
 * Scales all gradients together so that their global L2 norm is at most `maxNorm`.
 *
 * ```text
 * ‖g‖ = √(Σ_p Σ_i g_{p,i}²)                    over every parameter p
 * g ← g · maxNorm / (‖g‖ + 10⁻⁶)   if ‖g‖ > maxNorm, else unchanged
 * ```
 *
 * A non-finite norm (a NaN or ∞ gradient) is returned as-is and nothing is scaled, so the caller
 * can decide to stop.
 *
 * @param params the parameters whose `.grad` is clipped in place.
 * @param maxNorm the largest allowed norm, > 0.
 * @param opts.simd sum and scale float32 gradients in wasm (the same bits). Default: whether the
 *   runtime validates WebAssembly SIMD.
 * @returns ‖g‖ before clipping (the `grad_norm` metric).
 * @example
 * ```ts
 * import { clipGradNorm } from "./optim.ts";
 * import { Tensor } from "./tensor.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const p = Tensor.zeros([2], { float64: true });
 * p.grad.set([3, 4]);
 * strictEqual(clipGradNorm([p], 1), 5);
 * ok(Math.abs(p.grad[0] - 0.6) < 1e-6);
 * ```
 * Reference: PyTorch `torch.nn.utils.clip_grad_norm_`; Pascanu et al. (2013).
 */
export function clipGradNorm(
  params: readonly Tensor[],
  maxNorm: number,
  opts: { simd?: boolean } = {},
): number {
  if (!(maxNorm > 0)) throw new Error(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  if (opts.simd ?? adamWasmSupported()) { // the same bits in wasm (lib/adam_wasm.ts), for float32 gradients
    const grads = params.filter((p) => p.hasGrad).map((p) => p.grad);
    if (grads.every((g) => g instanceof Float32Array)) return clipGradsWasm(grads, maxNorm);
  }
  let sq = 0;
  for (const p of params) {
    if (!p.hasGrad) continue;
    const g = p.grad;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  const norm = Math.sqrt(sq);
  if (!Number.isFinite(norm) || norm <= maxNorm) return norm;
  const scale = maxNorm / (norm + 1e-6);
  for (const p of params) {
    if (!p.hasGrad) continue;
    const g = p.grad;
    for (let i = 0; i < g.length; i++) g[i] *= scale;
  }
  return norm;
}

/** Stable keys for `params`: each name, or `#i` when unnamed; duplicates throw. */
function paramKeys(who: string, params: readonly Tensor[]): string[] {
  const keys = params.map((p, i) => p.name ?? `#${i}`);
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) {
      throw new Error(`${who}: two parameters share the name "${k}"; names key the state`);
    }
    seen.add(k);
  }
  return keys;
}

/** Base of {@link Adam} and {@link SGD}: parameters, keys, buffers, and the state round trip. */
abstract class BaseOptimizer implements Optimizer {
  lr: number;
  /** The number of updates taken so far (t). */
  t = 0;
  protected readonly params: readonly Tensor[];
  protected readonly keys: string[];
  protected readonly buffers: Record<string, Float64Array[]> = {};

  constructor(
    protected readonly kind: string,
    params: readonly Tensor[],
    lr: number,
    bufferNames: string[],
  ) {
    if (!(Number.isFinite(lr) && lr > 0)) {
      throw new Error(`${kind}: lr is ${lr}, expected a finite number > 0`);
    }
    this.params = params;
    this.keys = paramKeys(kind, params);
    this.lr = lr;
    for (const b of bufferNames) this.buffers[b] = params.map((p) => new Float64Array(p.size));
  }

  abstract step(): void;

  zeroGrad(): void {
    zeroGrad(this.params);
  }

  state(): OptimizerState {
    const buffers: OptimizerState["buffers"] = {};
    for (const [b, arrs] of Object.entries(this.buffers)) {
      buffers[b] = Object.fromEntries(this.keys.map((k, i) => [k, Array.from(arrs[i])]));
    }
    return { kind: this.kind, step: this.t, lr: this.lr, buffers };
  }

  setState(state: OptimizerState): void {
    const who = `${this.kind}.setState`;
    if (state?.kind !== this.kind) {
      throw new Error(`${who}: state is for optimizer "${state?.kind}", expected "${this.kind}"`);
    }
    if (!(Number.isInteger(state.step) && state.step >= 0) || !Number.isFinite(state.lr)) {
      throw new Error(`${who}: step ${state.step} / lr ${state.lr} must be a count and a number`);
    }
    for (const b of Object.keys(this.buffers)) {
      const saved = state.buffers?.[b];
      if (!saved) throw new Error(`${who}: state has no "${b}" buffers`);
      const extra = Object.keys(saved).filter((k) => !this.keys.includes(k));
      if (extra.length) {
        throw new Error(`${who}: state has "${b}" for unknown parameters ${extra.join(", ")}`);
      }
      this.keys.forEach((k, i) => {
        const arr = saved[k];
        if (!arr) throw new Error(`${who}: state has no "${b}" for parameter "${k}"`);
        if (arr.length !== this.params[i].size) {
          throw new Error(
            `${who}: "${b}" for "${k}" has ${arr.length} values, parameter has ${
              this.params[i].size
            }`,
          );
        }
      });
    }
    for (const b of Object.keys(this.buffers)) {
      this.keys.forEach((k, i) => this.buffers[b][i].set(state.buffers[b][k]));
    }
    this.t = state.step;
    this.lr = state.lr;
  }
}

/** Options for {@link Adam}. */
export interface AdamOptions {
  /** Learning rate α. Default 3e-4. */
  lr?: number;
  /** Decay of the first moment, β₁. Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, β₂. Default 0.999. */
  beta2?: number;
  /** ε added to √v̂ (outside the root, as PyTorch). Default 1e-8. */
  eps?: number;
  /** L2 penalty λ added to the gradient (PyTorch `Adam`, not `AdamW`). Default 0. */
  weightDecay?: number;
  /**
   * Update float32 parameters in wasm (lib/adam_wasm.ts, the same bits as the TypeScript loop).
   * Default: whether the runtime validates WebAssembly SIMD (as lib/backend.ts's default backend).
   */
  simd?: boolean;
}

/**
 * Adam with bias correction.
 *
 * ```text
 * g ← ∇θ + λ·θ                       λ: weightDecay (L2, as PyTorch Adam)
 * m ← β₁·m + (1 − β₁)·g              first moment
 * v ← β₂·v + (1 − β₂)·g²             second moment
 * m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   t: update count, from 1
 * θ ← θ − α·m̂ / (√v̂ + ε)
 * ```
 *
 * @example
 * ```ts
 * import { Adam } from "./optim.ts";
 * import { Tensor } from "./tensor.ts";
 * import { ok } from "node:assert/strict";
 * const w = Tensor.from([1], undefined, { float64: true, requiresGrad: true });
 * w.name = "w";
 * const opt = new Adam([w], { lr: 0.1 });
 * w.grad[0] = 2; // any positive gradient: the first step moves θ by −α
 * opt.step();
 * ok(Math.abs(w.data[0] - 0.9) < 1e-7);
 * ```
 * Reference: D. P. Kingma and J. Ba, "Adam" (ICLR 2015), Algorithm 1; PyTorch `torch.optim.Adam`.
 */
export class Adam extends BaseOptimizer {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Whether `step()` runs the wasm path for float32 parameters (see {@link AdamOptions.simd}). */
  readonly simd: boolean;
  #wasm?: AdamWasm | null; // undefined: not set up yet; null: float64 parameters

  /** @param params the parameters, each with a stable unique `name` (keys of the state). */
  constructor(params: readonly Tensor[], opts: AdamOptions = {}) {
    super("adam", params, opts.lr ?? 3e-4, ["m", "v"]);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    this.simd = opts.simd ?? adamWasmSupported();
    if (!(this.beta1 >= 0 && this.beta1 < 1 && this.beta2 >= 0 && this.beta2 < 1)) {
      throw new Error(`Adam: betas must be in [0, 1), got ${this.beta1}, ${this.beta2}`);
    }
  }

  /** The wasm path with `simd` and float32 parameters (see {@link adamSimd}). */
  #simd(): AdamWasm | undefined {
    if (!this.simd) return undefined;
    if (this.#wasm === undefined) this.#wasm = adamSimd(this.params, this.buffers) ?? null;
    return this.#wasm ?? undefined;
  }

  step(): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd, lr } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t; // bias corrections
    const simd = this.#simd();
    this.params.forEach((p, k) => {
      if (!p.hasGrad) return; // no gradient: untouched, as PyTorch skips p.grad = None
      if (simd) { // the same arithmetic in wasm, two lanes at a time: the same bits
        simd.update(k, p.data as Float32Array, p.grad as Float32Array, {
          b1,
          b2,
          wd,
          lr,
          c1,
          c2,
          eps,
        });
        return;
      }
      const m = this.buffers.m[k], v = this.buffers.v[k], th = p.data, g = p.grad;
      for (let i = 0; i < th.length; i++) {
        const gi = g[i] + wd * th[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        th[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    });
  }
}

/**
 * Adam's wasm path (lib/adam_wasm.ts) with `simd` and float32 parameters, set up on first
 * use: m and v move into its memory, and `buffers` become views of it.
 */
function adamSimd(params: readonly Tensor[], buffers: Record<string, Float64Array[]>) {
  if (!params.every((p) => p.data instanceof Float32Array)) return;
  const w = new AdamWasm(params.map((p) => p.size));
  w.m.forEach((view, k) => view.set(buffers.m[k]));
  w.v.forEach((view, k) => view.set(buffers.v[k]));
  buffers.m = w.m, buffers.v = w.v;
  return w;
}

/** Options for {@link SGD}. */
export interface SGDOptions {
  /** Learning rate α. Default 1e-2. */
  lr?: number;
  /** Momentum μ; 0 gives plain gradient descent. Default 0. */
  momentum?: number;
  /** L2 penalty λ added to the gradient. Default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with optional (heavy-ball) momentum.
 *
 * ```text
 * g ← ∇θ + λ·θ
 * b ← g at t = 1, else μ·b + g      b: momentum buffer (skipped when μ = 0)
 * θ ← θ − α·b
 * ```
 *
 * @example
 * ```ts
 * import { SGD } from "./optim.ts";
 * import { Tensor } from "./tensor.ts";
 * import { strictEqual } from "node:assert/strict";
 * const w = Tensor.from([1], undefined, { float64: true });
 * new SGD([w], { lr: 0.5 }).step(); // zero gradient: nothing moves
 * w.grad[0] = 2;
 * new SGD([w], { lr: 0.5 }).step();
 * strictEqual(w.data[0], 0);
 * ```
 * Reference: PyTorch `torch.optim.SGD`; B. T. Polyak (1964).
 */
export class SGD extends BaseOptimizer {
  momentum: number;
  weightDecay: number;

  /** @param params the parameters, each with a stable unique `name` (keys of the state). */
  constructor(params: readonly Tensor[], opts: SGDOptions = {}) {
    super("sgd", params, opts.lr ?? 1e-2, ["momentum"]);
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  step(): void {
    this.t++;
    const { momentum: mu, weightDecay: wd, lr } = this;
    this.params.forEach((p, k) => {
      if (!p.hasGrad) return; // no gradient: untouched, as PyTorch skips p.grad = None
      const b = this.buffers.momentum[k], th = p.data, g = p.grad;
      for (let i = 0; i < th.length; i++) {
        let d = g[i] + wd * th[i];
        if (mu !== 0) d = b[i] = this.t === 1 ? d : mu * b[i] + d;
        th[i] -= lr * d;
      }
    });
  }
}
