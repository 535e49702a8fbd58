/**
 * Checks shared by the MuJoCo v5 env tests: the golden numbers of envs-suite.md, compiled-model
 * facts, reset draws and their moments, exact state restore, truncation, the registered time limit,
 * bad actions and the vector backends. mujoco_suite_test.ts runs them over its table of env facts;
 * the `<env>_test.ts` files hold what is specific to one env.
 *
 * @module
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import type { MujocoModel } from "../../envs/mujoco_env.ts";
import { boxSpace, type Env, type StepResult } from "../../envs/types.ts";
import { VectorEnv } from "../../lib/vector_env.ts";
import { WorkerVectorEnv } from "../../envs/worker_pool.ts";
import { makeEnv } from "../../envs/registry.ts";
import { checkMoments, checkUniform } from "./moments.ts";

/** Makes an env of the kind under test with options. */
export type Make = (options?: Record<string, unknown>) => Promise<Env>;

/** |x − ref| / |ref|. */
export const relErr = (x: number, ref: number): number => Math.abs(x - ref) / Math.abs(ref);

/** The golden row of envs-suite.md §3: from qpos0, zero qvel, a = 0.5·high for ≤ 10 steps. */
export interface Golden {
  r1: number;
  sum: number;
  /** Steps run: 10, or the step that terminated. */
  steps: number;
  obs: [number, number, number];
  /** The observation size and the action box [low, high]^d of the env. */
  spaces: { obs: number; low: number; high: number; d: number };
}

/**
 * Runs the golden protocol; asserts ≤ `tol` relative error and returns the largest error. The
 * noiseless start is `resetNoiseScale: 0`, or, for envs without that option (`qpos0` given:
 * Reacher, Pusher), a reset whose leading qpos (= qpos0) and qvel (= 0) are edited through
 * setState, which is Gymnasium's `set_state` (then `mj_forward`).
 */
export async function checkGolden(
  make: Make,
  g: Golden,
  tol = 1e-6,
  qpos0?: ArrayLike<number>,
): Promise<number> {
  const env = await make(qpos0 ? {} : { resetNoiseScale: 0 });
  try {
    const { obs, low, high, d } = g.spaces;
    deepStrictEqual(env.observationSpace.shape, [obs]);
    strictEqual(env.reset({ seed: 0 }).obs.length, obs);
    deepStrictEqual(boxSpace(env.actionSpace, "mujoco test").shape, [d]);
    deepStrictEqual(boxSpace(env.actionSpace, "mujoco test").low, new Float32Array(d).fill(low));
    deepStrictEqual(boxSpace(env.actionSpace, "mujoco test").high, new Float32Array(d).fill(high));
    if (qpos0) {
      const s = env.getState();
      s.set(Array.from(qpos0), 0);
      s.fill(0, qpos0.length, 2 * qpos0.length); // nv = nq for both
      env.setState(s);
    }
    const a = boxSpace(env.actionSpace, "mujoco test").high.map((h) => 0.5 * h);
    const rs: StepResult[] = [];
    for (let t = 0; t < 10; t++) {
      rs.push(env.step(a));
      if (rs[t].terminated) break;
    }
    strictEqual(rs.length, g.steps, "steps until termination");
    ok(rs.every((r, t) => r.terminated === (t === g.steps - 1 && g.steps < 10)));
    const last = rs[rs.length - 1].obs;
    const got = [rs[0].reward, rs.reduce((s, r) => s + r.reward, 0), last[0], last[1], last[2]];
    const want = [g.r1, g.sum, ...g.obs];
    const errs = got.map((x, i) => relErr(x, want[i]));
    errs.forEach((e, i) => ok(e <= tol, `golden[${i}]: ${got[i]}, expected ${want[i]} (rel ${e})`));
    return Math.max(...errs);
  } finally {
    env.close();
  }
}

