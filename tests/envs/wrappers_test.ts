import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import { Pendulum } from "../../envs/pendulum.ts";
import {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  RecordEpisodeStatistics,
  TimeLimit,
  Wrapper,
} from "../../envs/wrappers.ts";
import { RewardScaler, RunningMeanStd } from "../../lib/running_stats.ts";

const act = (a: number) => new Float32Array([a]);

function close(actual: number, expected: number, tol: number, what = "") {
  ok(Math.abs(actual - expected) <= tol, `${what} ${actual} vs ${expected} (tol ${tol})`);
}

Deno.test("Wrapper passes everything through", () => {
  const inner = new Pendulum();
  const w = new Wrapper(inner);
  strictEqual(w.id, "Pendulum-v1");
  strictEqual(w.actionSpace, inner.actionSpace);
  strictEqual(w.observationSpace, inner.observationSpace);
  deepStrictEqual(w.reset({ seed: 4 }).obs, new Pendulum().reset({ seed: 4 }).obs);
  w.setState(new Float64Array([0.5, -1, 3]));
  deepStrictEqual(inner.getState(), new Float64Array([0.5, -1, 3]));
  deepStrictEqual(w.getState(), inner.getState());
  w.close();
  throws(() => inner.reset(), /closed/);
});

Deno.test("TimeLimit truncates at maxEpisodeSteps and restores its counter", () => {
  const env = new TimeLimit(new Pendulum({ maxEpisodeSteps: Infinity }), { maxEpisodeSteps: 5 });
  env.reset({ seed: 0 });
  deepStrictEqual([1, 2, 3, 4, 5].map(() => env.step(act(0)).truncated), [
    false,
    false,
    false,
    false,
    true,
  ]);
  env.reset({ seed: 0 });
  env.step(act(0));
  env.step(act(0));
  const saved = env.getState();
  strictEqual(saved.length, 4);
  strictEqual(saved[3], 2);
  const first = [0, 1, 2].map(() => env.step(act(1)));
  const fresh = new TimeLimit(new Pendulum({ maxEpisodeSteps: Infinity }), { maxEpisodeSteps: 5 });
  fresh.setState(saved);
  deepStrictEqual([0, 1, 2].map(() => fresh.step(act(1))), first);
  strictEqual(first[2].truncated, true);
  throws(() => new TimeLimit(new Pendulum(), { maxEpisodeSteps: -1 }), /maxEpisodeSteps is -1/);
  throws(
    () => env.setState(new Float64Array([])),
    /TimeLimit\.setState: state has length 0, expected at least 1/,
  );
});

Deno.test("ClipAction clips to the action space and leaves non-finite actions to the env", () => {
  const a = new ClipAction(new Pendulum());
  const b = new Pendulum();
  a.reset({ seed: 3 });
  b.reset({ seed: 3 });
  for (const [x, clipped] of [[5, 2], [-7.5, -2], [1.25, 1.25]]) {
    const action = act(x);
    deepStrictEqual(a.step(action), b.step(act(clipped)));
    strictEqual(action[0], Math.fround(x)); // the caller's array is not modified
  }
  throws(() => a.step(act(NaN)), /Pendulum-v1\.step: action\[0\] is NaN/);
  throws(() => a.step(new Float32Array(2)), /action has length 2, expected 1/);
});

/** Gymnasium's update_mean_var_count_from_moments for a scalar, written out. */
function refMerge(m: number, v: number, n: number, bm: number, bv: number, bn: number) {
  const delta = bm - m;
  const tot = n + bn;
  const newMean = m + delta * bn / tot;
  const M2 = v * n + bv * bn + delta ** 2 * n * bn / tot;
  return [newMean, M2 / tot, tot];
}

