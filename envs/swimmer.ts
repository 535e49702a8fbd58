/**
 * Swimmer-v5: a three-link swimmer in a viscous fluid, rewarded for swimming along x, with
 * Gymnasium v5 semantics (frame_skip 4, dt = 0.04, 1000-step time limit). It never terminates.
 *
 * ```text
 * r   = w_f · v_x − w_c · Σᵢ aᵢ²          (v_x, v_y) = ((q₀, q₁)_after − (q₀, q₁)_before) / dt
 * obs = (q[2:5], v[0:5]) ∈ ℝ⁸              a ∈ [−1, 1]² (MuJoCo clamps ctrl; the cost uses a as passed)
 * reset: q = qpos0 + U(−s, s),  v = U(−s, s)
 * ```
 * q = qpos (slider1 x, slider2 y, free_body_rot, motor1_rot, motor2_rot), v = qvel,
 * w_f = forwardRewardWeight (1), w_c = ctrlCostWeight (1e-4), s = resetNoiseScale (0.1).
 *
 * Differences from the reference, by design: the reset draws come from our `Rng`, not NumPy; the
 * observation is float32; the ctrl cost is summed in float64.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/swimmer_v5.py`; R. Coulom (2002), "Reinforcement
 * Learning Using Neural Networks, with Applications to Motor Control"; facts in
 * shared/reference/envs-suite.md §3 (Swimmer-v5).
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import {
  checkFinite,
  loadModel,
  MujocoEnv,
  type MujocoEnvSpec,
  type MujocoModel,
} from "./mujoco_env.ts";
import type { Env, EnvOptions, Info, StepResult } from "./types.ts";

const DIMS = { nq: 5, nv: 5, nu: 2 };

/** Options for {@link makeSwimmer}; every field has the Gymnasium v5 default. */
export interface SwimmerOptions extends EnvOptions {
  /** w_f, the weight of the x velocity term. Default 1. */
  forwardRewardWeight?: number;
  /** w_c, the weight of the control cost Σ aᵢ². Default 1e-4. */
  ctrlCostWeight?: number;
  /** s: reset adds U(−s, s) to qpos and qvel. Default 0.1. */
  resetNoiseScale?: number;
  /** Leave x and y out of the observation. Default true. */
  excludeCurrentPositionsFromObservation?: boolean;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** The process-wide compiled model of `swimmer.xml` (timestep 0.01 s). */
export function loadSwimmerModel(): Promise<MujocoModel> {
  return loadModel(new URL("./swimmer.xml", import.meta.url), DIMS);
}

/**
 * Creates a Swimmer-v5 env: obs [8], action [−1, 1]². Call `reset()` before `step()`, and
 * `close()` when done.
 *
 * @param options weights, noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeSwimmer } from "./swimmer.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = await makeSwimmer();
 * strictEqual(env.reset({ seed: 1 }).obs.length, 8);
 * const { reward, info } = env.step(new Float32Array(2).fill(0.5));
 * strictEqual(reward, info.reward_forward + info.reward_ctrl);
 * env.close();
 * ```
 */
export async function makeSwimmer(options: SwimmerOptions = {}): Promise<Env> {
  const {
    forwardRewardWeight = 1,
    ctrlCostWeight = 1e-4,
    resetNoiseScale = 0.1,
    excludeCurrentPositionsFromObservation = true,
    maxEpisodeSteps = 1000,
    rng = new Rng(0),
  } = options;
  checkFinite("makeSwimmer", { forwardRewardWeight, ctrlCostWeight, resetNoiseScale });
  checkMaxSteps("makeSwimmer", maxEpisodeSteps);
  const model = await loadSwimmerModel();
  const skip = excludeCurrentPositionsFromObservation ? 2 : 0;
  return new Swimmer({
    id: "Swimmer-v5",
    model,
    frameSkip: 4,
    obsSize: DIMS.nq - skip + DIMS.nv,
    maxEpisodeSteps,
    rng,
    resetNoiseScale,
    qvelNoise: "uniform",
  }, { forwardRewardWeight, ctrlCostWeight, skip });
}

class Swimmer extends MujocoEnv {
  #wForward: number;
  #wCtrl: number;
  #skip: number;

  constructor(
    spec: MujocoEnvSpec,
    p: { forwardRewardWeight: number; ctrlCostWeight: number; skip: number },
  ) {
    super(spec);
    this.#wForward = p.forwardRewardWeight;
    this.#wCtrl = p.ctrlCostWeight;
    this.#skip = p.skip;
  }

  /** obs = (q[skip:5], v[0:5]) as a fresh Float32Array. */
  protected observe(): Float32Array {
    const { qpos, qvel } = this;
    const skip = this.#skip;
    const obs = new Float32Array(5 - skip + 5);
    for (let i = skip; i < 5; i++) obs[i - skip] = qpos[i];
    for (let i = 0; i < 5; i++) obs[5 - skip + i] = qvel[i];
    return obs;
  }

  /** x, y and ‖(x, y) − (x, y)₀‖ (qpos0 is the origin). */
  #position(): Info {
    const x = this.qpos[0];
    const y = this.qpos[1];
    return { x_position: x, y_position: y, distance_from_origin: Math.hypot(x, y) };
  }

  protected override resetInfo(): Info {
    return this.#position();
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const xVelocity = this.qposVelocity(0); // v_x = Δx / dt
    const yVelocity = this.qposVelocity(1); // v_y = Δy / dt
    const forward = this.#wForward * xVelocity; // w_f · v_x
    const ctrlCost = this.#wCtrl * sumSq; // w_c · Σ aᵢ²
    return {
      obs: this.observe(),
      reward: forward - ctrlCost,
      terminated: false,
      info: {
        ...this.#position(),
        x_velocity: xVelocity,
        y_velocity: yVelocity,
        reward_forward: forward,
        reward_ctrl: -ctrlCost,
      },
    };
  }
}
