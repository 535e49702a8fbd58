import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import { checkUniform } from "./moments.ts";
import { MountainCar, MountainCarContinuous } from "../../envs/mountain_car.ts";
import { makeEnv } from "../../envs/registry.ts";

/** MountainCar's published update (Moore 1990, as in Gymnasium), float64. */
function referenceStep(p: number, v: number, a: number): [number, number] {
  v = Math.max(-0.07, Math.min(0.07, v + ((a - 1) * 0.001 + Math.cos(3 * p) * -0.0025)));
  p = Math.max(-1.2, Math.min(0.6, p + v));
  return [p, p === -1.2 && v < 0 ? 0 : v];
}

// Gymnasium 1.x step code transcribed into python3 and run under numpy 2.4.6 (same machine).
const GOLDEN_DISCRETE = [
  {
    start: [-0.5, 0],
    actions: [...Array(30).fill(2), ...Array(30).fill(0)],
    firstTerminated: -1,
    state: [-0.9439786620122841, -0.024543353106415672],
  },
  {
    start: [-1.15, -0.06], // hits the left wall
    actions: [0, 0, 0, 1, 2],
    firstTerminated: -1,
    state: [-1.1835168545376424, 0.008011318665229854],
  },
  { start: [0.45, 0.05], actions: [2, 2, 2], firstTerminated: 0, state: [0.6, 0.0524897706632883] },
];

// stateIsFloat32 = 0 is reset's float64 state; 1 a state stored by a step.
const GOLDEN_CONTINUOUS = [
  {
    start: [-0.5234567, 0, 0],
    actions: [0.5, -1.0, 1.0, 1.7, -3.0, 0.25, 0.999, ...Array(40).fill(1)],
    rewards: [-0.025, -0.1, -0.1, -0.28900001621246363, -0.9, -0.00625, -0.09980010257234576],
    state: [-0.05477740243077278, 0.0015304503031075],
  },
  {
    start: [-1.1799999475479126, -0.0689999982714653, 1], // hits the left wall
    actions: [-1.0, -2.0, -0.5, 0.0, 1.5],
    rewards: [-0.1, -0.4, -0.025, 0, -0.225],
    state: [-1.1842799186706543, 0.008254049345850945],
  },
  {
    start: [0.41999998688697815, 0.029999999329447746, 1],
    actions: [0.3, 0.3],
    rewards: [-0.009000000715255752, 99.99099999928474],
    state: [0.4792710840702057, 0.029585637152194977],
  },
];

Deno.test("mountain car: golden trajectories from Gymnasium's step under numpy", () => {
  const env = new MountainCar({ maxEpisodeSteps: Infinity });
  for (const { start, actions, firstTerminated, state } of GOLDEN_DISCRETE) {
    env.setState(new Float64Array([...start, 0]));
    actions.forEach((a, t) => {
      const r = env.step(new Float32Array([a]));
      deepStrictEqual([r.reward, r.terminated], [-1, firstTerminated >= 0 && t >= firstTerminated]);
    });
    const s = env.getState();
    state.forEach((v, i) => ok(Math.abs(s[i] - v) <= 1e-15, `s[${i}] ${s[i]} vs ${v}`));
  }
  const rng = new Rng(1);
  for (let ep = 0; ep < 20; ep++) {
    let [p, v] = [rng.uniform(-1.2, 0.5), rng.uniform(-0.07, 0.07)];
    env.setState(new Float64Array([p, v, 0]));
    for (let t = 0; t < 100; t++) {
      const a = Math.floor(rng.uniform(0, 3));
      [p, v] = referenceStep(p, v, a);
      const r = env.step(new Float32Array([a]));
      deepStrictEqual([...env.getState()].slice(0, 2), [p, v]);
      deepStrictEqual(r.obs, Float32Array.of(p, v));
      strictEqual(r.terminated, p >= 0.5 && v >= 0);
    }
  }
});

Deno.test("mountain car continuous: golden values follow NumPy 2's float32 arithmetic exactly", () => {
  const env = new MountainCarContinuous({ maxEpisodeSteps: Infinity });
  for (const { start, actions, rewards, state } of GOLDEN_CONTINUOUS) {
    env.setState(new Float64Array([...start.slice(0, 2), 0, start[2]]));
    let last;
    actions.forEach((a, t) => {
      last = env.step(new Float32Array([a]));
      if (t < rewards.length) strictEqual(last.reward, rewards[t], `reward ${t}`);
    });
    deepStrictEqual([...env.getState()], [...state, actions.length, 1]);
    deepStrictEqual(last!.obs, Float32Array.from(state));
    strictEqual(last!.terminated, rewards.at(-1)! > 50);
  }
  // The same 47 steps in float64 arithmetic drift from the float32 golden: the dtype rules matter.
  let [p, v] = [-0.5234567, 0];
  for (const a of GOLDEN_CONTINUOUS[0].actions) {
    v = Math.max(
      -0.07,
      Math.min(0.07, v + Math.max(-1, Math.min(1, a)) * 0.0015 - 0.0025 * Math.cos(3 * p)),
    );
    p = Math.max(-1.2, Math.min(0.6, p + v));
  }
  ok(Math.abs(p - GOLDEN_CONTINUOUS[0].state[0]) > 2e-8, `float64 drift ${p}`); // float32 ulp 3.7e-9
});

