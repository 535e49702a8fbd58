/**
 * Evaluate a checkpoint with the deterministic policy (the mean action, or the most probable one
 * for a Discrete action space) on fresh seeds.
 *
 *   deno task eval --checkpoint runs/Pendulum-v1_grpo_s1/checkpoint.json --episodes 10 --seed 0
 *   deno task eval --checkpoint runs/Pendulum-v1_grpo_s1     # a run folder: its checkpoint.json
 *
 * @module
 */
import { parseArgs } from "node:util";
import { makeEnv } from "../envs/registry.ts";
import type { Space } from "../lib/env.ts";
import { RunningMeanStd } from "../lib/running_stats.ts";
import { checkpointPath, loadCheckpoint, restoreParams } from "../lib/checkpoint.ts";
import {
  type EvalResult,
  evaluate as evaluatePolicy,
  type EvaluateOptions,
} from "../lib/evaluate.ts";
import type { Activation } from "../lib/nn.ts";
import { makePolicy, type Policy } from "../lib/policies.ts";
import { Rng } from "../lib/rng.ts";
import { layerSizes, MAX_SEED } from "../lib/config.ts";
import { intFlag } from "./config.ts";

export type { EvalResult };

/**
 * {@link evaluatePolicy} on a registered env id: the deterministic return over fresh episodes
 * (lib/evaluate.ts).
 */
export function evaluate(
  policy: Policy,
  opts: Omit<EvaluateOptions, "env"> & { env: string },
): Promise<EvalResult> {
  return evaluatePolicy(policy, { ...opts, env: () => makeEnv(opts.env) });
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

const USAGE = `Usage: deno task eval --checkpoint FILE|DIR [--episodes N] [--seed S]

  --checkpoint  a checkpoint.json, or a run folder (its checkpoint.json is read)
  --episodes    deterministic episodes, an integer in [1, 1024] [default: 10]
  --seed        evaluation stream; episode e uses env seed evalSeed(seed, e) = 2³¹ + (1024·seed + e) mod 2³¹,
                an integer in [0, ${MAX_SEED}] [default: 0]; training's final evaluation used
                10000 + its --seed, recorded as "stream" in the run's eval.json`;

/** Loads a checkpoint's policy (and observation normalizer) and evaluates it. */
export async function main(
  argv: string[] = [],
): Promise<EvalResult | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      checkpoint: { type: "string" },
      episodes: { type: "string", default: "10" },
      seed: { type: "string", default: "0" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return undefined;
  }
  if (!values.checkpoint) throw new Error(`--checkpoint FILE|DIR is required\n${USAGE}`);
  const episodes = intFlag("episodes", values.episodes, 1, 1024);
  const seed = intFlag("seed", values.seed, 0, MAX_SEED);
  let path = values.checkpoint;
  if ((await Deno.stat(path).catch(() => undefined))?.isDirectory) path = checkpointPath(path);
  const { policy, transform, args, step } = await loadPolicy(path);
  const r = await evaluate(policy, { env: String(args.env), episodes, seed, transform });
  console.log(
    `${args.env} ${args.algo} step ${step}: ${r.mean.toFixed(1)} ± ${
      r.std.toFixed(1)
    } (population std over ${episodes} episodes, evaluation stream ${seed})`,
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