Deno.test("RunningMeanStd: parallel merge matches the reference and the pooled moments", () => {
  const rng = new Rng(5);
  const rms = new RunningMeanStd(2);
  let ref = [[0, 1, 1e-4], [0, 1, 1e-4]];
  const all: number[][] = [[], []];
  for (let k = 0; k < 20; k++) {
    const B = 1 + rng.int(7);
    const x = new Float64Array(B * 2);
    for (let i = 0; i < B; i++) {
      x[2 * i] = rng.normal(3, 2);
      x[2 * i + 1] = rng.uniform(-1, 1);
      all[0].push(x[2 * i]);
      all[1].push(x[2 * i + 1]);
    }
    rms.update(x);
    ref = ref.map(([m, v, n], j) => {
      const col = Array.from({ length: B }, (_, i) => x[2 * i + j]);
      const bm = col.reduce((s, y) => s + y, 0) / B;
      const bv = col.reduce((s, y) => s + (y - bm) ** 2, 0) / B;
      return refMerge(m, v, n, bm, bv, B);
    });
  }
  for (let j = 0; j < 2; j++) {
    close(rms.mean[j], ref[j][0], 1e-12, "mean");
    close(rms.var[j], ref[j][1], 1e-12, "var");
    const n = all[j].length;
    const mean = all[j].reduce((s, y) => s + y, 0) / n;
    const variance = all[j].reduce((s, y) => s + (y - mean) ** 2, 0) / n;
    close(rms.mean[j], mean, 1e-4, "pooled mean"); // the 1e-4 pseudo-count is the only difference
    close(rms.var[j], variance, 1e-3, "pooled var");
  }
  close(rms.count, ref[0][2], 1e-9, "count");
  const copy = new RunningMeanStd(2);
  copy.setStats(JSON.parse(JSON.stringify(rms.stats())));
  deepStrictEqual(copy.stats(), rms.stats());
  throws(
    () => rms.update(new Float64Array(3)),
    /batch has 3 values, expected a positive multiple of 2/,
  );
  throws(
    () => copy.setStats({ mean: [0], var: [1, 1], count: 1 }),
    /lengths 1\/2 and count 1, expected 2\/2/,
  );
});

Deno.test("NormalizeObservation: formula, freezing, stats round trip, clipping", () => {
  const env = new NormalizeObservation(new Pendulum());
  const raw = new Pendulum();
  const r0 = env.reset({ seed: 2 });
  const rawObs = raw.reset({ seed: 2 }).obs;
  // After one update from (0, 1, 1e-4): μ = o·1/(1+1e-4), σ² = (1e-4 + o²·1e-4/(1+1e-4))/(1+1e-4).
  for (let j = 0; j < 3; j++) {
    const n = 1 + 1e-4;
    const mu = rawObs[j] / n;
    const v = (1e-4 + rawObs[j] ** 2 * 1e-4 / n) / n;
    close(r0.obs[j], Math.fround((rawObs[j] - mu) / Math.sqrt(v + 1e-8)), 1e-6, `obs[${j}]`);
  }
  const rng = new Rng(1);
  for (let t = 0; t < 600; t++) {
    const r = env.step(act(rng.uniform(-2, 2)));
    if (r.truncated) env.reset();
  }
  const stats = env.stats();
  env.training = false;
  env.step(act(1));
  deepStrictEqual(env.stats(), stats);
  const restored = new NormalizeObservation(new Pendulum(), { training: false });
  restored.setStats(JSON.parse(JSON.stringify(stats)));
  restored.setState(env.getState());
  deepStrictEqual(restored.step(act(0.3)), env.step(act(0.3)));
  const tight = new NormalizeObservation(new Pendulum(), { training: false, clip: 5 });
  tight.setStats({ mean: [0, 0, 0], var: [1e-6, 1e-6, 1e-6], count: 1 });
  tight.setState(new Float64Array([0.3, 4, 0]));
  const o = tight.step(act(0)).obs;
  ok(o.every((x) => Math.abs(x) === 5), `clipped obs ${o}`);
});

