import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { type HopperOptions, makeHopper } from "../../envs/hopper.ts";
import type { Env, StepResult } from "../../envs/types.ts";
import { randomActions } from "./mujoco_suite.ts";

Deno.test("Hopper-v5 reset: info x and z − 1.25, obs (q[1:], v)", async () => {
  const env = await makeHopper();
  const { obs, info } = env.reset({ seed: 3 });
  const s = env.getState();
  deepStrictEqual(info, { x_position: s[0], z_distance_from_origin: s[1] - 1.25 });
  deepStrictEqual(obs, Float32Array.from([...s.subarray(1, 6), ...s.subarray(6, 12)]));
  env.close();
});

/** obs = (q[1:6], clip(v, ±10)) from the exact state; info terms and healthy from that state. */
function checkStep(env: Env, a: Float32Array, xBefore: number): StepResult {
  const r = env.step(a);
  const s = env.getState();
  const want = [
    ...s.subarray(1, 6),
    ...Array.from(s.subarray(6, 12), (v) => Math.min(Math.max(v, -10), 10)),
  ];
  deepStrictEqual(r.obs, Float32Array.from(want));
  const i = r.info;
  strictEqual(i.x_position, s[0]);
  strictEqual(i.z_distance_from_origin, s[1] - 1.25);
  strictEqual(i.x_velocity, (s[0] - xBefore) / 0.008);
  strictEqual(i.reward_forward, i.x_velocity);
  const sumSq = a.reduce((t, x) => t + x * x, 0);
  ok(Math.abs(i.reward_ctrl + 1e-3 * sumSq) < 1e-15);
  const healthy = 0.7 < s[1] && Math.abs(s[2]) < 0.2 &&
    s.subarray(2, 12).every((v) => Math.abs(v) < 100);
  strictEqual(i.reward_survive, healthy ? 1 : 0);
  return r;
}

Deno.test("Hopper-v5 step: obs order, clipped qvel, info terms", async () => {
  const env = await makeHopper({ terminateWhenUnhealthy: false });
  let x = env.reset({ seed: 1 }).info.x_position;
  let clipped = false;
  let unhealthy = 0;
  for (const a of randomActions(env, 2, 200, 1.5)) {
    const r = checkStep(env, a, x);
    x = r.info.x_position;
    strictEqual(r.terminated, false);
    unhealthy += r.info.reward_survive === 0 ? 1 : 0;
    clipped ||= env.getState().subarray(6, 12).some((v) => Math.abs(v) > 10);
  }
  ok(clipped, "some qvel exceeded 10, so the clip was exercised");
  ok(unhealthy > 10, `${unhealthy} unhealthy steps, both branches exercised`);
  env.close();
});

/** The exact state after one step from `s` under `a`. */
function after(env: Env, s: Float64Array, a: Float32Array): Float64Array {
  env.setState(s);
  env.step(a);
  return env.getState();
}

Deno.test("Hopper-v5 terminates exactly outside the open angle and state ranges", async () => {
  const ref = await makeHopper();
  ref.reset({ seed: 4 });
  const a = Float32Array.of(0.3, -0.2, 0.1);
  ref.step(a);
  const s = ref.getState();
  const q = after(ref, s, a);
  const [z, angle] = [q[1], q[2]];
  const thigh = q[3];
  const down = (x: number) => x - Math.abs(x) * 1e-15 - 1e-300;
  const up = (x: number) => x + Math.abs(x) * 1e-15 + 1e-300;
  const cases: [Record<string, unknown>, boolean][] = [
    [{}, false], // the z range: mujoco_suite_test.ts
    [{ healthyAngleRange: [angle, 1] }, true],
    [{ healthyAngleRange: [-1, angle] }, true],
    [{ healthyAngleRange: [down(angle), up(angle)] }, false],
    [{ healthyStateRange: [thigh, 100] }, true], // the state range covers q[2:] and raw qvel
    [{ healthyStateRange: [-100, Math.max(...q.subarray(2, 12))] }, true],
    [{ healthyStateRange: [-100, up(Math.max(...q.subarray(2, 12)))] }, false],
  ];
  for (const [opts, terminated] of cases) {
    const env = await makeHopper(opts);
    env.setState(s);
    const r = env.step(a);
    strictEqual(r.terminated, terminated, JSON.stringify(opts));
    strictEqual(r.info.reward_survive, terminated ? 0 : 1);
    env.close();
  }
  const keep = await makeHopper({ healthyZRange: [z, Infinity], terminateWhenUnhealthy: false });
  keep.setState(s);
  const r = keep.step(a);
  strictEqual(r.terminated, false);
  strictEqual(r.info.reward_survive, 0); // v5: unhealthy steps pay no healthy reward
  keep.close();
  ref.close();
});

Deno.test("Hopper-v5 health checks the raw qvel, not the ±10 clipped one in obs", async () => {
  const env = await makeHopper({ terminateWhenUnhealthy: false });
  env.reset({ seed: 1 });
  let s = env.getState(), fast = 0, a: Float32Array = new Float32Array(3);
  for (const b of randomActions(env, 2, 200, 1.5)) {
    const before = env.getState();
    env.step(b);
    fast = Math.max(...env.getState().subarray(6, 12).map(Math.abs));
    [s, a] = [before, b];
    if (fast > 10.5) break;
  }
  ok(fast > 10.5, `a step reaches |qvel| ${fast} > 10.5`);
  const q = after(env, s, a);
  const m = (10 + fast) / 2; // clip(v) ≤ 10 < m < max |v|
  ok(q.subarray(2, 6).every((x) => Math.abs(x) < m));
  const wide: HopperOptions = { healthyZRange: [-Infinity, Infinity], healthyAngleRange: [-m, m] };
  for (const [range, terminated] of [[m, true], [2 * fast, false]] as const) {
    const h = await makeHopper({ ...wide, healthyStateRange: [-range, range] });
    h.setState(s);
    strictEqual(h.step(a).terminated, terminated, `healthyStateRange ±${range}`);
    h.close();
  }
  env.close();
});

Deno.test("Hopper-v5 falls over under random actions and terminates", async () => {
  const env = await makeHopper();
  env.reset({ seed: 0 });
  const rs = randomActions(env, 8, 200).map((a) => env.step(a));
  const end = rs.findIndex((r) => r.terminated);
  ok(end > 5 && end < 200, `terminated at ${end}`);
  env.close();
});
