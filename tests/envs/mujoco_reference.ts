/**
 * Test-side references for the MuJoCo v5 envs whose step reads more than qpos (Ant, Reacher,
 * Pusher, Humanoid, HumanoidStandup): an independent MjData stepped as Gymnasium steps, the
 * golden protocol for envs without a noise option, the registered time limit, and moments of
 * reset distributions that are not U(±s) or N(0, s²). The generic checks are in mujoco_suite.ts.
 *
 * @module
 */
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import type { MjData } from "../../envs/mujoco.ts";
import type { MujocoModel } from "../../envs/mujoco_env.ts";
import { boxSpace, type Env, type StepResult } from "../../envs/types.ts";
import { type Golden, relErr } from "./mujoco_suite.ts";

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
 * The golden protocol of envs-suite.md for envs whose reset noise is not an option (Reacher,
 * Pusher): the noiseless start is set through setState with only the leading qpos (= qpos0) and
 * qvel (= 0) edited, which is Gymnasium's `set_state` (then `mj_forward`). Returns the worst
 * relative error after asserting each is ≤ `tol`.
 */
export function checkGoldenFromState(env: Env, qpos0: Float64Array, g: Golden, tol = 1e-6): number {
  const { obs, low, high, d } = g.spaces;
  deepStrictEqual(env.observationSpace.shape, [obs]);
  deepStrictEqual(boxSpace(env.actionSpace, "mujoco test").low, new Float32Array(d).fill(low));
  deepStrictEqual(boxSpace(env.actionSpace, "mujoco test").high, new Float32Array(d).fill(high));
  strictEqual(env.reset({ seed: 0 }).obs.length, obs);
  const s = env.getState();
  s.set(qpos0, 0);
  s.fill(0, qpos0.length, 2 * qpos0.length); // nv = nq for both
  env.setState(s);
  const a = boxSpace(env.actionSpace, "mujoco test").high.map((h) => 0.5 * h);
  const rs: StepResult[] = Array.from({ length: 10 }, () => env.step(a));
  strictEqual(rs.length, g.steps);
  const last = rs[9].obs;
  const got = [rs[0].reward, rs.reduce((s, r) => s + r.reward, 0), last[0], last[1], last[2]];
  const want = [g.r1, g.sum, ...g.obs];
  const errs = got.map((x, i) => relErr(x, want[i]));
  errs.forEach((e, i) => ok(e <= tol, `golden[${i}]: ${got[i]}, expected ${want[i]} (rel ${e})`));
  return Math.max(...errs);
}

/**
 * Truncation at the registered limit with default options: with the elapsed counter
 * (state[nq + nv]) set to limit − 2, the next step is not truncated and the one after is.
 */
export function checkDefaultLimit(env: Env, limit: number, nq: number, nv: number): void {
  env.reset({ seed: 3 });
  const zero = new Float32Array(boxSpace(env.actionSpace, "mujoco test").shape[0]);
  const s = env.getState();
  strictEqual(s[nq + nv], 0);
  s[nq + nv] = limit - 2;
  env.setState(s);
  strictEqual(env.step(zero).truncated, false);
  strictEqual(env.step(zero).truncated, true);
  strictEqual(env.getState()[nq + nv], limit);
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
