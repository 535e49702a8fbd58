import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import { angleNormalize, Pendulum } from "../../envs/pendulum.ts";

/** Gymnasium's Pendulum-v1 step written out independently: float64 except the float32 action terms. */
function referenceStep(th: number, thdot: number, a: number, g = 10) {
  const f = Math.fround;
  const u = f(Math.min(Math.max(f(a), -2), 2)); // np.clip on a float32 array
  const twoPi = 2 * Math.PI;
  let m = (th + Math.PI) % twoPi; // Python's float % is floor-mod
  if (m < 0) m += twoPi;
  const normTh = m - Math.PI;
  const uSq = f(u * u); // u**2, float32
  const ctrl = f(f(0.001) * uSq); // 0.001 * (u**2), float32
  const cost = normTh * normTh + 0.1 * (thdot * thdot) + ctrl;
  const gravity = ((3 * g) / (2 * 1)) * Math.sin(th); // 3·g/(2·l)·sin th
  const torque = f(3 * u); // 3.0/(m·l²)·u, float32
  let newThdot = thdot + (gravity + torque) * 0.05;
  newThdot = Math.max(-8, Math.min(8, newThdot));
  const newTh = th + newThdot * 0.05;
  const obs = new Float32Array([Math.cos(newTh), Math.sin(newTh), newThdot]);
  return { th: newTh, thdot: newThdot, reward: -cost, obs };
}

