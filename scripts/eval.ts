/**
 * Evaluate a checkpoint with the deterministic policy (the mean action, or the most probable one
 * for a Discrete action space) on fresh seeds.
 *
 *   deno task eval --checkpoint runs/Pendulum-v1_grpo_s1/checkpoint.json --episodes 10 --seed 0
 *
 * @module
 */
import { parseArgs } from "node:util";
import { makeEnv } from "../envs/registry.ts";
import type { Space } from "../envs/types.ts";
import { RunningMeanStd } from "../envs/wrappers.ts";
import { loadCheckpoint, restoreParams } from "../lib/checkpoint.ts";
import type { Activation } from "../lib/nn.ts";
import { GaussianMlpPolicy } from "../lib/policy.ts";
import { CategoricalMlpPolicy } from "../lib/categorical_policy.ts";
import { klDivergence } from "../lib/distribution.ts";
import type { ComposedReward } from "../lib/rewards.ts";
import { Rng } from "../lib/rng.ts";
import { noGrad, Tensor } from "../lib/tensor.ts";
import { layerSizes } from "./config.ts";

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

/** A policy of either head: Gaussian for a Box action space, categorical for a Discrete one. */
export type Policy = GaussianMlpPolicy | CategoricalMlpPolicy;

/**
 * The policy for an action space: a {@link CategoricalMlpPolicy} over Discrete(n), else a
 * {@link GaussianMlpPolicy} (whose std flags a categorical head ignores).
 */
export function makePolicy(
  obsSize: number,
  space: Space,
  opts: {
    rng: Rng;
    hidden: number[];
    activation: Activation;
    stateIndependentStd?: boolean;
    initLogStd?: number;
  },
): Policy {
  if (space.kind === "discrete") return new CategoricalMlpPolicy(obsSize, space.n, opts);
  return new GaussianMlpPolicy(obsSize, space.shape[0], opts);
}

/**
 * Runs the deterministic policy (the mean action clipped to the action box, or argmax π for a
 * Discrete space) for `episodes`
 * episodes seeded seed, seed + 1, …, and reports the env's return; optionally also the return under
 * another reward and the exact KL to a reference policy along the way.
 */
export async function evaluate(
  policy: Policy,
  opts: {
    env: string;
    episodes: number;
    seed: number;
    transform?: (obs: Float32Array) => Float32Array;
    reward?: ComposedReward;
    reference?: Policy;
  },
): Promise<EvalResult> {
  const env = await makeEnv(opts.env);
  const space = env.actionSpace;
  const rng = new Rng(0); // unused: deterministic actions draw nothing
  const S = policy.obsSize;
  const returns: number[] = [];
  let rewardSum = 0, klSum = 0, states = 0;
  try {
    for (let e = 0; e < opts.episodes; e++) {
      let { obs } = env.reset({ seed: opts.seed + e });
      let total = 0;
      for (;;) {
        const x = opts.transform ? opts.transform(obs) : obs;
        const { actions } = policy.act(x, rng, { deterministic: true });
        for (let d = 0; space.kind !== "discrete" && d < actions.length; d++) {
          actions[d] = Math.min(space.high[d], Math.max(space.low[d], actions[d]));
        }
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
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / returns.length);
  return {
    mean,
    std,
    returns,
    rewardMean: opts.reward ? rewardSum / opts.episodes : undefined,
    klRef: opts.reference ? klSum / states : undefined,
  };
}

/** A checkpoint's policy, its observation transform (if it normalized observations) and run args. */
export async function loadPolicy(path: string): Promise<{
  policy: Policy;
  transform?: (obs: Float32Array) => Float32Array;
  /** The observation normalizer's statistics behind `transform` (null without one). */
  obsStats: ReturnType<RunningMeanStd["stats"]> | null;
  args: Record<string, string | number | boolean>;
  step: number;
}> {
  const ckpt = await loadCheckpoint(path);
  const args = ckpt.args as Record<string, string | number | boolean>;
  const env = await makeEnv(String(args.env));
  const recorded = (ckpt.extra?.spaces as { action?: Space } | undefined)?.action; // older runs: none
  const S = env.observationSpace.shape[0], space = recorded ?? env.actionSpace;
  env.close();
  const policy = makePolicy(S, space, {
    rng: new Rng(0),
    hidden: layerSizes("hidden", String(args.hidden)),
    activation: args.activation as Activation,
    stateIndependentStd: Boolean(args.stateIndependentStd),
  });
  restoreParams(policy.parameters(), ckpt.params, { allowExtra: true });
  const obsStats = (ckpt.normalizers as { obs?: ReturnType<RunningMeanStd["stats"]> | null })?.obs;
  if (!obsStats) return { policy, obsStats: null, args, step: ckpt.step };
  const rms = new RunningMeanStd(S);
  rms.setStats(obsStats);
  const transform = (o: Float32Array) => rms.normalize(o);
  return { policy, transform, obsStats, args, step: ckpt.step };
}

/** Loads a checkpoint's policy (and observation normalizer) and evaluates it. */
export async function main(
  argv: string[] = [],
): Promise<EvalResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      checkpoint: { type: "string" },
      episodes: { type: "string", default: "10" },
      seed: { type: "string", default: "0" },
    },
  });
  if (!values.checkpoint) throw new Error("eval: --checkpoint FILE is required");
  const { policy, transform, args, step } = await loadPolicy(values.checkpoint);
  const episodes = Number(values.episodes), seed = Number(values.seed);
  const r = await evaluate(policy, { env: String(args.env), episodes, seed, transform });
  console.log(
    `${args.env} ${args.algo} step ${step}: ${r.mean.toFixed(1)} ± ${
      r.std.toFixed(1)
    } over ${episodes} episodes (seeds ${seed}…${seed + episodes - 1})`,
  );
  return r;
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    console.error(`eval: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
