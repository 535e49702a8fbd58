/**
 * Records the env states of deterministic episodes of a trained checkpoint, for the report's
 * animations: Pendulum θ per step; for a MuJoCo env (HalfCheetah-v5, Hopper-v5, …) its qpos per step
 * (HalfCheetah: rootx, rootz, rooty, six hinge angles).
 *
 *   deno run -A scripts/record.ts --checkpoint runs/report/Pendulum-v1_grpo_s1/checkpoint.json --seed 0
 *
 * @module
 */
import { parseArgs } from "node:util";
import { MujocoEnv } from "../envs/mujoco_env.ts";
import { envIds, makeEnv } from "../envs/registry.ts";
import { clipToSpace } from "../lib/env.ts";
import { Rng } from "../lib/rng.ts";
import { loadPolicy } from "./eval.ts";

/** One recorded episode: `frames[t]` is the recorded state before step t (and after the last). */
export interface RecordedEpisode {
  /** The reset seed. */
  seed: number;
  /** Σ_t r_t, the env's return. */
  return: number;
  /** [T + 1][K] states: K = 1 (θ) for Pendulum-v1, K = nq (qpos) for a MuJoCo env (9 for HalfCheetah-v5). */
  frames: number[][];
}

/** What {@link recordStates} returns. */
export interface Recording {
  env: string;
  algo: string;
  /** The checkpoint's global env step (how long the policy trained). */
  trainSteps: number;
  /** Seconds of simulated time per step (Pendulum dt = 0.05; a MuJoCo env's timestep × frame skip). */
  dt: number;
  episodes: RecordedEpisode[];
}

/** The envs recorded other than the MuJoCo ones: how many leading `getState()` values (θ) and dt. */
const FRAMES: Record<string, { size: number; dt: number }> = {
  "Pendulum-v1": { size: 1, dt: 0.05 },
};

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
  const env = await makeEnv(envId);
  const frame = env instanceof MujocoEnv ? { size: env.model.nq, dt: env.dt } : FRAMES[envId];
  if (frame === undefined) {
    env.close();
    const mujoco = envIds.filter((id) => id.endsWith("-v5")).join(", ");
    throw new Error(
      `recordStates: checkpoint ${checkpointPath} is for env "${envId}", expected one of ${
        Object.keys(FRAMES).join(", ")
      }, ${mujoco}`,
    );
  }
  const K = frame.size;
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
  return { env: envId, algo: String(args.algo), trainSteps: step, dt: frame.dt, episodes: out };
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