/** Published compiled facts: counts, timestep, body masses, actuators and qpos0. */
export interface ModelFacts {
  nq: number;
  nv: number;
  nu: number;
  nbody: number;
  timestep: number;
  /** Masses of bodies 1… (body 0, the world, has none), each to 1e-6 relative. */
  masses: number[];
  /** The sum of all body masses, to 1e-6. */
  totalMass: number;
  /** A bound on |mass − published| tighter than the default 1e-5. */
  massTol?: number;
  ctrlrange: [number, number];
  /** The gear of every actuator, or one per actuator. */
  gear: number | number[];
  qpos0: number[];
  /** Further model counts, e.g. { ngeom: 14 }. */
  counts?: Partial<Record<"njnt" | "ngeom" | "nsite" | "ntendon", number>>;
}

/** Compares the compiled model with its published facts. */
export function checkModel(m: MujocoModel, f: ModelFacts): void {
  const { model } = m;
  deepStrictEqual([model.nq, model.nv, model.nu, model.nbody], [f.nq, f.nv, f.nu, f.nbody]);
  for (const [k, n] of Object.entries(f.counts ?? {})) {
    strictEqual(model[k as keyof typeof f.counts], n, k);
  }
  strictEqual(m.timestep, f.timestep);
  const mass: Float64Array = model.body_mass;
  strictEqual(mass[0], 0);
  strictEqual(f.masses.length, f.nbody - 1);
  f.masses.forEach((want, i) => {
    const tol = Math.min(f.massTol ?? 1e-5, 1e-6 * want);
    ok(Math.abs(mass[i + 1] - want) <= tol, `body ${i + 1} mass ${mass[i + 1]}, expected ${want}`);
  });
  const total = mass.reduce((s, x) => s + x, 0);
  ok(Math.abs(total - f.totalMass) < 1e-6, `total mass ${total}, expected ${f.totalMass}`);
  const range: Float64Array = model.actuator_ctrlrange;
  const gear: Float64Array = model.actuator_gear; // [nu, 6]
  for (let i = 0; i < f.nu; i++) {
    deepStrictEqual([range[2 * i], range[2 * i + 1]], f.ctrlrange);
    strictEqual(gear[6 * i], typeof f.gear === "number" ? f.gear : f.gear[i], `gear ${i}`);
  }
  deepStrictEqual(Array.from(model.qpos0 as Float64Array), f.qpos0);
}

/** Seeded uniform actions in [scale·low, scale·high]. */
export function randomActions(env: Env, seed: number, n: number, scale = 1): Float32Array[] {
  const rng = new Rng(seed);
  const { low, high } = boxSpace(env.actionSpace, "mujoco test");
  return Array.from(
    { length: n },
    () => low.map((l, j) => scale * rng.uniform(l, high[j])),
  );
}

/**
 * Reset draws: q = qpos0 + U(−s, s) (nq draws first), then v = U(−s, s) or s·N(0, 1), exactly
 * from `new Rng(seed)`; and over 400 resets the pooled noise has mean 0 and variance s²/3
 * (uniform) or s² (normal), within 5 standard errors.
 */
export async function checkResetNoise(
  make: Make,
  s: number,
  qvelNoise: "uniform" | "normal",
  qpos0: number[],
  nvel: number,
): Promise<void> {
  const env = await make();
  try {
    const nq = qpos0.length;
    env.reset({ seed: 42 });
    const st = env.getState();
    const rng = new Rng(42);
    for (let i = 0; i < nq; i++) strictEqual(st[i], qpos0[i] + rng.uniform(-s, s));
    for (let i = 0; i < nvel; i++) {
      strictEqual(st[nq + i], qvelNoise === "normal" ? s * rng.normal() : rng.uniform(-s, s));
    }
    const qs: number[] = [];
    const vs: number[] = [];
    for (let k = 0; k < 400; k++) {
      const x = (env.reset(), env.getState());
      for (let i = 0; i < nq; i++) qs.push(x[i] - qpos0[i]);
      for (let i = 0; i < nvel; i++) vs.push(x[nq + i]);
    }
    checkUniform(qs, -s, s, "qpos noise");
    if (qvelNoise === "normal") checkMoments(vs, 0, s * s, 3 * s ** 4, "qvel noise"); // μ₄ = 3s⁴
    else checkUniform(vs, -s, s, "qvel noise");
  } finally {
    env.close();
  }
}

