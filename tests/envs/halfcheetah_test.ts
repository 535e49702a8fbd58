import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { loadHalfCheetahModel, makeHalfCheetah } from "../../envs/halfcheetah.ts";
import { Rng } from "../../lib/rng.ts";
import { boxSpace, type Env, type StepResult } from "../../envs/types.ts";
import { checkGolden, type Make } from "./mujoco_suite.ts";

/** Published compiled-model facts (shared/reference/envs.md). */
const MASSES: Record<string, number> = {
  torso: 6.250209,
  bthigh: 1.543515,
  bshin: 1.587448,
  bfoot: 1.095397,
  fthigh: 1.438075,
  fshin: 1.200837,
  ffoot: 0.884519,
};

function randomActions(seed: number, n: number, scale = 1): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from(
    { length: n },
    () => Float32Array.from({ length: 6 }, () => rng.uniform(-scale, scale)),
  );
}

function run(env: Env, actions: Float32Array[]): StepResult[] {
  return actions.map((a) => env.step(a));
}

Deno.test("halfcheetah.xml compiles to the published dimensions and masses", async () => {
  const { model, timestep, stateSize } = await loadHalfCheetahModel();
  deepStrictEqual([model.nq, model.nv, model.nu, model.nbody], [9, 9, 6, 8]);
  strictEqual(timestep, 0.01);
  strictEqual(stateSize, 91);
  const mass: Float64Array = model.body_mass;
  for (
    const [i, name] of ["torso", "bthigh", "bshin", "bfoot", "fthigh", "fshin", "ffoot"].entries()
  ) {
    const m = mass[i + 1]; // body 0 is the world
    ok(Math.abs(m - MASSES[name]) < 1e-6, `${name} mass ${m}, expected ${MASSES[name]}`);
  }
  // The published masses themselves sum to 14 (the XML's settotalmass), to their 6 decimals.
  ok(Math.abs(Object.values(MASSES).reduce((a, b) => a + b) - 14) < 1e-5);
  const range: Float64Array = model.actuator_ctrlrange;
  deepStrictEqual(Array.from(range), [-1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1]);
  const gear: Float64Array = model.actuator_gear; // [nu, 6]
  deepStrictEqual(Array.from({ length: 6 }, (_, i) => gear[6 * i]), [120, 90, 60, 120, 60, 30]);
});

Deno.test("reset draws qpos ~ U(−s, s) then qvel ~ s·N(0, 1) from new Rng(seed)", async () => {
  const env = await makeHalfCheetah();
  try {
    const { obs, info } = env.reset({ seed: 42 });
    const rng = new Rng(42);
    const qpos = Array.from({ length: 9 }, () => rng.uniform(-0.1, 0.1)); // qpos0 is all zeros
    const qvel = Array.from({ length: 9 }, () => 0.1 * rng.normal());
    strictEqual(info.x_position, qpos[0]);
    deepStrictEqual(obs, Float32Array.from([...qpos.slice(1), ...qvel]));
    strictEqual(env.observationSpace.shape[0], 17);
    deepStrictEqual(boxSpace(env.actionSpace, "test").low, new Float32Array(6).fill(-1));
    deepStrictEqual(boxSpace(env.actionSpace, "test").high, new Float32Array(6).fill(1));
  } finally {
    env.close();
  }
});

Deno.test("same seed gives the same trajectory; another seed does not", async () => {
  const [a, b, c] = await Promise.all([makeHalfCheetah(), makeHalfCheetah(), makeHalfCheetah()]);
  try {
    const actions = randomActions(1, 100);
    const ra = [a.reset({ seed: 7 }), ...run(a, actions)];
    const rb = [b.reset({ seed: 7 }), ...run(b, actions)];
    deepStrictEqual(ra, rb);
    const rc = c.reset({ seed: 8 });
    ok(rc.obs.some((v, i) => v !== ra[0].obs[i]));
    // The env's own generator: reset without a seed continues the stream identically.
    const rng1 = await makeHalfCheetah({ rng: new Rng(3) });
    const rng2 = await makeHalfCheetah({ rng: new Rng(3) });
    rng1.reset();
    rng2.reset();
    deepStrictEqual(rng1.reset().obs, rng2.reset().obs);
    rng1.close();
    rng2.close();
  } finally {
    a.close();
    b.close();
    c.close();
  }
});

