import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import { checkUniform } from "./moments.ts";
import { Acrobot } from "../../envs/acrobot.ts";
import { makeEnv } from "../../envs/registry.ts";

/**
 * Acrobot's "book" equations (Sutton & Barto 1998, §11.3) with the constants substituted
 * (m = l₁ = I = 1, lc = 0.5, g = 9.8), integrated by one classic RK4 step of h = 0.2.
 */
function referenceStep(s: number[], a: number): number[] {
  const tau = [-1, 0, 1][a], g = 9.8;
  const f = ([t1, t2, w1, w2]: number[]) => {
    const d1 = 0.25 + (1 + 0.25 + Math.cos(t2)) + 2; // m₁lc₁² + m₂(l₁² + lc₂² + 2l₁lc₂cos θ₂) + I₁ + I₂
    const d2 = 0.25 + 0.5 * Math.cos(t2) + 1;
    const phi2 = 0.5 * g * Math.cos(t1 + t2 - Math.PI / 2);
    const phi1 = -0.5 * w2 * w2 * Math.sin(t2) - w2 * w1 * Math.sin(t2) +
      1.5 * g * Math.cos(t1 - Math.PI / 2) + phi2;
    const dd2 = (tau + d2 / d1 * phi1 - 0.5 * w1 * w1 * Math.sin(t2) - phi2) /
      (1.25 - d2 * d2 / d1);
    return [w1, w2, -(d2 * dd2 + phi1) / d1, dd2];
  };
  const h = 0.2, axpy = (y: number[], k: number[], c: number) => y.map((v, i) => v + c * k[i]);
  const k1 = f(s), k2 = f(axpy(s, k1, h / 2)), k3 = f(axpy(s, k2, h / 2)), k4 = f(axpy(s, k3, h));
  const n = s.map((v, i) => v + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
  const wrap = (x: number) => { // into [−π, π] by whole turns (a fast arm can pass several)
    while (x > Math.PI) x -= 2 * Math.PI;
    while (x < -Math.PI) x += 2 * Math.PI;
    return x;
  };
  const clip = (x: number, m: number) => Math.min(Math.max(x, -m), m);
  return [wrap(n[0]), wrap(n[1]), clip(n[2], 4 * Math.PI), clip(n[3], 9 * Math.PI)];
}

const close = (a: number, b: number, tol: number, what: string) =>
  ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

// Gymnasium 1.x Acrobot.step (rk4, wrap, bound, _dsdt) transcribed into python3, numpy 2.4.6.
const GOLDEN = [
  {
    start: [0.05000000074505806, -0.029999999329447746, 0.07999999821186066, -0.009999999776482582],
    actions: [2, 2, 0, 0, 1, 2, 0, 2, 2, 1, 0, 0, 2, 2, 2, 1, 0, 2, 1, 0],
    state: [0.05388445020893323, 0.07560197446794079, 0.21081565323265067, -0.6161764464084404],
  },
  {
    start: [2.9000000953674316, -3.0999999046325684, 12.0, -27.0], // wraps and clips
    actions: [0, 2, 1, 2, 0, 1, 1, 2, 0, 0],
    state: [2.0577292446465023, -2.283707806718336, 4.564857585049753, -13.425134082577177],
  },
];

Deno.test("acrobot: golden trajectories from Gymnasium's step under numpy", () => {
  const env = new Acrobot({ maxEpisodeSteps: Infinity });
  for (const { start, actions, state } of GOLDEN) {
    env.setState(new Float64Array([...start, 0]));
    for (const a of actions) strictEqual(env.step(new Float32Array([a])).reward, -1);
    const s = env.getState();
    state.forEach((v, i) => close(s[i], v, 1e-12, `s[${i}]`));
  }
});

Deno.test("acrobot: random trajectories match the substituted book equations", () => {
  const env = new Acrobot({ maxEpisodeSteps: Infinity });
  const rng = new Rng(8);
  for (let ep = 0; ep < 10; ep++) {
    let s = [rng.uniform(-3, 3), rng.uniform(-3, 3), rng.uniform(-12, 12), rng.uniform(-28, 28)];
    env.setState(new Float64Array([...s, 0]));
    for (let t = 0; t < 8; t++) { // short: the double pendulum is chaotic
      const a = Math.floor(rng.uniform(0, 3));
      s = referenceStep(s, a);
      const r = env.step(new Float32Array([a]));
      const got = env.getState();
      s.forEach((v, i) => close(got[i], v, 1e-9, `ep ${ep} t ${t} s[${i}]`));
      const obs = [Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]];
      obs.forEach((v, i) => close(r.obs[i], v, 1e-6, `obs[${i}]`));
      strictEqual(r.terminated, -Math.cos(s[0]) - Math.cos(s[0] + s[1]) > 1);
    }
  }
});

