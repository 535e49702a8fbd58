/**
 * The diagonal Gaussian MLP policy π_θ(a|s) = N(μ_θ(s), diag σ²_θ(s)) and the MLP critic V_φ(s).
 *
 * ```text
 * h = f(f(s·W₀ + b₀)·W₁ + b₁)                  the trunk, f = ReLU by default, 2 × 256 units
 * μ = h·W_μ + b_μ                              the mean head
 * v = clamp(h·W_v + b_v, v_min, v_max)         the log-variance head, v = log σ²
 *   or v = clamp(2·log σ, v_min, v_max)        state-independent log σ (a parameter [D], as in PPO)
 * ```
 *
 * Shapes: B batch, S obs size, D action size, H hidden. Clamping v keeps σ² in [e^{v_min}, e^{v_max}]
 * so a runaway head cannot under- or overflow. Outside the range the clamp's gradient passes straight
 * through when it points back inside (`clamp(…, { inward: true })`), so a v pushed past a bound can
 * return; inside the range it is the plain clamp.
 *
 * Reference: Schulman et al. 2017 (PPO, state-independent log σ); Haarnoja et al. 2018 (clamped log σ).
 *
 * @module
 */
import { type Activation, type Init, Linear, Mlp } from "./nn.ts";
import { DiagGaussian } from "./normal.ts";
import { clamp, mulScalar, reshape } from "./ops.ts";
import { Rng } from "./rng.ts";
import { noGrad, Tensor } from "./tensor.ts";

/** Options for {@link GaussianMlpPolicy}. */
export interface PolicyOptions {
  /** The generator for parameter init. */
  rng: Rng;
  /** Hidden sizes. Default [256, 256]. */
  hidden?: number[];
  /** Hidden nonlinearity. Default "relu". */
  activation?: Activation;
  /** Use one log σ parameter per action dim instead of a log-variance head. Default false. */
  stateIndependentStd?: boolean;
  /** Initial log σ (the head's bias, or the parameter). Default 0. */
  initLogStd?: number;
  /** Parameter init of every layer (nn.ts). Default "orthogonal". */
  init?: Init;
  /** Clamp range [v_min, v_max] of the log-variance v = log σ². Default [−20, 4]. */
  logVarRange?: [number, number];
}

/**
 * A Gaussian policy with an MLP trunk and separate μ and log σ² heads.
 *
 * @example
 * ```ts
 * import { GaussianMlpPolicy } from "./policy.ts";
 * import { Rng } from "./rng.ts";
 * import { Tensor } from "./tensor.ts";
 * import { strictEqual } from "node:assert/strict";
 * const pi = new GaussianMlpPolicy(3, 1, { rng: new Rng(0), hidden: [16, 16] });
 * const dist = pi.forward(Tensor.zeros([4, 3]));
 * strictEqual(dist.logProb(new Float32Array(4)).shape[0], 4);
 * ```
 */
export class GaussianMlpPolicy {
  readonly obsSize: number;
  readonly actSize: number;
  readonly net: Mlp;
  readonly logVarHead?: Linear;
  readonly logStd?: Tensor;
  readonly logVarRange: [number, number];
  readonly #opts: PolicyOptions;

  constructor(obsSize: number, actSize: number, opts: PolicyOptions) {
    this.#opts = opts;
    const {
      rng,
      hidden = [256, 256],
      activation = "relu",
      stateIndependentStd = false,
      initLogStd = 0,
    } = opts;
    this.logVarRange = opts.logVarRange ?? [-20, 4];
    if (!(this.logVarRange[0] < this.logVarRange[1])) {
      throw new Error(
        `logVarRange must be [min, max] with min < max, got [${this.logVarRange.join(", ")}]`,
      );
    }
    this.obsSize = obsSize;
    this.actSize = actSize;
    this.net = new Mlp(obsSize, actSize, {
      rng,
      hidden,
      activation,
      name: "pi",
      outGain: 0.01, // last layer = μ head
      init: opts.init,
    });
    if (stateIndependentStd) {
      this.logStd = new Tensor(new Float32Array(actSize).fill(initLogStd), [actSize], {
        requiresGrad: true,
        name: "pi.log_std",
      });
    } else {
      this.logVarHead = new Linear(hidden[hidden.length - 1] ?? obsSize, actSize, {
        rng,
        name: "pi.logvar",
        gain: 0.01,
        init: opts.init,
      });
      this.logVarHead.bias.data.fill(2 * initLogStd);
    }
  }