Deno.test("reward = w_f·(Δx/dt) − w_c·Σa², the ctrl cost uses the unclipped action", async () => {
  const env = await makeHalfCheetah({ forwardRewardWeight: 2, ctrlCostWeight: 0.3 });
  const ref = await makeHalfCheetah();
  try {
    env.reset({ seed: 1 });
    let x = env.getState()[0]; // qpos[0], the rootx slide, read from the state, not from info
    let moved = 0;
    for (const a of randomActions(2, 50, 1.5)) {
      const r = env.step(a);
      const xNext = env.getState()[0];
      let sumSq = 0;
      for (const ai of a) sumSq += ai * ai;
      // Gymnasium HalfCheetah-v5: r = w_f·(x' − x)/dt − w_c·Σa², dt = 5 × 0.01, recomputed here
      const want = 2 * (xNext - x) / 0.05 - 0.3 * sumSq;
      ok(Math.abs(r.reward - want) < 1e-9, `reward ${r.reward}, recomputed ${want}`);
      ok(Math.abs(r.info.x_velocity - (xNext - x) / 0.05) < 1e-9);
      strictEqual(r.terminated, false);
      moved += Math.abs(xNext - x);
      x = xNext;
    }
    ok(moved > 0.1, `the torso moved ${moved} in 50 steps: the forward term was exercised`);
    // MuJoCo clamps ctrl to [−1, 1]: ±2 and ±1 give the same physics, but ctrl costs 4 vs 1.
    env.reset({ seed: 5 });
    ref.reset({ seed: 5 });
    for (let t = 0; t < 20; t++) {
      const sign = t % 4 < 2 ? 1 : -1;
      const big = env.step(new Float32Array(6).fill(2 * sign));
      const unit = ref.step(new Float32Array(6).fill(sign));
      deepStrictEqual(big.obs, unit.obs);
      ok(Math.abs(big.info.reward_ctrl - -0.3 * 24) < 1e-12);
      ok(Math.abs(unit.info.reward_ctrl - -0.1 * 6) < 1e-12);
    }
  } finally {
    env.close();
    ref.close();
  }
});

Deno.test("getState → step k → setState → step k is bit-identical, also in another env", async () => {
  const env = await makeHalfCheetah();
  const other = await makeHalfCheetah();
  try {
    env.reset({ seed: 11 });
    run(env, randomActions(3, 30)); // contacts and a warm solver
    const saved = env.getState();
    strictEqual(saved.length, 19 + 91);
    const actions = randomActions(4, 40);
    const first = run(env, actions);
    env.setState(saved);
    deepStrictEqual(run(env, actions), first);
    other.setState(saved);
    deepStrictEqual(run(other, actions), first);
    deepStrictEqual(other.getState(), env.getState());
    // The leading qpos is authoritative: shifting rootx by +1 shifts x_position by 1 and, by
    // translation invariance along the floor, leaves obs and rewards unchanged (to rounding).
    const shifted = saved.slice();
    shifted[0] += 1;
    other.setState(shifted);
    run(other, actions).forEach((r, t) => {
      ok(Math.abs(r.info.x_position - 1 - first[t].info.x_position) < 1e-9);
      ok(Math.abs(r.reward - first[t].reward) < 1e-6, `t=${t}: ${r.reward} vs ${first[t].reward}`);
      r.obs.forEach((v, i) => ok(Math.abs(v - first[t].obs[i]) < 1e-5));
    });
  } finally {
    env.close();
    other.close();
  }
});

Deno.test("never terminates; truncates exactly at maxEpisodeSteps, counted from reset or setState", async () => {
  const env = await makeHalfCheetah({ maxEpisodeSteps: 5 });
  try {
    env.reset({ seed: 0 });
    const flags = run(env, randomActions(5, 5)).map((r) => [r.terminated, r.truncated]);
    deepStrictEqual(flags, [[false, false], [false, false], [false, false], [false, false], [
      false,
      true,
    ]]);
    env.reset();
    env.step(new Float32Array(6));
    const s = env.getState();
    strictEqual(s[18], 1);
    run(env, randomActions(6, 4));
    env.setState(s);
    deepStrictEqual(run(env, randomActions(7, 4)).map((r) => r.truncated), [
      false,
      false,
      false,
      true,
    ]);
  } finally {
    env.close();
  }
});