Deno.test("mountain cars: terminate at the goal (v-0: p ≥ 0.5, continuous: p ≥ 0.45 in float32)", () => {
  const d = new MountainCar();
  // From rest at p, the push left leaves v' < 0 on the hill's right side: place p' exactly.
  for (const [p, want] of [[0.5, true], [0.49999999, false]] as const) {
    d.setState(new Float64Array([p - 0.01, 0.01 + 0.0025 * Math.cos(3 * (p - 0.01)), 0]));
    const r = d.step(new Float32Array([1]));
    const [p1, v1] = d.getState();
    strictEqual(r.terminated, p1 >= 0.5 && v1 >= 0, `p' ${p1}`);
    strictEqual(p1 >= 0.5, want);
  }
  const slow = new MountainCar({ goalVelocity: 0.05 });
  slow.setState(new Float64Array([0.55, 0.01, 0]));
  strictEqual(slow.step(new Float32Array([2])).terminated, false); // at the goal, too slow
  const c = new MountainCarContinuous();
  const goal32 = Math.fround(0.45); // 0.449999988…: NumPy 2 compares a float32 with float32(0.45)
  const ulp = 2 ** -25; // float32 spacing in [0.25, 0.5)
  const landed: Record<string, boolean> = {};
  for (let k = -400; k <= 400; k++) { // start states whose step lands on goal32 or one ulp below
    const p0 = 0.45 - (0.01 - 0.0025 * Math.cos(3 * 0.4406)) + k * ulp; // p' = p + v' ≈ 0.45
    c.setState(new Float64Array([Math.fround(p0), Math.fround(0.01), 0, 1]));
    const r = c.step(new Float32Array([0]));
    const p1 = c.getState()[0];
    if (p1 === goal32 || p1 === goal32 - ulp) landed[p1] = r.terminated;
    strictEqual(r.reward, r.terminated ? 100 : 0);
  }
  deepStrictEqual(landed, { [goal32]: true, [goal32 - ulp]: false }); // float64 0.45 would reject goal32
});

Deno.test("mountain cars: truncate at 200 and 999; reset draws U(−0.6, −0.4), v = 0 (moments)", () => {
  for (const [Car, limit] of [[MountainCar, 200], [MountainCarContinuous, 999]] as const) {
    const env = new Car({ rng: new Rng(4) });
    env.reset({ seed: 1 });
    let t = 0, r;
    do r = env.step(new Float32Array([1]) as Float32Array); while (!r.truncated && ++t < 5000);
    strictEqual(t + 1, limit, env.id);
    const ps: number[] = [];
    for (let k = 0; k < 4000; k++) {
      const { obs } = env.reset();
      const [p, v, elapsed] = env.getState();
      deepStrictEqual([v, elapsed], [0, 0]);
      deepStrictEqual(obs, Float32Array.of(p, 0));
      ok(p < -0.4, `${env.id}: position ${p}, U(−0.6, −0.4) excludes −0.4`);
      ps.push(p);
    }
    checkUniform(ps, -0.6, -0.4, `${env.id} reset position`);
  }
});

Deno.test("mountain cars: getState/setState restores exactly, the float32 flag included", () => {
  for (const env of [new MountainCar(), new MountainCarContinuous()]) {
    const act = (t: number) => new Float32Array([env instanceof MountainCar ? t % 3 : Math.sin(t)]);
    env.reset({ seed: 2 });
    const atReset = env.getState();
    const first = [0, 1, 2, 3, 4, 5].map((t) => env.step(act(t)));
    env.setState(atReset);
    deepStrictEqual([0, 1, 2, 3, 4, 5].map((t) => env.step(act(t))), first);
    const saved = env.getState();
    const more = [6, 7, 8].map((t) => env.step(act(t)));
    env.setState(saved);
    deepStrictEqual([6, 7, 8].map((t) => env.step(act(t))), more);
  }
  const c = new MountainCarContinuous();
  throws(() => c.setState(new Float64Array([0.1, 0, 0, 1])), /must be float32 values/);
  throws(() => c.setState(new Float64Array([0.1, 0, 0, 2])), /stateIsFloat32 is 2/);
});

Deno.test("mountain cars: spaces, registry, bad actions", async () => {
  const obsSpace = {
    shape: [2],
    low: Float32Array.of(-1.2, -0.07),
    high: Float32Array.of(0.6, 0.07),
  };
  const d = await makeEnv("MountainCar-v0");
  deepStrictEqual(d.actionSpace, { kind: "discrete", n: 3 });
  deepStrictEqual(d.observationSpace, obsSpace);
  const c = await makeEnv("MountainCarContinuous-v0");
  deepStrictEqual(c.actionSpace, {
    shape: [1],
    low: Float32Array.of(-1),
    high: Float32Array.of(1),
  });
  deepStrictEqual(c.observationSpace, obsSpace);
  d.reset({ seed: 0 });
  c.reset({ seed: 0 });
  const [dBefore, cBefore] = [d.getState(), c.getState()];
  throws(
    () => d.step(new Float32Array([-1])),
    /MountainCar-v0\.step: action\[0\] is -1, expected an integer in \[0, 2\]/,
  );
  throws(() => d.step(new Float32Array([0.2])), /is 0\.2/);
  throws(
    () => c.step(new Float32Array([NaN])),
    /MountainCarContinuous-v0\.step: action\[0\] is NaN/,
  );
  throws(() => c.step(new Float32Array([0, 0])), /length 2, expected 1/);
  deepStrictEqual([d.getState(), c.getState()], [dBefore, cBefore]);
  throws(() => new MountainCar({ goalVelocity: NaN }), /goalVelocity is NaN/);
  throws(() => new MountainCarContinuous().step(new Float32Array([0])), /called before reset/);
});
