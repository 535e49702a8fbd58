/**
 * Records the env states of deterministic episodes of a trained checkpoint, for the report's
 * animations: Pendulum θ per step, HalfCheetah qpos (rootx, rootz, rooty, six hinge angles) per step.
 *
 *   deno run -A scripts/record.ts --checkpoint runs/report/Pendulum-v1_grpo_s1/checkpoint.json --seed 0
 *
 * @module
 */
import { parseArgs } from "node:util";
import { makeEnv } from "../envs/registry.ts";
import { clipToSpace } from "../lib/env.ts";
import { Rng } from "../lib/rng.ts";
import { loadPolicy } from "./eval.ts";

/** One recorded episode: `frames[t]` is the recorded state before step t (and after the last). */
export interface RecordedEpisode {
  /** The reset seed. */
  seed: number;
  /** Σ_t r_t, the env's return. */
  return: number;
  /** [T + 1][K] states: K = 1 (θ) for Pendulum-v1, K = 9 (qpos) for HalfCheetah-v5. */
  frames: number[][];
}

/** What {@link recordStates} returns. */
export interface Recording {
  env: string;
  algo: string;
  /** The checkpoint's global env step (how long the policy trained). */
  trainSteps: number;
  /** Seconds of simulated time per step (Pendulum dt = 0.05; HalfCheetah 5 × 0.01). */
  dt: number;
  episodes: RecordedEpisode[];
}

/** How many leading `getState()` values are recorded per env: θ, or qpos. */
const STATE_SIZE: Record<string, number> = { "Pendulum-v1": 1, "HalfCheetah-v5": 9 };
const DT: Record<string, number> = { "Pendulum-v1": 0.05, "HalfCheetah-v5": 0.05 };

/**
 * Runs the checkpoint's deterministic policy (the mean action, clipped to the action box
 * a ← min(high, max(low, μ_θ(s)))) for `episodes` episodes seeded seed, seed + 1, … and returns the
 * leading env state values at every step.
 *
 * Reference: the same policy rollout as `scripts/eval.ts` `evaluate`.
 */
export async function recordStates(
  checkpointPath: string,
  opts: {
    /** Episodes to record (default 1). */
    episodes?: number;
    /** Seed of the first episode (default 0). */
    seed?: number;
    /** Cap on steps per episode (default: the env's time limit). */
    maxSteps?: number;
  } = {},
): Promise<Recording> {
  const episodes = opts.episodes ?? 1, seed = opts.seed ?? 0;
  const { policy, transform, args, step } = await loadPolicy(checkpointPath);
  const envId = String(args.env);
  const K = STATE_SIZE[envId];
  if (K === undefined) {
    throw new Error(
      `recordStates: checkpoint ${checkpointPath} is for env "${envId}", expected one of ${
        Object.keys(STATE_SIZE).join(", ")
      }`,
    );
  }
  const env = await makeEnv(envId);
  const rng = new Rng(0); // deterministic actions draw nothing
  const out: RecordedEpisode[] = [];
  try {
    for (let e = 0; e < episodes; e++) {
      let { obs } = env.reset({ seed: seed + e });
      const frames = [Array.from(env.getState().subarray(0, K))];
      let total = 0;
      for (let t = 0; t < (opts.maxSteps ?? Infinity); t++) {
        const { actions } = policy.act(transform ? transform(obs) : obs, rng, {
          deterministic: true,
        });
        clipToSpace(actions, env.actionSpace, actions);
        const r = env.step(actions);
        total += r.reward;
        frames.push(Array.from(env.getState().subarray(0, K)));
        obs = r.obs;
        if (r.terminated || r.truncated) break;
      }
      out.push({ seed: seed + e, return: total, frames });
    }
  } finally {
    env.close();
  }
  return { env: envId, algo: String(args.algo), trainSteps: step, dt: DT[envId], episodes: out };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      checkpoint: { type: "string" },
      episodes: { type: "string", default: "1" },
      seed: { type: "string", default: "0" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help || !values.checkpoint) {
    console.log(
      "record.ts --checkpoint FILE [--episodes 1] [--seed 0]   prints the recording as JSON",
    );
    Deno.exit(values.help ? 0 : 1);
  }
  const rec = await recordStates(values.checkpoint, {
    episodes: Number(values.episodes),
    seed: Number(values.seed),
  });
  console.log(JSON.stringify(rec));
}