Deno.test("zero action settles; a bounding gait moves forward", async () => {
  const env = await makeHalfCheetah();
  try {
    env.reset({ seed: 3 });
    let last!: StepResult;
    for (let t = 0; t < 200; t++) last = env.step(new Float32Array(6));
    const speed = Math.hypot(...last.obs.subarray(8));
    ok(speed < 1e-2, `|qvel| = ${speed} after 200 idle steps`);
    ok(Math.abs(last.info.x_velocity) < 1e-2, `x_velocity ${last.info.x_velocity}`);
    ok(last.obs[0] > -0.3 && last.obs[0] < 0.3, `rootz ${last.obs[0]}: resting on the floor`);
    ok(Math.abs(last.obs[1]) < 1, `rooty ${last.obs[1]}: upright, not flipped`);
    strictEqual(last.reward, last.info.x_velocity); // no ctrl cost at a = 0

    // Open-loop sinusoids, one per leg: some period and phase between the legs must run forward,
    // and some must run backward (dead, weak or mis-geared motors would keep all near 0).
    let best = -Infinity;
    let worst = Infinity;
    for (const period of [4, 8, 12]) {
      for (let k = 0; k < 8; k++) {
        const x0 = env.reset({ seed: 3 }).info.x_position;
        let x = x0;
        for (let t = 0; t < 200; t++) {
          const back = Math.sin((2 * Math.PI * t) / period);
          const front = Math.sin((2 * Math.PI * t) / period + (k * Math.PI) / 4);
          x = env.step(Float32Array.of(back, back, back, front, front, front)).info.x_position;
        }
        const v = (x - x0) / (200 * 0.05);
        best = Math.max(best, v);
        worst = Math.min(worst, v);
      }
    }
    ok(worst < -0.3, `most backward mean velocity ${worst}`);
    ok(best > 0.8, `best mean forward velocity ${best}`);
  } finally {
    env.close();
  }
});

Deno.test("bad actions, states and calls throw clear errors and leave the state unchanged", async () => {
  const env = await makeHalfCheetah();
  throws(() => env.step(new Float32Array(6)), /HalfCheetah-v5\.step: called before reset\(\)/);
  env.reset({ seed: 9 });
  env.step(new Float32Array(6).fill(0.5));
  const before = env.getState();
  throws(
    () => env.step(new Float32Array(5)),
    /^Error: HalfCheetah-v5\.step: action has length 5, expected 6$/,
  );
  throws(
    () => env.step(Float32Array.of(0, 0, NaN, 0, 0, 0)),
    /action\[2\] is NaN; actions must be finite/,
  );
  throws(() => env.step(Float32Array.of(0, 0, 0, 0, 0, -Infinity)), /action\[5\] is -Infinity/);
  throws(
    () => env.step(undefined as unknown as Float32Array),
    /action has length undefined, expected 6/,
  );
  deepStrictEqual(env.getState(), before);
  throws(() => env.setState(new Float64Array(3)), /setState: state has length 3, expected 110/);
  const bad = before.slice();
  bad[40] = NaN;
  throws(() => env.setState(bad), /setState: state\[40\] is NaN/);
  deepStrictEqual(env.getState(), before);
  await rejectsWith(
    () => makeHalfCheetah({ maxEpisodeSteps: 0 }),
    /maxEpisodeSteps is 0, expected a positive integer/,
  );
  await rejectsWith(() => makeHalfCheetah({ ctrlCostWeight: NaN }), /ctrlCostWeight is NaN/);
  env.close();
  env.close(); // idempotent
  throws(() => env.step(new Float32Array(6)), /HalfCheetah-v5\.step: the env is closed/);
  throws(() => env.getState(), /getState: the env is closed/);
});

async function rejectsWith(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  try {
    await fn();
  } catch (err) {
    ok(re.test(String(err)), `${err} does not match ${re}`);
    return;
  }
  throw new Error(`expected a rejection matching ${re}`);
}

Deno.test("creating and closing 200 envs does not grow the wasm heap or the RSS", async () => {
  const { model } = await loadHalfCheetahModel();
  const heapBytes = () => (model.qpos0 as Float64Array).buffer.byteLength; // the whole wasm memory
  const cycle = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const env = await makeHalfCheetah();
      env.reset({ seed: i });
      env.step(new Float32Array(6));
      env.getState();
      env.close();
    }
  };
  await cycle(50);
  const heap50 = heapBytes();
  const rss50 = Deno.memoryUsage().rss;
  await cycle(150);
  const heap200 = heapBytes();
  const rss200 = Deno.memoryUsage().rss;
  // One leaked MjData is ≈ 13.6 MB of heap, so 150 leaks would add ≈ 2 GB.
  strictEqual(heap200, heap50, `wasm heap grew from ${heap50} to ${heap200} bytes`);
  ok(rss200 - rss50 < 100e6, `RSS grew by ${(rss200 - rss50) / 1e6} MB`);
});

Deno.test("HalfCheetah-v5 golden numbers (envs-suite.md, MuJoCo 3.14.0) to ≤ 1e-6 relative", async () => {
  await checkGolden(makeHalfCheetah as Make, {
    r1: 0.3206701259,
    sum: 2.288113476,
    steps: 10,
    obs: [-0.2090114, 0.019356786, 0.23257986],
    spaces: { obs: 17, low: -1, high: 1, d: 6 },
  });
});
