import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import { checkUniform } from "./moments.ts";
import { CartPole } from "../../envs/cartpole.ts";
import { makeEnv } from "../../envs/registry.ts";
import { makeVectorEnv } from "../../envs/worker_pool.ts";

/** CartPole-v1's Euler step from the published equations (Barto, Sutton & Anderson 1983), float64. */
function referenceStep([x, v, th, w]: number[], a: number): number[] {
  const g = 9.8, mc = 1, mp = 0.1, l = 0.5, tau = 0.02;
  const F = a === 1 ? 10 : -10, c = Math.cos(th), s = Math.sin(th);
  const temp = (F + mp * l * (w * w) * s) / (mp + mc);
  const thAcc = (g * s - c * temp) / (l * (4 / 3 - mp * (c * c) / (mp + mc)));
  const xAcc = temp - mp * l * thAcc * c / (mp + mc);
  return [x + tau * v, v + tau * xAcc, th + tau * w, w + tau * thAcc];
}

// Gymnasium 1.x CartPole.step transcribed into python3 and run under numpy 2.4.6 (same machine).
const GOLDEN = [
  {
    start: [0.01, -0.02, 0.03, 0.04],
    actions: [1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1],
    firstTerminated: -1,
    state: [0.13495111209945443, 0.7696383485325042, -0.1594239471913584, -1.3470614017402252],
  },
  {
    start: [-1.5, 0.8, -0.15, 0.9],
    actions: Array(25).fill(1),
    firstTerminated: 8,
    state: [0.054917546601121664, 5.330449359048056, -1.8012641325655938, -7.943666377334634],
  },
];

Deno.test("cartpole: golden trajectories from Gymnasium's step under numpy, rewards 1 then 0", () => {
  const env = new CartPole({ maxEpisodeSteps: Infinity });
  for (const { start, actions, firstTerminated, state } of GOLDEN) {
    env.setState(new Float64Array([...start, 0, -1]));
    actions.forEach((a, t) => {
      const r = env.step(new Float32Array([a]));
      const term = firstTerminated >= 0 && t >= firstTerminated;
      strictEqual(r.terminated, term, `t=${t}`);
      strictEqual(r.reward, term && t > firstTerminated ? 0 : 1, `t=${t} reward`);
    });
    const s = env.getState();
    state.forEach((v, i) => ok(Math.abs(s[i] - v) <= 1e-12 * Math.max(1, Math.abs(v)), `s[${i}]`));
  }
});

Deno.test("cartpole: random trajectories match the reference equations bit for bit", () => {
  const env = new CartPole({ maxEpisodeSteps: Infinity });
  const rng = new Rng(5);
  for (let ep = 0; ep < 20; ep++) {
    let s = [0, 1, 2, 3].map(() => rng.uniform(-0.2, 0.2));
    env.setState(new Float64Array([...s, 0, -1]));
    for (let t = 0; t < 60; t++) {
      const a = rng.uniform() < 0.5 ? 0 : 1;
      s = referenceStep(s, a);
      const r = env.step(new Float32Array([a]));
      deepStrictEqual(r.obs, Float32Array.from(s));
      deepStrictEqual([...env.getState()].slice(0, 4), s);
    }
  }
});

Deno.test("cartpole: terminates just past |x| = 2.4 and |θ| = 12°, pays 1 there, 0 after", () => {
  const env = new CartPole();
  const thr = 12 * 2 * Math.PI / 360;
  // x' = x + 0.02·ẋ: land exactly on the bound, then one ulp beyond it.
  for (const [x, sign] of [[2.4 - 0.02, 1], [-2.4 + 0.02, -1]]) {
    env.setState(new Float64Array([x, sign, 0, 0, 0, -1]));
    const r = env.step(new Float32Array([1]));
    strictEqual(env.getState()[0], x + 0.02 * sign);
    strictEqual(r.terminated, Math.abs(x + 0.02 * sign) > 2.4);
  }
  env.setState(new Float64Array([2.4, 0, 0, 0, 0, -1])); // x' = 2.4: not beyond
  strictEqual(env.step(new Float32Array([0])).terminated, false);
  env.setState(new Float64Array([2.4 + 1e-9, 0, 0, 0, 0, -1]));
  strictEqual(env.step(new Float32Array([0])).terminated, true);
  env.setState(new Float64Array([0, 0, thr, 0, 0, -1]));
  strictEqual(env.step(new Float32Array([0])).terminated, false);
  env.setState(new Float64Array([0, 0, -thr - 1e-12, -1, 0, -1]));
  const r = env.step(new Float32Array([1]));
  deepStrictEqual([r.terminated, r.reward, env.getState()[5]], [true, 1, 0]);
  const after = env.step(new Float32Array([1]));
  deepStrictEqual([after.terminated, after.reward, env.getState()[5]], [true, 0, 1]);
  const sb = new CartPole({ suttonBartoReward: true });
  sb.setState(new Float64Array([0, 0, 0, 0, 0, -1]));
  strictEqual(sb.step(new Float32Array([1])).reward, 0);
  sb.setState(new Float64Array([0, 0, 0.3, 0, 0, -1]));
  deepStrictEqual([sb.step(new Float32Array([1])).reward, sb.step(new Float32Array([1])).reward], [
    -1,
    -1,
  ]);
});

