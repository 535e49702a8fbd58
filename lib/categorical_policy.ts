/**
 * The categorical MLP policy π_θ(a|s) = Cat(softmax(z_θ(s))) for Discrete(K) action spaces.
 *
 * ```text
 * h = f(f(s·W₀ + b₀)·W₁ + b₁)                  the trunk, f = ReLU by default, 2 × 256 units
 * z = h·W_z + b_z                              the logits head [B, K] (init gain 0.01: π ≈ uniform)
 * ```
 *
 * Shapes: B batch, S obs size, K number of actions. An action is its index, one number per row,
 * so `actSize` is 1 as the env's flat action length is (see `flatSize` in lib/env.ts).
 *
 * Reference: CleanRL `ppo.py` (the discrete actor, orthogonal init with gain 0.01 on the output).
 *
 * @module
 */
import { Categorical } from "./categorical.ts";
import { type Activation, type Init, Mlp } from "./nn.ts";
import { checkObservations } from "./policy.ts";
import { Rng } from "./rng.ts";
import { noGrad, Tensor } from "./tensor.ts";

/** Options for {@link CategoricalMlpPolicy}. */
export interface CategoricalPolicyOptions {
  /** The generator for parameter init. */
  rng: Rng;
  /** Hidden sizes. Default [256, 256]. */
  hidden?: number[];
  /** Hidden nonlinearity. Default "relu". */
  activation?: Activation;
  /** Parameter init of every layer (nn.ts). Default "orthogonal". */
  init?: Init;
}

/**
 * A categorical policy with an MLP trunk and a logits head; the same surface as
 * `GaussianMlpPolicy` (forward, act, parameters, clone).
 *
 * @example
 * ```ts
 * import { CategoricalMlpPolicy } from "./categorical_policy.ts";
 * import { Rng } from "./rng.ts";
 * import { strictEqual } from "node:assert/strict";
 * const pi = new CategoricalMlpPolicy(4, 2, { rng: new Rng(0), hidden: [16, 16] });
 * const { actions, logProbs } = pi.act(new Float32Array(3 * 4), new Rng(1));
 * strictEqual(actions.length, 3);
 * strictEqual(logProbs.length, 3);
 * ```
 */
export class CategoricalMlpPolicy {
  readonly obsSize: number;
  /** Elements per action row: 1 (the index). */
  readonly actSize = 1;
  /** K, the number of actions. */
  readonly numActions: number;
  readonly net: Mlp;
  readonly #opts: CategoricalPolicyOptions;

  constructor(obsSize: number, numActions: number, opts: CategoricalPolicyOptions) {
    if (!(Number.isInteger(numActions) && numActions >= 1)) {
      throw new Error(
        `CategoricalMlpPolicy: numActions is ${numActions}, expected an integer ≥ 1`,
      );
    }
    this.#opts = opts;
    this.obsSize = obsSize;
    this.numActions = numActions;
    const { rng, hidden = [256, 256], activation = "relu", init } = opts;
    this.net = new Mlp(obsSize, numActions, {
      rng,
      hidden,
      activation,
      init,
      name: "pi",
      outGain: 0.01,
    });
  }

  /** The action distribution for a batch of observations. @param obs [B, S] @returns logits [B, K] */
  forward(obs: Tensor): Categorical {
    return new Categorical(this.net.forward(obs));
  }

  /**
   * Samples actions (or takes argmax π when `deterministic`) without recording a graph.
   * @param obs [B·S] row-major @returns action indices [B] and their log-probabilities [B]
   * @throws if `obs.length` is not a positive multiple of S, or if any value is non-finite.
   */
  act(
    obs: Float32Array,
    rng: Rng,
    opts: { deterministic?: boolean } = {},
  ): { actions: Float32Array; logProbs: Float32Array } {
    checkObservations(obs, this.obsSize);
    return noGrad(() => {
      const B = obs.length / this.obsSize;
      const dist = this.forward(new Tensor(obs, [B, this.obsSize]));
      const actions = opts.deterministic ? dist.mode() : dist.sample(rng);
      return { actions, logProbs: dist.logProb(actions).data as Float32Array };
    });
  }

  /** Every parameter, in a stable order. */
  parameters(): Tensor[] {
    return this.net.parameters();
  }

  /** A copy with the same architecture and parameter values, e.g. a frozen π_ref. */
  clone(): CategoricalMlpPolicy {
    const copy = new CategoricalMlpPolicy(this.obsSize, this.numActions, {
      ...this.#opts,
      rng: new Rng(0),
    });
    copy.parameters().forEach((p, i) => p.data.set(this.parameters()[i].data));
    return copy;
  }
}
