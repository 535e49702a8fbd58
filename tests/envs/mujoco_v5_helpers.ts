/**
 * Checks shared by the MuJoCo v5 env tests (Ant, Reacher, Pusher, Humanoid, HumanoidStandup):
 * the golden run of shared/reference/envs-suite.md, exact state restore, truncation at the
 * registered limit, bad actions and reset-noise moments.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import type { Env, StepResult } from "../../envs/types.ts";
import type { MjData } from "../../envs/mujoco.ts";
import type { MujocoModel } from "../../envs/mujoco_env.ts";

/** |a − b| / |b| (or |a − b| when b = 0). */
export function relErr(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

/** Uniform actions in scale·[low, high], one Float32Array per step. */
export function randomActions(env: Env, seed: number, n: number, scale = 1): Float32Array[] {
  const rng = new Rng(seed);
  const { low, high } = env.actionSpace;
  return Array.from(
    { length: n },
    () => low.map((lo, i) => scale * rng.uniform(lo, high[i])),
  );
}

/**
 * Puts `env` in the noiseless start state (qpos0, zero qvel, fresh kinematics) through setState
 * with only the leading qpos and qvel edited, as Gymnasium's `set_state`.
 */
export function noiselessStart(env: Env, qpos0: Float64Array, nv: number): void {
  env.reset({ seed: 0 });
  const s = env.getState();
  s.set(qpos0, 0);
  s.fill(0, qpos0.length, qpos0.length + nv);
  env.setState(s);
}

/** The golden facts of one env: r1, Σr over 10 steps (or to termination) and obs[0..2]. */
export interface Golden {
  r1: number;
  sum: number;
  obs: [number, number, number];
  /** Steps until termination, when it comes before 10. */
  steps?: number;
}

/**
 * Runs the golden protocol (constant action a = 0.5·high for 10 steps or until terminated) from
 * the noiseless start and asserts every number to `tol` relative; returns the worst error.
 */
export function checkGolden(
  env: Env,
  qpos0: Float64Array,
  nv: number,
  golden: Golden,
  tol = 1e-6,
): number {
  noiselessStart(env, qpos0, nv);
  const a = env.actionSpace.high.map((h) => 0.5 * h);
  const rs: StepResult[] = [];
  for (let t = 0; t < 10; t++) {
    rs.push(env.step(a));
    if (rs[t].terminated) break;
  }
  strictEqual(rs.length, golden.steps ?? 10);
  const last = rs[rs.length - 1].obs;
  const got = [rs[0].reward, rs.reduce((s, r) => s + r.reward, 0), last[0], last[1], last[2]];
  const want = [golden.r1, golden.sum, ...golden.obs];
  const errs = got.map((g, i) => relErr(g, want[i]));
  errs.forEach((e, i) =>
    ok(e <= tol, `golden[${i}]: got ${got[i]}, expected ${want[i]} (rel ${e})`)
  );
  return Math.max(...errs);
}

/**
 * getState → n steps → setState → the same n steps is bit-identical, in the same env and in
 * `other`, after `warm` steps that leave contacts and a warm solver.
 */
export function checkRestore(env: Env, other: Env, seed: number, warm = 20, n = 20): void {
  env.reset({ seed });
  randomActions(env, seed + 1, warm).forEach((a) => env.step(a));
  const saved = env.getState();
  const actions = randomActions(env, seed + 2, n);
  const first = actions.map((a) => env.step(a));
  env.setState(saved);
  deepStrictEqual(actions.map((a) => env.step(a)), first);
  other.reset({ seed: seed + 99 });
  other.step(actions[0]);
  other.setState(saved);
  deepStrictEqual(other.getState(), saved);
  deepStrictEqual(actions.map((a) => other.step(a)), first);
  deepStrictEqual(other.getState(), env.getState());
}

/**
 * Truncation at `limit`: with the elapsed counter (state[nq + nv]) set to limit − 2, the next
 * step is not truncated and the one after is; the episode's own counter from reset agrees.
 */
export function checkTruncation(env: Env, limit: number, nq: number, nv: number): void {
  env.reset({ seed: 3 });
  const zero = new Float32Array(env.actionSpace.shape[0]);
  const s = env.getState();
  strictEqual(s[nq + nv], 0);
  s[nq + nv] = limit - 2;
  env.setState(s);
  strictEqual(env.step(zero).truncated, false);
  const last = env.step(zero);
  strictEqual(last.truncated, true);
  strictEqual(env.getState()[nq + nv], limit);
}

/** Wrong lengths and non-finite entries throw, naming the bounds, and leave the state as it was. */
export function checkBadActions(env: Env, bounds: string): void {
  const d = env.actionSpace.shape[0];
  throws(() => env.step(new Float32Array(d)), new RegExp(`${env.id}\\.step: called before reset`));
  env.reset({ seed: 9 });
  env.step(new Float32Array(d));
  const before = env.getState();
  throws(() => env.step(new Float32Array(d + 1)), new RegExp(`length ${d + 1}, expected ${d}`));
  const bad = new Float32Array(d);
  bad[d - 1] = NaN;
  throws(() => env.step(bad), (err: Error) => {
    ok(err.message.includes(`action[${d - 1}] is NaN`), err.message);
    ok(err.message.includes(bounds), `${err.message} does not name the bounds ${bounds}`);
    return true;
  });
  deepStrictEqual(env.getState(), before);
  throws(() => env.setState(new Float64Array(3)), /setState: state has length 3, expected/);
}

/** Mean and (population) variance. */
export function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  return { mean, variance: xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length };
}

/**
 * Asserts that `xs` (i.i.d.) has mean `mean` and variance `variance` to 5 standard errors, using
 * the fourth central moment `mu4` of the distribution for the variance's error.
 */
export function checkMoments(
  xs: number[],
  mean: number,
  variance: number,
  mu4: number,
  what: string,
): void {
  const m = moments(xs);
  const n = xs.length;
  const seMean = Math.sqrt(variance / n);
  const seVar = Math.sqrt((mu4 - variance * variance) / n);
  ok(Math.abs(m.mean - mean) < 5 * seMean, `${what}: mean ${m.mean}, expected ${mean}`);
  ok(
    Math.abs(m.variance - variance) < 5 * seVar,
    `${what}: variance ${m.variance}, expected ${variance}`,
  );
}

/** Fourth central moments: U(−s, s) has μ₄ = s⁴/5, N(0, σ²) has μ₄ = 3σ⁴. */
export const MU4 = {
  uniform: (s: number) => s ** 4 / 5,
  normal: (sigma: number) => 3 * sigma ** 4,
};

/**
 * An independent MjData for reference computations in tests, started from the MuJoCo block of a
 * `getState` result (at offset nq + nv + 1) followed by `mj_forward`: the same data an env holds
 * right after reset. The caller deletes it.
 */
export function referenceData(m: MujocoModel, state: Float64Array): MjData {
  const { mj, model } = m;
  const data = new mj.MjData(model);
  const block = state.slice(model.nq + model.nv + 1, model.nq + model.nv + 1 + m.stateSize);
  mj.mj_setState(model, data, block as unknown as number[], m.signature);
  mj.mj_forward(model, data);
  return data;
}

/** One reference env step: ctrl = a, `mj_step` × frameSkip, then `mj_rnePostConstraint` if asked. */
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
