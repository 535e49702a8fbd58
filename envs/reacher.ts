/**
 * Reacher-v5: a planar 2-link arm moving its fingertip onto a random target, with Gymnasium v5
 * semantics (frame_skip 2, dt = 0.02, 50-step time limit, never terminates).
 *
 * ```text
 * d = xpos(fingertip) − xpos(target)                  (3-D, stale, read after stepping)
 * r = −w_d·‖d‖ − w_c·Σᵢ aᵢ²
 * obs = (cos q₀, cos q₁, sin q₀, sin q₁, q₂, q₃, q̇₀, q̇₁, d_x, d_y) ∈ ℝ¹⁰     a ∈ [−1, 1]²
 * ```
 * q₀, q₁ = joint0, joint1; q₂, q₃ = target_x, target_y (world x–y of the target);
 * w_d = rewardDistWeight (1), w_c = rewardControlWeight (1).
 * Reset: q = qpos0 + U(−0.1, 0.1)⁴; then g ~ U(−0.2, 0.2)² redrawn until ‖g‖ < 0.2, q₂,₃ = g;
 * q̇ = U(−0.005, 0.005)⁴ with q̇₂,₃ = 0.
 *
 * Differences from the reference, by design: reset draws come from our `Rng`; obs is float32;
 * Σ aᵢ² is summed in float64 (Gymnasium: float32, ~1e-7 relative).
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/reacher_v5.py`.
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import { checkFinite, loadModel, MujocoEnv, type MujocoModel } from "./mujoco_env.ts";
import type { Env, EnvOptions, StepResult } from "./types.ts";

const ID = "Reacher-v5";
const DIMS = { nq: 4, nv: 4, nu: 2 };
const OBS_SIZE = 10;

/** Options for {@link makeReacher}; every field has the Gymnasium v5 default. */
export interface ReacherOptions extends EnvOptions {
  /** w_d, the weight of the fingertip–target distance. Default 1. */
  rewardDistWeight?: number;
  /** w_c, the weight of Σ aᵢ². Default 1. */
  rewardControlWeight?: number;
  /** Truncate after this many steps. Default 50. */
  maxEpisodeSteps?: number;
}

/** The process-wide compiled model of `reacher.xml` (timestep 0.01 s). */
export function loadReacherModel(): Promise<MujocoModel> {
  return loadModel(new URL("./reacher.xml", import.meta.url), DIMS);
}

/**
 * Creates a Reacher-v5 env. Call `reset()` before `step()`, and `close()` when done.
 *
 * @param options weights, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeReacher } from "./reacher.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = await makeReacher();
 * strictEqual(env.reset({ seed: 1 }).obs.length, 10);
 * const { reward, info } = env.step(Float32Array.of(0.5, -0.5));
 * strictEqual(reward, info.reward_dist + info.reward_ctrl);
 * env.close();
 * ```
 */
export async function makeReacher(options: ReacherOptions = {}): Promise<Env> {
  const {
    rewardDistWeight = 1,
    rewardControlWeight = 1,
    maxEpisodeSteps = 50,
    rng = new Rng(0),
  } = options;
  checkFinite("makeReacher", { rewardDistWeight, rewardControlWeight });
  checkMaxSteps("makeReacher", maxEpisodeSteps);
  const model = await loadReacherModel();
  return new Reacher(
    {
      id: ID,
      model,
      frameSkip: 2,
      obsSize: OBS_SIZE,
      maxEpisodeSteps,
      rng,
      resetNoiseScale: 0.1,
      qvelNoise: "uniform",
    },
    rewardDistWeight,
    rewardControlWeight,
  );
}

class Reacher extends MujocoEnv {
  #wDist: number;
  #wCtrl: number;
  #fingertip: number;
  #target: number;
  #vec = new Float64Array(3);

  constructor(spec: ConstructorParameters<typeof MujocoEnv>[0], wDist: number, wCtrl: number) {
    super(spec);
    this.#wDist = wDist;
    this.#wCtrl = wCtrl;
    const body = this.mj.mjtObj.mjOBJ_BODY.value;
    this.#fingertip = this.mj.mj_name2id(this.model, body, "fingertip");
    this.#target = this.mj.mj_name2id(this.model, body, "target");
  }

  /** d = xpos(fingertip) − xpos(target) (3-D) into `out`; `xpos` is read once per call. */
  #d(out: Float64Array): Float64Array {
    const xpos: Float64Array = this.data.xpos;
    const f = 3 * this.#fingertip;
    const t = 3 * this.#target;
    for (let k = 0; k < 3; k++) out[k] = xpos[f + k] - xpos[t + k];
    return out;
  }

  protected observe(): Float32Array {
    const { qpos, qvel } = this;
    const d = this.#d(this.#vec);
    return Float32Array.of(
      Math.cos(qpos[0]),
      Math.cos(qpos[1]),
      Math.sin(qpos[0]),
      Math.sin(qpos[1]),
      qpos[2],
      qpos[3],
      qvel[0],
      qvel[1],
      d[0],
      d[1],
    );
  }

  /** q = qpos0 + U(±0.1)⁴, the goal by rejection into the disc of radius 0.2, q̇ = U(±0.005). */
  protected override resetModel(rng: Rng): void {
    const qpos0: Float64Array = this.model.qpos0;
    const { qpos, qvel } = this;
    for (let i = 0; i < 4; i++) qpos[i] = qpos0[i] + rng.uniform(-0.1, 0.1);
    let gx: number;
    let gy: number;
    do {
      gx = rng.uniform(-0.2, 0.2);
      gy = rng.uniform(-0.2, 0.2);
    } while (!(Math.sqrt(gx * gx + gy * gy) < 0.2));
    qpos[2] = gx;
    qpos[3] = gy;
    for (let i = 0; i < 4; i++) qvel[i] = rng.uniform(-0.005, 0.005);
    qvel[2] = 0;
    qvel[3] = 0;
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const [dx, dy, dz] = this.#d(this.#vec);
    const dist = -Math.sqrt(dx * dx + dy * dy + dz * dz) * this.#wDist; // −w_d·‖d‖
    const ctrl = -sumSq * this.#wCtrl; // −w_c·Σ aᵢ²
    return {
      obs: this.observe(),
      reward: dist + ctrl,
      terminated: false,
      info: { reward_dist: dist, reward_ctrl: ctrl },
    };
  }
}