/** getState → k steps → setState → the same k steps, bit for bit, in this env and another one. */
export async function checkStateRestore(make: Make, warmup = 20): Promise<void> {
  const env = await make({ terminateWhenUnhealthy: false });
  const other = await make({ terminateWhenUnhealthy: false });
  try {
    env.reset({ seed: 11 });
    randomActions(env, 3, warmup).forEach((a) => env.step(a));
    const saved = env.getState();
    const actions = randomActions(env, 4, 30);
    const first = actions.map((a) => env.step(a));
    env.setState(saved);
    deepStrictEqual(actions.map((a) => env.step(a)), first);
    other.setState(saved);
    deepStrictEqual(actions.map((a) => other.step(a)), first);
    deepStrictEqual(other.getState(), env.getState());
  } finally {
    env.close();
    other.close();
  }
}

/** Truncation exactly at maxEpisodeSteps, counted from reset or from a restored counter. */
export async function checkTruncation(make: Make): Promise<void> {
  const env = await make({ maxEpisodeSteps: 5, terminateWhenUnhealthy: false, resetNoiseScale: 0 });
  try {
    env.reset({ seed: 0 });
    const zero = new Float32Array(boxSpace(env.actionSpace, "mujoco test").low.length);
    deepStrictEqual(
      Array.from({ length: 5 }, () => env.step(zero).truncated),
      [false, false, false, false, true],
    );
    env.reset();
    env.step(zero);
    const s = env.getState();
    env.step(zero);
    env.setState(s);
    deepStrictEqual(
      Array.from({ length: 4 }, () => env.step(zero).truncated),
      [false, false, false, true],
    );
  } finally {
    env.close();
  }
}

/**
 * Truncation at the registered limit with default options: with the elapsed counter
 * (state[nq + nv]) set to limit − 2, the next step is not truncated and the one after is.
 */
export async function checkDefaultLimit(make: Make, limit: number, nq: number, nv: number) {
  const env = await make();
  try {
    env.reset({ seed: 3 });
    const zero = new Float32Array(boxSpace(env.actionSpace, "mujoco test").shape[0]);
    const s = env.getState();
    strictEqual(s[nq + nv], 0);
    s[nq + nv] = limit - 2;
    env.setState(s);
    strictEqual(env.step(zero).truncated, false);
    strictEqual(env.step(zero).truncated, true);
    strictEqual(env.getState()[nq + nv], limit);
  } finally {
    env.close();
  }
}

/** A healthy z range: qpos[index] in (lo, hi), or in [lo, hi] when closed; h is paid while healthy. */
export interface ZRange {
  index: number;
  range: [number, number];
  closed: boolean;
  reward: number;
}

/**
 * Termination at the edges of the healthy z range, with z = qpos[index] after one zero-action step
 * from reset: z on an edge is healthy iff the range is closed, one ulp inside is healthy, one ulp
 * outside is not; terminated = ¬healthy ∧ terminateWhenUnhealthy; h is paid iff healthy.
 */
