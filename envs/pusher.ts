/**
 * Pusher-v5: a 7-joint arm pushing a cylinder onto a goal on a table, with Gymnasium v5
 * semantics (frame_skip 5, dt = 0.05, 100-step time limit, never terminates).
 *
 * ```text
 * p_t, p_o, p_g = xpos(tips_arm), xpos(object), xpos(goal)    (body frame origins, stale)
 * r = −w_d·‖p_o − p_g‖ − w_c·Σᵢ aᵢ² − w_n·‖p_o − p_t‖
 * obs = (qpos[0:7], qvel[0:7], p_t, p_o, p_g) ∈ ℝ²³                a ∈ [−2, 2]⁷
 * ```
 * w_d = rewardDistWeight (1), w_c = rewardControlWeight (0.1), w_n = rewardNearWeight (0.5).
 * Reset: the arm at qpos0 (no noise); the object at c = (U(−0.3, 0), U(−0.2, 0.2)), redrawn until
 * ‖c‖ > 0.17, written to (obj_slidey, obj_slidex) in that order; the goal slides at 0;
 * qvel = U(−0.005, 0.005)¹¹ with the last 4 (object and goal) set to 0.
 *
 * Differences from the reference, by design: reset draws come from our `Rng`; obs is float32;
 * Σ aᵢ² is summed in float64 (Gymnasium: float32, ~1e-7 relative).
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/pusher_v5.py` (model `pusher_v5.xml`).
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import { checkFinite, loadModel, MujocoEnv, type MujocoModel } from "./mujoco_env.ts";
import type { Env, EnvOptions, StepResult } from "./types.ts";

const ID = "Pusher-v5";
const DIMS = { nq: 11, nv: 11, nu: 7 };
const OBS_SIZE = 23;

/** Options for {@link makePusher}; every field has the Gymnasium v5 default. */
export interface PusherOptions extends EnvOptions {
  /** w_n, the weight of the object–fingertips distance. Default 0.5. */
  rewardNearWeight?: number;
  /** w_d, the weight of the object–goal distance. Default 1. */
  rewardDistWeight?: number;
  /** w_c, the weight of Σ aᵢ². Default 0.1. */
  rewardControlWeight?: number;
  /** Truncate after this many steps. Default 100. */
  maxEpisodeSteps?: number;
}

/** The process-wide compiled model of `pusher.xml` (timestep 0.01 s, Euler). */
export function loadPusherModel(): Promise<MujocoModel> {
  return loadModel(new URL("./pusher.xml", import.meta.url), DIMS);
}

/**
 * Creates a Pusher-v5 env. Call `reset()` before `step()`, and `close()` when done.
 *
 * @param options weights, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makePusher } from "./pusher.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = await makePusher();
 * strictEqual(env.reset({ seed: 1 }).obs.length, 23);
 * const { reward, info } = env.step(new Float32Array(7).fill(1));
 * strictEqual(reward, info.reward_dist + info.reward_ctrl + info.reward_near);
 * env.close();
 * ```
 */
export async function makePusher(options: PusherOptions = {}): Promise<Env> {
  const {
    rewardNearWeight = 0.5,
    rewardDistWeight = 1,
    rewardControlWeight = 0.1,
    maxEpisodeSteps = 100,
    rng = new Rng(0),
  } = options;
  checkFinite("makePusher", { rewardNearWeight, rewardDistWeight, rewardControlWeight });
  checkMaxSteps("makePusher", maxEpisodeSteps);
  const model = await loadPusherModel();
  return new Pusher({
    id: ID,
    model,
    frameSkip: 5,
    obsSize: OBS_SIZE,
    maxEpisodeSteps,
    rng,
    resetNoiseScale: 0,
    qvelNoise: "uniform",
  }, [rewardNearWeight, rewardDistWeight, rewardControlWeight]);
}

/** ‖xpos[a] − xpos[b]‖ for bodies a and b. */
function distance(xpos: Float64Array, a: number, b: number): number {
  const dx = xpos[3 * a] - xpos[3 * b];
  const dy = xpos[3 * a + 1] - xpos[3 * b + 1];
  const dz = xpos[3 * a + 2] - xpos[3 * b + 2];
  return Math.sqrt(dx * dx + dy * dy + dz * dz);
}

class Pusher extends MujocoEnv {
  #w: [near: number, dist: number, ctrl: number];
  /** Body ids of tips_arm, object, goal. */
  #bodies: [number, number, number];

  constructor(spec: ConstructorParameters<typeof MujocoEnv>[0], w: [number, number, number]) {
    super(spec);
    this.#w = w;
    const body = this.mj.mjtObj.mjOBJ_BODY.value;
    const id = (name: string) => this.mj.mj_name2id(this.model, body, name);
    this.#bodies = [id("tips_arm"), id("object"), id("goal")];
  }

  protected observe(): Float32Array {
    const obs = new Float32Array(OBS_SIZE);
    const { qpos, qvel } = this;
    const xpos: Float64Array = this.data.xpos;
    for (let i = 0; i < 7; i++) {
      obs[i] = qpos[i];
      obs[7 + i] = qvel[i];
    }
    for (const [j, b] of this.#bodies.entries()) {
      for (let k = 0; k < 3; k++) obs[14 + 3 * j + k] = xpos[3 * b + k];
    }
    return obs;
  }

  /** Arm at qpos0; object c with ‖c‖ > 0.17 (y first); goal at 0; q̇ = U(±0.005), last 4 zero. */
  protected override resetModel(rng: Rng): void {
    const qpos0: Float64Array = this.model.qpos0;
    const { qpos, qvel } = this;
    for (let i = 0; i < 7; i++) qpos[i] = qpos0[i];
    let cy: number;
    let cx: number;
    do {
      cy = rng.uniform(-0.3, 0);
      cx = rng.uniform(-0.2, 0.2);
    } while (!(Math.sqrt(cy * cy + cx * cx) > 0.17));
    qpos[7] = cy; // obj_slidey
    qpos[8] = cx; // obj_slidex
    qpos[9] = 0;
    qpos[10] = 0;
    for (let i = 0; i < 11; i++) qvel[i] = rng.uniform(-0.005, 0.005);
    for (let i = 7; i < 11; i++) qvel[i] = 0;
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const [wNear, wDist, wCtrl] = this.#w;
    const [tips, object, goal] = this.#bodies;
    const xpos: Float64Array = this.data.xpos;
    const near = -distance(xpos, object, tips) * wNear; // −w_n·‖p_o − p_t‖
    const dist = -distance(xpos, object, goal) * wDist; // −w_d·‖p_o − p_g‖
    const ctrl = -sumSq * wCtrl; // −w_c·Σ aᵢ²
    return {
      obs: this.observe(),
      reward: dist + ctrl + near,
      terminated: false,
      info: { reward_dist: dist, reward_ctrl: ctrl, reward_near: near },
    };
  }
}