function close(actual: number, expected: number, tol: number, what: string) {
  ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected} (tol ${tol})`);
}

Deno.test("pendulum: trajectories match the step-by-step reference formulas exactly", () => {
  const rng = new Rng(11);
  for (const g of [10, 9.81]) {
    const env = new Pendulum({ g, maxEpisodeSteps: Infinity });
    for (const [th0, thd0] of [[1, -0.5], [7.5, 7.9], [-3, -7.95], [-20.1, 0.3], [Math.PI, 0]]) {
      env.setState(new Float64Array([th0, thd0, 0]));
      let th = th0, thdot = thd0;
      for (let t = 0; t < 100; t++) {
        const a = rng.uniform(-3, 3); // includes actions the env must clip
        const ref = referenceStep(th, thdot, a, g);
        const r = env.step(new Float32Array([a]));
        strictEqual(r.reward, ref.reward, `g=${g} start (${th0}, ${thd0}) t=${t} reward`);
        deepStrictEqual(r.obs, ref.obs);
        deepStrictEqual(env.getState(), new Float64Array([ref.th, ref.thdot, t + 1]));
        th = ref.th;
        thdot = ref.thdot;
      }
    }
  }
});

// Hard-coded values from Gymnasium's step code run under numpy 2.4.6 (python3, float32 action).
const GOLDEN: {
  start: [number, number];
  actions: number[];
  rewards: number[];
  state: [number, number];
}[] = [
  {
    start: [1, -0.5],
    actions: [0.3, -1.7, 2.5, -3, 0.123456789],
    rewards: [
      -1.0250900000086403,
      -1.0236790903979645,
      -1.1094101611243967,
      -1.4651547489067465,
      -1.8038770791622507,
    ],
    state: [1.3349629345219378, 2.5925686183575403],
  },
  {
    start: [7.5, 7.9],
    actions: [2, 2, 1.9999, -0.7, 0],
    rewards: [
      -7.725637996853628,
      -9.01808975110996,
      -10.471541105363247,
      -12.241483259438448,
      -14.33444501368897,
    ],
    state: [9.500000000000002, 8],
  },
  {
    start: [-3, -7.95],
    actions: [-2, -1, 0.5, 1e-3, -2],
    rewards: [
      -15.324250000189991,
      -14.71375751558374,
      -12.51033171981759,
      -9.983010433676988,
      -7.755519277427908,
    ],
    state: [-4.825828084858369, -6.349042068498129],
  },
];

Deno.test("pendulum: golden values computed with numpy (float32 action terms)", () => {
  const env = new Pendulum();
  for (const { start, actions, rewards, state } of GOLDEN) {
    env.setState(new Float64Array([...start, 0]));
    actions.forEach((a, t) =>
      close(env.step(new Float32Array([a])).reward, rewards[t], 1e-9, `reward ${t}`)
    );
    const s = env.getState();
    close(s[0], state[0], 1e-9, "th");
    close(s[1], state[1], 1e-9, "thdot");
  }
  // The float32 product 0.001·u² is visible: in float64 the cost would be exactly 1 + 0.025 + 0.00009.
  env.setState(new Float64Array([1, -0.5, 0]));
  const r = env.step(new Float32Array([0.3])).reward;
  ok(Math.abs(r - -1.0250900000086403) < 1e-15 && Math.abs(r - -1.02509) > 5e-12, `reward ${r}`);
});

Deno.test("pendulum: angle_normalize is floor-mod into [−π, π)", () => {
  close(angleNormalize(-3 * Math.PI / 2), Math.PI / 2, 1e-12, "−3π/2");
  close(angleNormalize(3 * Math.PI / 2), -Math.PI / 2, 1e-12, "3π/2");
  strictEqual(angleNormalize(Math.PI), -Math.PI);
  close(angleNormalize(-7.5), -7.5 + 2 * Math.PI, 1e-12, "−7.5");
  for (let x = -50; x < 50; x += 0.37) {
    const y = angleNormalize(x);
    ok(y >= -Math.PI && y < Math.PI, `angleNormalize(${x}) = ${y}`);
    close(Math.cos(y), Math.cos(x), 1e-9, `cos at ${x}`);
  }
});

Deno.test("pendulum: reward stays in [−16.2736044, 0] and reaches both ends", () => {
  const env = new Pendulum({ maxEpisodeSteps: Infinity });
  const rng = new Rng(3);
  for (let k = 0; k < 2000; k++) {
    env.setState(new Float64Array([rng.uniform(-30, 30), rng.uniform(-8, 8), 0]));
    const r = env.step(new Float32Array([rng.uniform(-10, 10)])).reward;
    ok(r <= 0 && r >= -16.2736044 - 1e-9, `reward ${r}`);
  }
  env.setState(new Float64Array([-Math.PI, 8, 0]));
  close(env.step(new Float32Array([-5])).reward, -16.2736044, 1e-7, "worst case");
  env.setState(new Float64Array([0, 0, 0]));
  strictEqual(env.step(new Float32Array([0])).reward, -0);
});

Deno.test("pendulum: truncates at step 200 and never terminates", () => {
  const env = new Pendulum();
  env.reset({ seed: 0 });
  for (let t = 1; t <= 200; t++) {
    const r = env.step(new Float32Array([Math.sin(t)]));
    strictEqual(r.terminated, false);
    strictEqual(r.truncated, t === 200, `t=${t}`);
  }
  env.reset();
  strictEqual(env.getState()[2], 0);
  const short = new Pendulum({ maxEpisodeSteps: 3 });
  short.reset({ seed: 1 });
  deepStrictEqual([1, 2, 3].map(() => short.step(new Float32Array([0])).truncated), [
    false,
    false,
    true,
  ]);
});

Deno.test("pendulum: seeded resets are deterministic and follow x_init / y_init", () => {
  const a = new Pendulum(), b = new Pendulum();
  deepStrictEqual(a.reset({ seed: 42 }).obs, b.reset({ seed: 42 }).obs);
  deepStrictEqual(a.reset().obs, b.reset().obs); // the reseeded streams continue identically
  notDeepStrictEqual(a.reset({ seed: 1 }).obs, a.reset({ seed: 2 }).obs);
  const s = a.getState();
  const seeded = new Rng(2);
  deepStrictEqual(
    s,
    new Float64Array([seeded.uniform(-Math.PI, Math.PI), seeded.uniform(-1, 1), 0]),
  );
  const c = new Pendulum({ rng: new Rng(9) });
  for (let k = 0; k < 200; k++) {
    c.reset({ options: { x_init: 0.1, y_init: 0.2 } });
    const [th, thdot] = c.getState();
    ok(Math.abs(th) <= 0.1 && Math.abs(thdot) <= 0.2, `state ${th}, ${thdot}`);
  }
  const { obs } = c.reset({ seed: 5 });
  const [th, thdot] = c.getState();
  deepStrictEqual(obs, new Float32Array([Math.cos(th), Math.sin(th), thdot]));
});

Deno.test("pendulum: getState → step → setState → step gives identical results", () => {
  const env = new Pendulum();
  env.reset({ seed: 7 });
  for (let t = 0; t < 198; t++) env.step(new Float32Array([0.5]));
  const saved = env.getState();
  const run = () => [0, 1, 2].map(() => env.step(new Float32Array([-1.25])));
  const first = run();
  env.setState(saved);
  const again = run();
  deepStrictEqual(again, first);
  deepStrictEqual(first.map((r) => r.truncated), [false, true, true]); // the step counter came back too
  const other = new Pendulum();
  other.setState(saved);
  deepStrictEqual([0, 1, 2].map(() => other.step(new Float32Array([-1.25]))), first);
});

Deno.test("pendulum: rejects bad actions, states and options, leaving the state unchanged", () => {
  const env = new Pendulum();
  throws(
    () => env.step(new Float32Array([0])),
    /Pendulum-v1\.step: called before reset\(\) or setState\(\)/,
  );
  env.reset({ seed: 0 });
  const before = env.getState();
  throws(
    () => env.step(new Float32Array([1, 2])),
    /^Error: Pendulum-v1\.step: action has length 2, expected 1$/,
  );
  throws(() => env.step(new Float32Array([])), /action has length 0, expected 1/);
  throws(
    () => env.step(new Float32Array([NaN])),
    /Pendulum-v1\.step: action\[0\] is NaN; actions must be finite/,
  );
  throws(() => env.step(new Float32Array([-Infinity])), /action\[0\] is -Infinity/);
  deepStrictEqual(env.getState(), before);
  throws(() => env.setState(new Float64Array([1, 2])), /setState: state has length 2, expected 3/);
  throws(() => env.setState(new Float64Array([NaN, 0, 0])), /setState: state is \[NaN, 0, 0\]/);
  throws(() => env.setState(new Float64Array([0, 0, 1.5])), /elapsedSteps ≥ 0/);
  deepStrictEqual(env.getState(), before);
  throws(
    () => new Pendulum({ maxEpisodeSteps: 0 }),
    /maxEpisodeSteps is 0, expected a positive integer/,
  );
  throws(() => new Pendulum({ g: NaN }), /option g is NaN/);
  env.close();
  throws(() => env.step(new Float32Array([0])), /Pendulum-v1\.step: the env is closed/);
});

Deno.test("pendulum: spaces match Pendulum-v1", () => {
  const env = new Pendulum();
  deepStrictEqual(env.observationSpace, {
    shape: [3],
    low: new Float32Array([-1, -1, -8]),
    high: new Float32Array([1, 1, 8]),
  });
  deepStrictEqual(env.actionSpace, {
    shape: [1],
    low: new Float32Array([-2]),
    high: new Float32Array([2]),
  });
  strictEqual(env.id, "Pendulum-v1");
});