export async function checkZBoundary(make: Make, f: ZRange): Promise<void> {
  const probe = await make();
  const zero = new Float32Array(boxSpace(probe.actionSpace, "mujoco test").shape[0]);
  probe.reset({ seed: 1 });
  const s = probe.getState();
  probe.step(zero);
  const z = probe.getState()[f.index];
  probe.close();
  const up = (x: number) => x + Math.abs(x) * 2 ** -52;
  const down = (x: number) => x - Math.abs(x) * 2 ** -52;
  const [lo, hi] = f.range;
  const cases: [[number, number], boolean][] = [
    [[z, hi], f.closed], // z on an edge
    [[lo, z], f.closed],
    [[down(z), hi], true], // one ulp inside
    [[lo, up(z)], true],
    [[up(z), hi], false], // one ulp outside
    [[lo, down(z)], false],
  ];
  for (const [healthyZRange, healthy] of cases) {
    for (const terminateWhenUnhealthy of [true, false]) {
      const env = await make({ healthyZRange, terminateWhenUnhealthy });
      env.setState(s);
      const r = env.step(zero);
      strictEqual(r.terminated, !healthy && terminateWhenUnhealthy, `range ${healthyZRange}`);
      strictEqual(r.info.reward_survive, healthy ? f.reward : 0, `range ${healthyZRange}`);
      env.close();
    }
  }
}

/**
 * Wrong lengths and non-finite entries throw, naming the env and its action space, and leave the
 * state unchanged; calls before reset and after close throw; bad options are refused.
 */
export async function checkBadActions(
  make: Make,
  id: string,
  space: string,
  badOption: [Record<string, number>, RegExp] = [
    { resetNoiseScale: NaN },
    /resetNoiseScale is NaN, expected a finite number/,
  ],
): Promise<void> {
  const env = await make();
  const d = boxSpace(env.actionSpace, "mujoco test").low.length;
  throws(() => env.step(new Float32Array(d)), new RegExp(`${id}\\.step: called before reset`));
  env.reset({ seed: 9 });
  env.step(new Float32Array(d).fill(0.1));
  const before = env.getState();
  throws(() => env.step(new Float32Array(d + 1)), {
    message: `${id}.step: action has length ${d + 1}, expected ${d}`,
  });
  const bad = new Float32Array(d);
  bad[d - 1] = NaN;
  throws(() => env.step(bad), {
    message: `${id}.step: action[${d - 1}] is NaN; actions must be finite (action space ${space})`,
  });
  bad[d - 1] = -Infinity;
  throws(() => env.step(bad), /is -Infinity; actions must be finite/);
  deepStrictEqual(env.getState(), before);
  throws(() => env.setState(new Float64Array(3)), /setState: state has length 3, expected/);
  env.close();
  throws(() => env.step(new Float32Array(d)), new RegExp(`${id}\\.step: the env is closed`));
  for (
    const [opts, re] of [
      [{ maxEpisodeSteps: 0 }, /maxEpisodeSteps is 0, expected a positive integer/],
      badOption,
    ] as const
  ) {
    let err: unknown;
    await make(opts).then((e) => e.close(), (e) => (err = e));
    ok(re.test(String(err)), `${err} does not match ${re}`);
  }
}

/** The worker backend (2 workers) gives the in-process VectorEnv's numbers bit for bit. */
export async function checkVectorBackends(id: string): Promise<void> {
  const n = 4;
  const inline = new VectorEnv(await Promise.all(Array.from({ length: n }, () => makeEnv(id))));
  const workers = await WorkerVectorEnv.create(id, n, { workers: 2 });
  try {
    const d = boxSpace(inline.actionSpace, "mujoco test").low.length;
    const rng = new Rng(5);
    const actions = new Float32Array(n * d).map(() => rng.uniform(-1, 1));
    deepStrictEqual(
      workers.resetGroups(2, { seed: 3 }).obs,
      inline.resetGroups(2, { seed: 3 }).obs,
    );
    for (let t = 0; t < 20; t++) {
      const a = { ...workers.step(actions) };
      const b = inline.step(actions);
      for (const k of Object.keys(b) as (keyof typeof b)[]) {
        deepStrictEqual(a[k], b[k], `${k} at ${t}`);
      }
    }
  } finally {
    await workers.close();
    inline.close();
  }
}