Deno.test("cartpole: truncates at step 500 (both flags can hold at once)", () => {
  const env = new CartPole();
  env.setState(new Float64Array([0, 0, 0, 0, 498, -1]));
  deepStrictEqual([1, 2].map(() => env.step(new Float32Array([0])).truncated), [false, true]);
  env.setState(new Float64Array([2.39, 5, 0, 0, 499, -1]));
  const r = env.step(new Float32Array([1]));
  deepStrictEqual([r.terminated, r.truncated], [true, true]);
  env.reset({ seed: 0 });
  strictEqual(env.getState()[4], 0);
});

Deno.test("cartpole: reset draws U(−0.05, 0.05)⁴ (moments) and honours options low/high", () => {
  const env = new CartPole({ rng: new Rng(3) });
  const xs: number[][] = [[], [], [], []];
  for (let k = 0; k < 4000; k++) {
    const { obs } = env.reset();
    const s = env.getState();
    deepStrictEqual(obs, Float32Array.from(s.subarray(0, 4)));
    deepStrictEqual([...s.subarray(4)], [0, -1]);
    xs.forEach((x, i) => x.push(s[i]));
  }
  xs.forEach((x, i) => checkUniform(x, -0.05, 0.05, `state[${i}]`));
  const a = new CartPole(), b = new CartPole();
  deepStrictEqual(a.reset({ seed: 9 }).obs, b.reset({ seed: 9 }).obs);
  a.reset({ seed: 1, options: { low: 0.2, high: 0.3 } });
  ok(a.getState().subarray(0, 4).every((v) => v >= 0.2 && v < 0.3));
  throws(() => a.reset({ options: { low: 1, high: 0 } }), /low = 1, high = 0/);
});

Deno.test("cartpole: getState/setState restores the episode exactly, counters included", () => {
  const env = new CartPole();
  env.reset({ seed: 4 });
  for (let t = 0; t < 5; t++) env.step(new Float32Array([t % 2]));
  const saved = env.getState();
  const run = () =>
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1].map((a) => env.step(new Float32Array([a])));
  const first = run();
  const other = new CartPole();
  other.setState(saved);
  const again = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1].map((a) => other.step(new Float32Array([a])));
  deepStrictEqual(again, first);
  deepStrictEqual(other.getState(), env.getState());
});

Deno.test("cartpole: spaces, obs order [x, ẋ, θ, θ̇], registry, bad actions and states", async () => {
  const env = await makeEnv("CartPole-v1");
  deepStrictEqual(env.actionSpace, { kind: "discrete", n: 2 });
  deepStrictEqual(env.observationSpace, {
    shape: [4],
    low: new Float32Array([-4.8, -Infinity, -0.41887903, -Infinity]),
    high: new Float32Array([4.8, Infinity, 0.41887903, Infinity]),
  });
  env.setState(new Float64Array([0.1, 0.2, 0.3, 0.4, 0, -1]));
  const before = env.getState();
  for (
    const [a, msg] of [
      [[2], /action\[0\] is 2, expected an integer in \[0, 1\]/],
      [
        [0.5],
        /action\[0\] is 0\.5/,
      ],
      [[NaN], /is NaN/],
      [[-1], /is -1/],
      [[0, 1], /length 2, expected 1/],
    ] as const
  ) {
    throws(() => env.step(new Float32Array(a)), msg);
  }
  deepStrictEqual(env.getState(), before);
  const r = env.step(new Float32Array([0]));
  deepStrictEqual(r.obs, Float32Array.from(referenceStep([0.1, 0.2, 0.3, 0.4], 0)));
  deepStrictEqual(r.info, {});
  throws(() => env.setState(new Float64Array(5)), /length 5, expected 6 \[x, x_dot/);
  throws(() => env.setState(new Float64Array([0, 0, 0, 0, 0, -2])), /stepsBeyondTerminated is -2/);
  throws(() => new CartPole({ maxEpisodeSteps: 1.5 }), /maxEpisodeSteps is 1\.5/);
  throws(() => new CartPole().step(new Float32Array([0])), /called before reset/);
  env.close();
  throws(() => env.reset(), /CartPole-v1\.reset: the env is closed/);
});

Deno.test("cartpole: VectorEnv and WorkerVectorEnv step Discrete actions unchanged, bit for bit", async () => {
  const n = 4, inline = await makeVectorEnv("CartPole-v1", n, { backend: "inline" });
  const workers = await makeVectorEnv("CartPole-v1", n, { backend: "workers", workers: 2 });
  try {
    deepStrictEqual(workers.actionSpace, { kind: "discrete", n: 2 });
    deepStrictEqual(inline.reset({ seed: 3 }).obs, workers.reset({ seed: 3 }).obs);
    const rng = new Rng(0);
    let dones = 0;
    for (let t = 0; t < 80; t++) {
      const actions = new Float32Array(n).map(() => rng.uniform() < 0.5 ? 0 : 1);
      const a = inline.step(actions), b = workers.step(actions);
      deepStrictEqual([a.obs, a.rewards, a.terminated], [b.obs, b.rewards, b.terminated]);
      dones += a.terminated.reduce((s, x) => s + x, 0);
    }
    ok(dones > 0, "random pushes end some episodes (autoreset exercised)");
    throws(() => inline.step(new Float32Array(n).fill(2)), /integer in \[0, 1\]/);
  } finally {
    inline.close();
    workers.close();
  }
});
