import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadSwimmerModel, makeSwimmer } from "../../envs/swimmer.ts";
import { randomActions } from "./mujoco_suite.ts";

Deno.test("swimmer.xml: a viscous fluid (density 4000, viscosity 0.1)", async () => {
  const m = await loadSwimmerModel();
  const opt = m.model.opt;
  deepStrictEqual([opt.density, opt.viscosity], [4000, 0.1]);
  opt.delete();
});

Deno.test("Swimmer-v5 reset info: x, y, distance", async () => {
  const env = await makeSwimmer();
  const { info } = env.reset({ seed: 2 });
  const s = env.getState();
  deepStrictEqual(info, {
    x_position: s[0],
    y_position: s[1],
    distance_from_origin: Math.hypot(s[0], s[1]),
  });
  env.close();
});

Deno.test("Swimmer-v5 step: obs (q[2:], v), x and y velocities, reward terms; never terminates", async () => {
  const env = await makeSwimmer({ ctrlCostWeight: 0.3 });
  env.reset({ seed: 1 });
  let prev = env.getState();
  let forward = 0;
  for (const a of randomActions(env, 2, 300, 1.5)) {
    const r = env.step(a);
    const s = env.getState();
    deepStrictEqual(r.obs, Float32Array.from([...s.subarray(2, 5), ...s.subarray(5, 10)]));
    const i = r.info;
    strictEqual(i.x_velocity, (s[0] - prev[0]) / 0.04);
    strictEqual(i.y_velocity, (s[1] - prev[1]) / 0.04);
    deepStrictEqual([i.x_position, i.y_position], [s[0], s[1]]);
    strictEqual(i.distance_from_origin, Math.hypot(s[0], s[1]));
    strictEqual(i.reward_forward, i.x_velocity);
    ok(Math.abs(i.reward_ctrl + 0.3 * a.reduce((t, v) => t + v * v, 0)) < 1e-15);
    strictEqual(r.terminated, false);
    forward += Math.abs(i.x_velocity);
    prev = s;
  }
  ok(forward > 1, "the fluid turns strokes into motion");
  env.close();
});

Deno.test("Swimmer-v5 a travelling wave swims forward; the opposite wave swims backward", async () => {
  const env = await makeSwimmer();
  const swim = (lag: number): number => {
    const x0 = env.reset({ seed: 0 }).info.x_position;
    let x = x0;
    for (let t = 0; t < 200; t++) {
      const w = (2 * Math.PI * t) / 80; // period 80 steps = 3.2 s
      x = env.step(Float32Array.of(Math.sin(w), Math.sin(w + lag))).info.x_position;
    }
    return x - x0;
  };
  const forward = swim((7 * Math.PI) / 4);
  const backward = swim(Math.PI / 4);
  ok(forward > 1, `forward wave: Δx = ${forward} over 200 steps`);
  ok(backward < -0.5, `backward wave: Δx = ${backward}`);
  env.close();
});