  /** The action distribution for a batch of observations. @param obs [B, S] @returns μ [B, D], v [B, D] or [D] */
  forward(obs: Tensor): DiagGaussian {
    const h = this.net.trunk(obs);
    const mean = this.net.layers[this.net.layers.length - 1].forward(h);
    const raw = this.logStd ? mulScalar(this.logStd, 2) : this.logVarHead!.forward(h); // v = 2·log σ, or the head
    return new DiagGaussian(mean, clamp(raw, ...this.logVarRange, { inward: true }));
  }

  /**
   * Samples actions (or takes the mean when `deterministic`) without recording a graph.
   *
   * This is where non-finite inputs are caught: an observation holding NaN or ±∞ (which ReLU
   * would turn into a normal-looking action) throws, naming the row and index.
   *
   * @param obs [B·S] row-major @returns actions [B·D] (unclipped) and their log-probabilities [B]
   * @throws if `obs.length` is not a positive multiple of S, or if any value is non-finite.
   */
  act(
    obs: Float32Array,
    rng: Rng,
    opts: { deterministic?: boolean } = {},
  ): { actions: Float32Array; logProbs: Float32Array } {
    const S = this.obsSize;
    checkObservations(obs, S);
    return noGrad(() => {
      const B = obs.length / S;
      const dist = this.forward(new Tensor(obs, [B, this.obsSize]));
      const actions = opts.deterministic ? Float32Array.from(dist.mean.data) : dist.sample(rng);
      return { actions, logProbs: dist.logProb(actions).data as Float32Array };
    });
  }

  /** Every parameter, in a stable order. */
  parameters(): Tensor[] {
    return [
      ...this.net.parameters(),
      ...(this.logStd ? [this.logStd] : this.logVarHead!.parameters()),
    ];
  }

  /** A copy with the same architecture and parameter values, e.g. a frozen π_ref. */
  clone(): GaussianMlpPolicy {
    const copy = new GaussianMlpPolicy(this.obsSize, this.actSize, {
      ...this.#opts,
      rng: new Rng(0),
    });
    copy.parameters().forEach((p, i) => p.data.set(this.parameters()[i].data));
    return copy;
  }
}

/** The critic V_φ(s): an MLP with one output. */
export class ValueMlp {
  readonly net: Mlp;

  constructor(
    obsSize: number,
    opts: { rng: Rng; hidden?: number[]; activation?: Activation; init?: Init },
  ) {
    this.net = new Mlp(obsSize, 1, { ...opts, name: "vf", outGain: 1 });
  }

  /** @param obs [B, S] @returns V(s) [B], differentiable */
  forward(obs: Tensor): Tensor {
    return reshape(this.net.forward(obs), [obs.shape[0]]);
  }

  /** Every parameter, in a stable order. */
  parameters(): Tensor[] {
    return this.net.parameters();
  }
}

/**
 * Throws unless `obs` is [B·S] finite values with B ≥ 1: what every policy's `act` checks first.
 * @throws naming the length and S, or the row and index of the first non-finite value.
 */
export function checkObservations(obs: Float32Array, S: number): void {
  if (obs.length === 0 || obs.length % S !== 0) {
    throw new Error(
      `policy.act: observation length ${obs.length} is not a multiple of the policy's ` +
        `observation size ${S} (expected [B·${S}] values)`,
    );
  }
  for (let i = 0; i < obs.length; i++) {
    if (!Number.isFinite(obs[i])) {
      throw new Error(
        `policy.act: observation row ${Math.floor(i / S)} index ${i % S} is ${obs[i]}; ` +
          `observations must be finite`,
      );
    }
  }
}
