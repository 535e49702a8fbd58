/**
 * Deterministic evaluation: the policy's mean action (clipped to the action box), or its most
 * probable one over a Discrete space, on fresh seeds.
 *
 * ```text
 * G_e = Σ_t r_t  over episode e, reset with seed evalSeed(seed, e)     mean ± std over e = 0 … E−1
 * ```
 * The std is the population std (÷ E).
 *
 * @module
 */
import { klDivergence } from "./distribution.ts";
import { clipToSpace, type Env } from "./env.ts";
import { meanOf, stdOf } from "./metrics.ts";
import type { Policy } from "./policies.ts";
import type { ComposedReward } from "./rewards.ts";
import { Rng } from "./rng.ts";
import { evalSeed } from "./seeds.ts";
import { noGrad, Tensor } from "./tensor.ts";

/** What {@link evaluate} measures. */
export interface EvalResult {
  /** Mean ± std (population) of the env's return over the episodes. */
  mean: number;
  std: number;
  returns: number[];
  /** With `reward`: the mean episode return under that reward instead of the env's. */
  rewardMean?: number;
  /** With `reference`: the mean exact KL(π‖π_ref) over the visited states. */
  klRef?: number;
}

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Makes the env to evaluate on (closed afterwards), e.g. `() => makeEnv("Pendulum-v1")`. */
  env: () => Env | Promise<Env>;
  /** E, the number of episodes. */
  episodes: number;
  /** The evaluation stream: episode e is reset with seed evalSeed(seed, e). */
  seed: number;
  /** Maps a raw observation to the policy's input (e.g. frozen normalization). */
  transform?: (obs: Float32Array) => Float32Array;
  /** Also score the episodes under this reward. */
  reward?: ComposedReward;
  /** Also measure the exact KL(π‖π_ref) along the way. */
  reference?: Policy;
}

/**
 * Runs the deterministic policy (the mean action clipped to the action box, or argmax π over a
 * Discrete space) for `episodes`
 * episodes seeded evalSeed(seed, e) (lib/seeds.ts: disjoint across runs and from training seeds),
 * and reports the env's return; optionally also the return under another reward and the exact KL
 * to a reference policy along the way.
 */
export async function evaluate(
  policy: Policy,
  opts: EvaluateOptions,
): Promise<EvalResult> {
  const env = await opts.env();
  const rng = new Rng(0); // unused: deterministic actions draw nothing
  const S = policy.obsSize;
  const returns: number[] = [];
  let rewardSum = 0, klSum = 0, states = 0;
  try {
    for (let e = 0; e < opts.episodes; e++) {
      let { obs } = env.reset({ seed: evalSeed(opts.seed, e) });
      let total = 0;
      for (;;) {
        const x = opts.transform ? opts.transform(obs) : obs;
        const { actions } = policy.act(x, rng, { deterministic: true });
        clipToSpace(actions, env.actionSpace, actions);
        if (opts.reference) {
          const s = new Tensor(x, [1, S]);
          klSum += noGrad(() => klDivergence(policy.forward(s), opts.reference!.forward(s)).item());
        }
        const r = env.step(actions);
        if (opts.reward) rewardSum += opts.reward.step(obs, actions, r.obs, r.info);
        total += r.reward;
        states++;
        obs = r.obs;
        if (r.terminated || r.truncated) break;
      }
      returns.push(total);
    }
  } finally {
    env.close();
  }
  return {
    mean: meanOf(returns),
    std: stdOf(returns),
    returns,
    rewardMean: opts.reward ? rewardSum / opts.episodes : undefined,
    klRef: opts.reference ? klSum / states : undefined,
  };
}
