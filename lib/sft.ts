/**
 * Supervised fine-tuning of a Gaussian policy on demonstrations: behaviour cloning by maximum
 * likelihood.
 *
 * ```text
 * L(θ) = −(1/N) Σ_i log π_θ(a_i | s_i)                  the negative log-likelihood (NLL)
 * log π_θ(a|s) = −½ Σ_d [ (a_d − μ_d)²·e^{−v_d} + v_d + log 2π ]
 * ```
 * (s_i, a_i), i = 1…N, are the expert's observations and actions; μ = μ_θ(s) and v = log σ²_θ(s)
 * are the policy's mean and log-variance. At the optimum μ_θ(s) is the expert's mean action and σ²
 * the mean squared residual, so the NLL of a noiseless expert keeps falling as σ shrinks.
 *
 * Reference: D. A. Pomerleau, "Efficient training of artificial neural networks for autonomous
 * navigation", Neural Computation 3(1), 1991 (ALVINN); S. Ross and J. A. Bagnell, "Efficient
 * reductions for imitation learning", AISTATS 2010 (behaviour cloning and its compounding error).
 *
 * @module
 */
import { forEachMinibatch, gatherRows } from "./batch.ts";
import type { DiagGaussian } from "./normal.ts";
import { mean, neg } from "./ops.ts";
import { Adam, clipGradNorm } from "./optim.ts";
import type { Rng } from "./rng.ts";
import { noGrad, Tensor } from "./tensor.ts";

/** What behaviour cloning needs of a policy (a {@link GaussianMlpPolicy} fits). */
export interface ClonablePolicy {
  readonly obsSize: number;
  readonly actSize: number;
  /** @param obs [B, S] @returns π_θ(·|s), differentiable */
  forward(obs: Tensor): DiagGaussian;
  parameters(): Tensor[];
}

/** (Observation, action) pairs: obs [N·S] and actions [N·D], row-major. */
export interface Demonstrations {
  obs: Float32Array;
  actions: Float32Array;
}

/** Options of {@link behaviourCloning}. */
export interface BehaviourCloningOptions {
  /** Shuffles the minibatches. */
  rng: Rng;
  /** Passes over the data. Default 50. */
  epochs?: number;
  /**
   * The target rows per minibatch. Default 64. The N rows split into m = ⌈N/minibatchSize⌉
   * minibatches of ⌊N/m⌋ rows, the last also taking the remainder: N = 1000 gives 15 of 62 and
   * one of 70, not 64.
   */
  minibatchSize?: number;
  /** Adam learning rate α. Default 1e-3. */
  lr?: number;
  /** Clip the global gradient norm to this; Infinity turns it off. Default Infinity. */
  maxGradNorm?: number;
  /** Held-out pairs whose NLL is also reported after every epoch. */
  validation?: Demonstrations;
}

/** Per-epoch NLL: `train[e]` is the mean over epoch e's minibatches (before each step). */
export interface BehaviourCloningResult {
  train: number[];
  /** The held-out NLL after each epoch, when `validation` was given. */
  validation?: number[];
}

/**
 * Fits `policy` to demonstrations by minimizing the NLL L(θ) (see the module doc) with Adam over
 * epochs × shuffled minibatches. Updates the policy's parameters in place.
 *
 * @param policy π_θ; its parameters are trained.
 * @param demos obs [N·S], actions [N·D]; constants.
 * @example
 * ```ts
 * import { behaviourCloning } from "./sft.ts";
 * import { GaussianMlpPolicy } from "./policy.ts";
 * import { Rng } from "./rng.ts";
 * import { ok } from "node:assert/strict";
 * const pi = new GaussianMlpPolicy(1, 1, { rng: new Rng(0), hidden: [8], stateIndependentStd: true });
 * const obs = Float32Array.from({ length: 64 }, (_, i) => i / 32 - 1);
 * const actions = obs.map((s) => 0.5 * s); // a = s/2
 * const opts = { rng: new Rng(1), epochs: 100, minibatchSize: 16, lr: 1e-2 };
 * const { train } = behaviourCloning(pi, { obs, actions }, opts);
 * ok(train[99] < train[0] - 2); // σ shrinks as μ fits the noiseless teacher
 * ```
 */
export function behaviourCloning(
  policy: ClonablePolicy,
  demos: Demonstrations,
  opts: BehaviourCloningOptions,
): BehaviourCloningResult {
  const { rng, epochs = 50, minibatchSize = 64, lr = 1e-3, maxGradNorm = Infinity } = opts;
  const S = policy.obsSize, D = policy.actSize;
  const N = checkDemos(demos, S, D, "demonstrations");
  if (opts.validation) checkDemos(opts.validation, S, D, "validation");
  if (!(Number.isInteger(minibatchSize) && minibatchSize >= 1)) {
    throw new Error(`behaviourCloning: minibatchSize is ${minibatchSize}, expected an integer ≥ 1`);
  }
  const params = policy.parameters();
  const optimizer = new Adam(params, { lr });
  const train = new Array<number>(epochs).fill(0);
  const validation = opts.validation ? [] as number[] : undefined;
  let lastEpoch = 0;
  const batching = { epochs, minibatches: Math.ceil(N / minibatchSize), rng, reuseBuffers: true };
  forEachMinibatch(N, batching, (idx, e) => {
    if (e !== lastEpoch) validation?.push(nll(policy, opts.validation!));
    lastEpoch = e;
    const x = new Tensor(gatherRows(demos.obs, idx, S), [idx.length, S]);
    const a = gatherRows(demos.actions, idx, D);
    optimizer.zeroGrad();
    const loss = neg(mean(policy.forward(x).logProb(a))); // −mean log π_θ(a|s)
    loss.backward();
    if (maxGradNorm < Infinity) clipGradNorm(params, maxGradNorm);
    optimizer.step();
    train[e] += (loss.item() * idx.length) / N;
  });
  if (validation && epochs > 0) validation.push(nll(policy, opts.validation!));
  return { train, validation };
}

/** −mean log π_θ(a|s) over every pair, without recording a graph. */
export function nll(policy: ClonablePolicy, demos: Demonstrations): number {
  const N = checkDemos(demos, policy.obsSize, policy.actSize, "nll");
  return noGrad(() =>
    -mean(policy.forward(new Tensor(demos.obs, [N, policy.obsSize])).logProb(demos.actions))
      .item()
  );
}

function checkDemos(d: Demonstrations, S: number, D: number, what: string): number {
  const N = d.obs.length / S;
  if (!Number.isInteger(N) || N < 1 || d.actions.length !== N * D) {
    throw new Error(
      `behaviourCloning: ${what} have ${d.obs.length} observation values and ${d.actions.length} ` +
        `action values, expected N·S and N·D with S = ${S}, D = ${D}, N ≥ 1`,
    );
  }
  return N;
}