Deno.test("NormalizeReward: reproduces Gymnasium's discounted-return normalization", () => {
  const gamma = 0.9;
  const env = new NormalizeReward(new Pendulum({ maxEpisodeSteps: 50 }), { gamma });
  const raw = new Pendulum({ maxEpisodeSteps: 50 });
  env.reset({ seed: 8 });
  raw.reset({ seed: 8 });
  let R = 0, m = 0, v = 1, n = 1e-4;
  const rng = new Rng(2);
  for (let t = 0; t < 120; t++) {
    const a = act(rng.uniform(-2, 2));
    const got = env.step(a);
    const r = raw.step(a);
    R = R * gamma * (r.terminated ? 0 : 1) + r.reward; // not reset on truncation, as in Gymnasium
    [m, v, n] = refMerge(m, v, n, R, 0, 1);
    const expected = Math.max(-10, Math.min(10, r.reward / Math.sqrt(v + 1e-8)));
    close(got.reward, expected, 1e-12, `t=${t}`);
    if (r.truncated) {
      env.reset();
      raw.reset();
    }
  }
  const stats = env.stats();
  close(stats.ret, R, 1e-9, "ret");
  close(stats.var[0], v, 1e-12, "var");
  env.training = false;
  env.step(act(0));
  const frozen = env.stats();
  deepStrictEqual({ ...frozen, ret: 0 }, { ...stats, ret: 0 }); // statistics frozen; R keeps running
  notDeepStrictEqual(frozen.ret, stats.ret);
  const copy = new NormalizeReward(new Pendulum(), { gamma });
  copy.setStats(JSON.parse(JSON.stringify(frozen)));
  deepStrictEqual(copy.stats(), frozen);
  throws(() => copy.setStats({ ...frozen, ret: NaN }), /ret is NaN/);
  const clipped = new NormalizeReward(new Pendulum(), { training: false, clip: 3 });
  clipped.setStats({ mean: [0], var: [1e-4], count: 1, ret: 0 });
  clipped.setState(new Float64Array([3, 0, 0]));
  strictEqual(clipped.step(act(0)).reward, -3);
});

Deno.test("RecordEpisodeStatistics reports return and length on the final step only", () => {
  const env = new RecordEpisodeStatistics(new Pendulum({ maxEpisodeSteps: 20 }));
  for (const seed of [0, 1]) {
    env.reset({ seed });
    let sum = 0;
    for (let t = 1; t <= 20; t++) {
      const r = env.step(act(Math.cos(t)));
      sum += r.reward;
      if (t < 20) deepStrictEqual(r.info, {});
      else deepStrictEqual(r.info, { episode_return: sum, episode_length: 20 });
    }
  }
  env.reset({ seed: 3 });
  for (let t = 0; t < 15; t++) env.step(act(0.1));
  const saved = env.getState();
  strictEqual(saved.length, 5);
  const finish = () => [0, 1, 2, 3, 4].map(() => env.step(act(-0.2))).at(-1)!.info;
  const a = finish();
  env.setState(saved);
  deepStrictEqual(finish(), a);
  strictEqual(a.episode_length, 20);
});

Deno.test("wrappers compose: the README stack runs and clips, normalizes and records", () => {
  const env = new NormalizeReward(
    new NormalizeObservation(new ClipAction(new RecordEpisodeStatistics(new Pendulum()))),
    { gamma: 0.99 },
  );
  env.reset({ seed: 0 });
  let last;
  for (let t = 0; t < 200; t++) last = env.step(act(5 * Math.sin(t)));
  strictEqual(last!.truncated, true);
  ok(last!.info.episode_return < 0 && last!.info.episode_return >= -200 * 16.2736044);
  strictEqual(last!.info.episode_length, 200);
  ok(last!.obs.every((x) => Math.abs(x) <= 10));
  strictEqual(env.getState().length, 3 + 2);
});

Deno.test("RewardScaler (PPO's --norm-reward): R resets on termination only; σ² merges the N returns per step; ±10 clip", () => {
  const s = new RewardScaler(2, { gamma: 0.5, clip: 3 });
  const rms = new RunningMeanStd(1);
  const R = [0, 0];
  const steps: [number[], number[]][] = [[[1, 2], [0, 0]], [[3, -1], [1, 0]], [[4, 40], [0, 0]]];
  for (const [r, term] of steps) {
    for (let i = 0; i < 2; i++) R[i] = R[i] * 0.5 * (1 - term[i]) + r[i]; // Gymnasium's update
    rms.update(Float64Array.from(R));
    const got = Float64Array.from(r);
    s.scale(got, term);
    const sd = Math.sqrt(rms.var[0] + 1e-8);
    for (let i = 0; i < 2; i++) {
      ok(Math.abs(got[i] - Math.min(Math.max(r[i] / sd, -3), 3)) < 1e-12, `${got[i]}`);
    }
    deepStrictEqual(Array.from(s.returns), R);
  }
  // env 0: 1, then 3 at its termination (the old return dropped, Gymnasium's order), then 0.5·3 + 4;
  // env 1 is never reset: 2, 0.5·2 − 1 = 0, 40
  deepStrictEqual(R, [5.5, 40]);
  const last = Float64Array.from([0, 400]);
  s.scale(last, [0, 0], false); // not training: σ² stays; 400/σ is far past the clip
  strictEqual(last[1], 3);
});
