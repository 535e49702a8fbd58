/**
 * Test-side references for the MuJoCo v5 envs whose step reads more than qpos (InvertedDoublePendulum,
 * Ant, Reacher, Pusher, Humanoid, HumanoidStandup): an independent MjData stepped as Gymnasium
 * steps, and moments of reset distributions that are not U(±s) or N(0, s²). The generic checks
 * are in mujoco_suite.ts.
 *
 * @module
 */
import { ok } from "node:assert/strict";
import type { MjData } from "../../envs/mujoco.ts";
import type { MujocoModel } from "../../envs/mujoco_env.ts";

/**
 * An independent MjData, started from the MuJoCo block of a `getState` result (at offset
 * nq + nv + 1) followed by `mj_forward`: the data an env holds right after reset. The caller
 * deletes it.
 */
export function referenceData(m: MujocoModel, state: Float64Array): MjData {
  const { mj, model } = m;
  const data = new mj.MjData(model);
  const block = state.slice(model.nq + model.nv + 1, model.nq + model.nv + 1 + m.stateSize);
  mj.mj_setState(model, data, block as unknown as number[], m.signature);
  mj.mj_forward(model, data);
  return data;
}

/** Gymnasium's `do_simulation`: ctrl = a, `mj_step` × frameSkip, then `mj_rnePostConstraint` if asked. */
export function referenceStep(
  m: MujocoModel,
  data: MjData,
  action: Float32Array,
  frameSkip: number,
  rne: boolean,
): void {
  (data.ctrl as Float64Array).set(action);
  for (let k = 0; k < frameSkip; k++) m.mj.mj_step(m.model, data);
  if (rne) m.mj.mj_rnePostConstraint(m.model, data);
}

/**
 * Asserts that i.i.d. `xs` have mean `mean` and variance `variance` to 5 standard errors, using
 * the distribution's fourth central moment `mu4` for the variance's error.
 */
export function checkMoments(
  xs: number[],
  mean: number,
  variance: number,
  mu4: number,
  what: string,
): void {
  const n = xs.length;
  const m = xs.reduce((s, x) => s + x, 0) / n;
  const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / n;
  ok(Math.abs(m - mean) < 5 * Math.sqrt(variance / n), `${what}: mean ${m}, expected ${mean}`);
  const seVar = Math.sqrt((mu4 - variance * variance) / n);
  ok(Math.abs(v - variance) < 5 * seVar, `${what}: variance ${v}, expected ${variance}`);
}
