/**
 * HalfCheetah-v5 on the official MuJoCo WebAssembly build: a planar cheetah rewarded for running
 * forward, with Gymnasium v5 semantics (frame_skip 5, dt = 0.05, 1000-step time limit).
 *
 * ```text
 * r = w_f · v_x − w_c · Σᵢ aᵢ²          v_x = (x_after − x_before) / dt,  dt = 5 · 0.01
 * obs = (qpos[1:9], qvel[0:9]) ∈ ℝ¹⁷    a ∈ [−1, 1]⁶ (MuJoCo clamps ctrl; the cost uses a as passed)
 * ```
 * w_f = forwardRewardWeight (1), w_c = ctrlCostWeight (0.1), x = qpos[0] (the rootx slide). With
 * excludeCurrentPositionsFromObservation false, obs = (qpos[0:9], qvel[0:9]) ∈ ℝ¹⁸, x first.
 *
 * Differences from the reference, by design: the reset draws come from our `Rng`, not NumPy;
 * `mj_rnePostConstraint` is not called after stepping (it fills cacc / cfrc_*, which the
 * observation does not use); the observation is float32; ctrl cost is summed in float64.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/half_cheetah_v5.py`; P. Wawrzyński (2009),
 * "A Cat-Like Robot Real-Time Learning to Run".
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import { checkFinite, loadModel, MujocoEnv, type MujocoModel } from "./mujoco_env.ts";
import type { Env, EnvOptions, Info, StepResult } from "./types.ts";

const ID = "HalfCheetah-v5";
const DIMS = { nq: 9, nv: 9, nu: 6 };

/** Options for {@link makeHalfCheetah}; every field has the Gymnasium v5 default. */
export interface HalfCheetahOptions extends EnvOptions {
  /** w_f, the weight of the forward velocity term. Default 1. */
  forwardRewardWeight?: number;
  /** w_c, the weight of the control cost Σ aᵢ². Default 0.1. */
  ctrlCostWeight?: number;
  /** s: reset adds U(−s, s) to qpos and s·N(0, 1) to qvel. Default 0.1. */
  resetNoiseScale?: number;
  /** Leave x (qpos[0]) out of the observation. Default true (obs 17; false gives 18, x first). */
  excludeCurrentPositionsFromObservation?: boolean;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** The compiled HalfCheetah model (timestep 0.01 s, 91 doubles of integration state). */
export type HalfCheetahModel = MujocoModel;

/**
 * The process-wide compiled model of `halfcheetah.xml`, shared by every env (it is never deleted;
 * each env owns only its MjData). A failed load is not cached.
 */
export function loadHalfCheetahModel(): Promise<HalfCheetahModel> {
  return loadModel(new URL("./halfcheetah.xml", import.meta.url), DIMS);
}

/**
 * Creates a HalfCheetah-v5 env. Call `reset()` before `step()`, and `close()` when done (each env
 * holds ≈ 13.6 MB of wasm heap, reused after close).
 *
 * @param options weights, noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeHalfCheetah } from "./halfcheetah.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const env = await makeHalfCheetah({ resetNoiseScale: 0 }); // start at qpos0, at rest
 * const { obs } = env.reset();
 * strictEqual(obs.length, 17);
 * const { reward } = env.step(new Float32Array(6).fill(0.5));
 * ok(Math.abs(reward - 0.3206701259) < 1e-9); // golden r1, envs-suite.md
 * env.close();
 * ```
 */
export async function makeHalfCheetah(options: HalfCheetahOptions = {}): Promise<Env> {
  const {
    forwardRewardWeight = 1,
    ctrlCostWeight = 0.1,
    resetNoiseScale = 0.1,
    excludeCurrentPositionsFromObservation = true,
    maxEpisodeSteps = 1000,
    rng = new Rng(0),
  } = options;
  checkFinite("makeHalfCheetah", { forwardRewardWeight, ctrlCostWeight, resetNoiseScale });
  checkMaxSteps("makeHalfCheetah", maxEpisodeSteps);
  const model = await loadHalfCheetahModel();
  const skip = excludeCurrentPositionsFromObservation ? 1 : 0;
  return new HalfCheetah(
    {
      id: ID,
      model,
      frameSkip: 5,
      obsSize: DIMS.nq - skip + DIMS.nv,
      maxEpisodeSteps,
      rng,
      resetNoiseScale,
      qvelNoise: "normal",
    },
    forwardRewardWeight,
    ctrlCostWeight,
    skip,
  );
}

class HalfCheetah extends MujocoEnv {
  #wForward: number;
  #wCtrl: number;
  /** Leading qpos entries left out of the observation (1, or 0 with x included). */
  #skip: number;

  constructor(
    spec: ConstructorParameters<typeof MujocoEnv>[0],
    wForward: number,
    wCtrl: number,
    skip: number,
  ) {
    super(spec);
    this.#wForward = wForward;
    this.#wCtrl = wCtrl;
    this.#skip = skip;
  }

  /** obs = (qpos[skip:9], qvel[0:9]) as a fresh Float32Array [18 − skip]. */
  protected observe(): Float32Array {
    const skip = this.#skip;
    const obs = new Float32Array(9 - skip + 9);
    const { qpos, qvel } = this;
    for (let i = skip; i < 9; i++) obs[i - skip] = qpos[i];
    for (let i = 0; i < 9; i++) obs[9 - skip + i] = qvel[i];
    return obs;
  }

  protected override resetInfo(): Info {
    return { x_position: this.qpos[0] };
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const xAfter = this.qpos[0];
    const xVelocity = this.qposVelocity(0); // v_x = Δx / dt
    const forward = this.#wForward * xVelocity; // w_f · v_x
    const ctrlCost = this.#wCtrl * sumSq; // w_c · Σ aᵢ²
    return {
      obs: this.observe(),
      reward: forward - ctrlCost,
      terminated: false,
      info: {
        x_position: xAfter,
        x_velocity: xVelocity,
        reward_forward: forward,
        reward_ctrl: -ctrlCost,
      },
    };
  }
}
