/**
 * InvertedDoublePendulum-v5: balance two chained poles on a cart, with Gymnasium v5 semantics
 * (frame_skip 5, dt = 0.05, 1000-step time limit).
 *
 * ```text
 * (x, _, y)  = site_xpos["tip"]          (stale: from the last evaluation inside the step)
 * terminated = y ≤ 1
 * r          = h · ¬terminated − (0.01 · x² + (y − 2)²) − (1e-3 · v₁² + 5e-3 · v₂²)
 * obs        = (q₀, sin q₁, sin q₂, cos q₁, cos q₂, clip(v, ±10), clip(f₀, ±10)) ∈ ℝ⁹
 * reset:  q = qpos0 + U(−s, s),  v = s · N(0, 1)
 * ```
 * q = qpos (slider, hinge, hinge2), v = qvel (raw in the penalty), f₀ = qfrc_constraint of the
 * slider (stale), h = healthyReward (10), s = resetNoiseScale (0.1). Upright, y = 1.2.
 *
 * Differences from the reference, by design: the reset draws come from our `Rng`, not NumPy; the
 * observation is float32.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/inverted_double_pendulum_v5.py`; facts in
 * shared/reference/envs-suite.md §3 (InvertedDoublePendulum-v5).
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
import type { Env, EnvOptions, StepResult } from "./types.ts";

const DIMS = { nq: 3, nv: 3, nu: 1 };

/** Options for {@link makeInvertedDoublePendulum}; every field has the Gymnasium v5 default. */
export interface InvertedDoublePendulumOptions extends EnvOptions {
  /** h, paid on every step that does not terminate. Default 10. */
  healthyReward?: number;
  /** s: reset adds U(−s, s) to qpos and s·N(0, 1) to qvel. Default 0.1. */
  resetNoiseScale?: number;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** The process-wide compiled model of `inverted_double_pendulum.xml` (timestep 0.01 s). */
export function loadInvertedDoublePendulumModel(): Promise<MujocoModel> {
  return loadModel(new URL("./inverted_double_pendulum.xml", import.meta.url), DIMS);
}

/**
 * Creates an InvertedDoublePendulum-v5 env: obs [9], action [−1, 1]. Call `reset()` before
 * `step()`, and `close()` when done.
 *
 * @param options alive reward, noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeInvertedDoublePendulum } from "./inverted_double_pendulum.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = await makeInvertedDoublePendulum();
 * strictEqual(env.reset({ seed: 1 }).obs.length, 9);
 * const { reward, info } = env.step(new Float32Array(1));
 * strictEqual(reward, info.reward_survive + info.distance_penalty + info.velocity_penalty);
 * env.close();
 * ```
 */
export async function makeInvertedDoublePendulum(
  options: InvertedDoublePendulumOptions = {},
): Promise<Env> {
  const { healthyReward = 10, resetNoiseScale = 0.1, maxEpisodeSteps = 1000, rng = new Rng(0) } =
    options;
  checkFinite("makeInvertedDoublePendulum", { healthyReward, resetNoiseScale });
  checkMaxSteps("makeInvertedDoublePendulum", maxEpisodeSteps);
  const model = await loadInvertedDoublePendulumModel();
  return new InvertedDoublePendulum({
    id: "InvertedDoublePendulum-v5",
    model,
    frameSkip: 5,
    obsSize: 9,
    maxEpisodeSteps,
    rng,
    resetNoiseScale,
    qvelNoise: "normal",
  }, healthyReward);
}

const clip10 = (x: number) => Math.min(Math.max(x, -10), 10);

class InvertedDoublePendulum extends MujocoEnv {
  #healthyReward: number;

  constructor(spec: MujocoEnvSpec, healthyReward: number) {
    super(spec);
    this.#healthyReward = healthyReward;
  }

  /** obs = (q₀, sin q₁, sin q₂, cos q₁, cos q₂, clip(v, ±10), clip(qfrc_constraint₀, ±10)). */
  protected observe(): Float32Array {
    const { qpos, qvel } = this;
    const frc: Float64Array = this.data.qfrc_constraint; // a fresh view: never detached
    return Float32Array.of(
      qpos[0],
      Math.sin(qpos[1]),
      Math.sin(qpos[2]),
      Math.cos(qpos[1]),
      Math.cos(qpos[2]),
      clip10(qvel[0]),
      clip10(qvel[1]),
      clip10(qvel[2]),
      clip10(frc[0]),
    );
  }

  protected evaluate(): Omit<StepResult, "truncated"> {
    const tip: Float64Array = this.data.site_xpos; // [nsite, 3], stale as in Gymnasium
    const x = tip[0];
    const y = tip[2];
    const v1 = this.qvel[1];
    const v2 = this.qvel[2];
    const terminated = y <= 1;
    const dist = 0.01 * x * x + (y - 2) * (y - 2); // 0.01·x² + (y − 2)²
    const vel = 1e-3 * v1 * v1 + 5e-3 * v2 * v2; // 1e-3·v₁² + 5e-3·v₂²
    const alive = terminated ? 0 : this.#healthyReward; // h · ¬terminated
    return {
      obs: this.observe(),
      reward: alive - dist - vel,
      terminated,
      info: { reward_survive: alive, distance_penalty: -dist, velocity_penalty: -vel },
    };
  }
}
