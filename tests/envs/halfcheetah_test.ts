import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { loadHalfCheetahModel, makeHalfCheetah } from "../../envs/halfcheetah.ts";
import { Rng } from "../../lib/rng.ts";
import type { Env, StepResult } from "../../envs/types.ts";
import { randomActions } from "./mujoco_suite.ts";

function run(env: Env, actions: Float32Array[]): StepResult[] {
  return actions.map((a) => env.step(a));
}

Deno.test("reset: obs (qpos[1:], qvel) and info x_position of the draws from new Rng(seed)", async () => {
  const env = await makeHalfCheetah();
  try {
    const { obs, info } = env.reset({ seed: 42 });
    const rng = new Rng(42);
    const qpos = Array.from({ length: 9 }, () => rng.uniform(-0.1, 0.1)); // qpos0 is all zeros
    const qvel = Array.from({ length: 9 }, () => 0.1 * rng.normal());
    strictEqual(info.x_position, qpos[0]);
    deepStrictEqual(obs, Float32Array.from([...qpos.slice(1), ...qvel]));
  } finally {
    env.close();
  }
});

Deno.test("excludeCurrentPositionsFromObservation: false puts x first, obs 18 = (qpos, qvel)", async () => {
  const env = await makeHalfCheetah({ excludeCurrentPositionsFromObservation: false });
  try {
    deepStrictEqual(env.observationSpace.shape, [18]);
    const { obs } = env.reset({ seed: 42 });
    deepStrictEqual(obs, Float32Array.from(env.getState().subarray(0, 18)));
    for (const a of randomActions(env, 1, 3)) {
      const r = env.step(a);
      const s = env.getState();
      deepStrictEqual(r.obs, Float32Array.from(s.subarray(0, 18)));
    }
  } finally {
    env.close();
  }
});

Deno.test("same seed gives the same trajectory; another seed does not", async () => {
  const [a, b, c] = await Promise.all([makeHalfCheetah(), makeHalfCheetah(), makeHalfCheetah()]);
  try {
    const actions = randomActions(a, 1, 5);
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
    for (const a of randomActions(env, 2, 50, 1.5)) {
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

Deno.test("the leading qpos is authoritative: rootx + 1 shifts x_position by 1, nothing else", async () => {
  const env = await makeHalfCheetah();
  const other = await makeHalfCheetah();
  try {
    env.reset({ seed: 11 });
    run(env, randomActions(env, 3, 30)); // contacts and a warm solver
    const saved = env.getState();
    strictEqual(saved.length, 19 + 91); // qpos, qvel, elapsed, MuJoCo's integration state
    const actions = randomActions(env, 4, 40);
    const first = run(env, actions);
    // By translation invariance along the floor, obs and rewards are unchanged (to rounding).
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

Deno.test("a missing action and a non-finite state throw; close is idempotent", async () => {
  // The table in mujoco_suite_test.ts checks wrong lengths, non-finite actions and bad options.
  const env = await makeHalfCheetah();
  env.reset({ seed: 9 });
  env.step(new Float32Array(6).fill(0.5));
  const before = env.getState();
  throws(
    () => env.step(undefined as unknown as Float32Array),
    /action has length undefined, expected 6/,
  );
  const bad = before.slice();
  bad[40] = NaN;
  throws(() => env.setState(bad), /setState: state\[40\] is NaN/);
  deepStrictEqual(env.getState(), before);
  env.close();
  env.close(); // idempotent
  throws(() => env.getState(), /getState: the env is closed/);
});

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