Deno.test("acrobot: terminates when −cos θ₁ − cos(θ₁ + θ₂) > 1, paying 0 on that step", () => {
  const env = new Acrobot();
  // From θ₁ = 2π/3 at rest, one step lands near the line: find the tip height after the step.
  const hits: boolean[] = [];
  for (const t1 of [1.9, 2.0, 2.1, 2.2, 2.3, 2.4]) {
    env.setState(new Float64Array([t1, 0, 0, 0, 0]));
    const r = env.step(new Float32Array([1]));
    const [a, b] = env.getState();
    const height = -Math.cos(a) - Math.cos(a + b);
    strictEqual(r.terminated, height > 1, `θ₁ = ${t1}: height ${height}`);
    strictEqual(r.reward, height > 1 ? 0 : -1);
    hits.push(r.terminated);
  }
  ok(hits.includes(true) && hits.includes(false), `both sides of the line: ${hits}`);
});

Deno.test("acrobot: truncates at step 500; reset draws float32 U(−0.1, 0.1)⁴ (moments)", () => {
  const env = new Acrobot({ rng: new Rng(2) });
  env.setState(new Float64Array([0, 0, 0, 0, 498]));
  deepStrictEqual([1, 2].map(() => env.step(new Float32Array([1])).truncated), [false, true]);
  const xs: number[][] = [[], [], [], []];
  for (let k = 0; k < 4000; k++) {
    const { obs } = env.reset();
    const s = env.getState();
    strictEqual(s[4], 0);
    for (let i = 0; i < 4; i++) {
      strictEqual(Math.fround(s[i]), s[i], "float32 start state");
      xs[i].push(s[i]);
    }
    deepStrictEqual(
      obs,
      Float32Array.of(Math.cos(s[0]), Math.sin(s[0]), Math.cos(s[1]), Math.sin(s[1]), s[2], s[3]),
    );
  }
  xs.forEach((x, i) => checkUniform(x, -0.1, 0.1, `state[${i}]`));
  const other = new Acrobot();
  deepStrictEqual(other.reset({ seed: 3 }).obs, new Acrobot().reset({ seed: 3 }).obs);
});

Deno.test("acrobot: getState/setState restores the episode exactly", () => {
  const env = new Acrobot();
  env.reset({ seed: 6 });
  for (let t = 0; t < 30; t++) env.step(new Float32Array([t % 3]));
  const saved = env.getState();
  const run = (e: Acrobot) => [2, 2, 0, 1, 2, 0, 0].map((a) => e.step(new Float32Array([a])));
  const first = run(env);
  const other = new Acrobot();
  other.setState(saved);
  deepStrictEqual(run(other), first);
  deepStrictEqual(other.getState(), env.getState());
});

Deno.test("acrobot: spaces, registry, bad actions and states", async () => {
  const env = await makeEnv("Acrobot-v1");
  deepStrictEqual(env.actionSpace, { kind: "discrete", n: 3 });
  deepStrictEqual(env.observationSpace, {
    shape: [6],
    low: Float32Array.of(-1, -1, -1, -1, -4 * Math.PI, -9 * Math.PI),
    high: Float32Array.of(1, 1, 1, 1, 4 * Math.PI, 9 * Math.PI),
  });
  env.reset({ seed: 0 });
  const before = env.getState();
  throws(
    () => env.step(new Float32Array([3])),
    /Acrobot-v1\.step: action\[0\] is 3, expected an integer in \[0, 2\] \(Discrete\(3\)\)/,
  );
  throws(() => env.step(new Float32Array([1.5])), /action\[0\] is 1\.5/);
  throws(() => env.step(new Float32Array([])), /length 0, expected 1/);
  deepStrictEqual(env.getState(), before);
  throws(() => env.setState(new Float64Array([0, 0, NaN, 0, 0])), /dtheta1 is NaN/);
  throws(() => env.setState(new Float64Array(4)), /length 4, expected 5/);
});
