/**
 * InvertedPendulum-v5: balance a pole on a cart, with Gymnasium v5 semantics (frame_skip 2,
 * dt = 0.04, 1000-step time limit).
 *
 * ```text
 * obs        = (q₀, q₁, v₀, v₁) ∈ ℝ⁴               a ∈ [−3, 3] (MuJoCo clamps ctrl)
 * terminated = some obs entry is not finite  ∨  |q₁| > 0.2
 * r          = 1 if not terminated, else 0      (the terminal step pays nothing)
 * reset:  q = qpos0 + U(−s, s),  v = U(−s, s)
 * ```
 * q = qpos (slider, hinge), v = qvel, s = resetNoiseScale (0.01).
 *
 * Differences from the reference, by design: the reset draws come from our `Rng`, not NumPy; the
 * observation is float32.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/inverted_pendulum_v5.py`; Barto, Sutton & Anderson
 * (1983), "Neuronlike adaptive elements…"; facts in shared/reference/envs-suite.md §3.
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import { checkFinite, loadModel, MujocoEnv, type MujocoModel } from "./mujoco_env.ts";
import type { Env, EnvOptions, StepResult } from "./types.ts";

const DIMS = { nq: 2, nv: 2, nu: 1 };

/** Options for {@link makeInvertedPendulum}; every field has the Gymnasium v5 default. */
export interface InvertedPendulumOptions extends EnvOptions {
  /** s: reset adds U(−s, s) to qpos and qvel. Default 0.01. */
  resetNoiseScale?: number;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** The process-wide compiled model of `inverted_pendulum.xml` (timestep 0.02 s). */
export function loadInvertedPendulumModel(): Promise<MujocoModel> {
  return loadModel(new URL("./inverted_pendulum.xml", import.meta.url), DIMS);
}

/**
 * Creates an InvertedPendulum-v5 env: obs [4], action [−3, 3]. Call `reset()` before `step()`,
 * and `close()` when done.
 *
 * @param options noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeInvertedPendulum } from "./inverted_pendulum.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = await makeInvertedPendulum();
 * strictEqual(env.reset({ seed: 1 }).obs.length, 4);
 * strictEqual(env.step(new Float32Array(1)).reward, 1);
 * env.close();
 * ```
 */
export async function makeInvertedPendulum(options: InvertedPendulumOptions = {}): Promise<Env> {
  const { resetNoiseScale = 0.01, maxEpisodeSteps = 1000, rng = new Rng(0) } = options;
  checkFinite("makeInvertedPendulum", { resetNoiseScale });
  checkMaxSteps("makeInvertedPendulum", maxEpisodeSteps);
  const model = await loadInvertedPendulumModel();
  return new InvertedPendulum({
    id: "InvertedPendulum-v5",
    model,
    frameSkip: 2,
    obsSize: 4,
    maxEpisodeSteps,
    rng,
    resetNoiseScale,
    qvelNoise: "uniform",
  });
}

class InvertedPendulum extends MujocoEnv {
  /** obs = (qpos, qvel) as a fresh Float32Array [4]. */
  protected observe(): Float32Array {
    const { qpos, qvel } = this;
    return Float32Array.of(qpos[0], qpos[1], qvel[0], qvel[1]);
  }

  protected evaluate(): Omit<StepResult, "truncated"> {
    const { qpos, qvel } = this;
    const finite = Number.isFinite(qpos[0]) && Number.isFinite(qpos[1]) &&
      Number.isFinite(qvel[0]) && Number.isFinite(qvel[1]);
    const terminated = !finite || Math.abs(qpos[1]) > 0.2;
    const reward = terminated ? 0 : 1;
    return { obs: this.observe(), reward, terminated, info: { reward_survive: reward } };
  }
}
