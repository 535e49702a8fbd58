/**
 * Walker2d-v5: a planar biped rewarded for walking forward while staying healthy, with Gymnasium
 * v5 semantics (frame_skip 4, dt = 0.008, 1000-step time limit). The step, reward, observation
 * and reset are Hopper's (see envs/hopper.ts) with a two-legged model and these differences:
 *
 * ```text
 * healthy = 0.8 < q₁ < 2  ∧  −1 < q₂ < 1          (no state range)
 * obs     = (q[1:9], clip(v, −10, 10)) ∈ ℝ¹⁷      a ∈ [−1, 1]⁶
 * ```
 * q = qpos, v = qvel. The model is walker2d_v5.xml's: both feet have friction 1.9.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/walker2d_v5.py`; facts in
 * shared/reference/envs-suite.md §3 (Walker2d-v5).
 *
 * @module
 */
import {
  type HopperOptions,
  makePlanarWalker,
  type PlanarWalkerFacts,
  type PlanarWalkerOptions,
} from "./hopper.ts";
import { loadModel, type MujocoModel } from "./mujoco_env.ts";
import type { Env } from "./types.ts";

const WALKER2D: PlanarWalkerFacts = {
  id: "Walker2d-v5",
  fn: "makeWalker2d",
  xml: new URL("./walker2d.xml", import.meta.url),
  dims: { nq: 9, nv: 9, nu: 6 },
  defaults: { healthyZRange: [0.8, 2], healthyAngleRange: [-1, 1] },
};

/** Options for {@link makeWalker2d}: Hopper's, without a state range. */
export type Walker2dOptions = PlanarWalkerOptions;

/** The process-wide compiled model of `walker2d.xml` (timestep 0.002 s). */
export function loadWalker2dModel(): Promise<MujocoModel> {
  return loadModel(WALKER2D.xml, WALKER2D.dims);
}

/**
 * Creates a Walker2d-v5 env: obs [17], action [−1, 1]⁶. Call `reset()` before `step()`, and
 * `close()` when done.
 *
 * @param options weights, healthy ranges, noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeWalker2d } from "./walker2d.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = await makeWalker2d();
 * strictEqual(env.reset({ seed: 1 }).obs.length, 17);
 * strictEqual(env.step(new Float32Array(6)).info.reward_survive, 1);
 * env.close();
 * ```
 */
export function makeWalker2d(options: Walker2dOptions = {}): Promise<Env> {
  const { healthyStateRange: _, ...rest } = options as HopperOptions; // Walker2d has none
  return makePlanarWalker(WALKER2D, rest);
}
