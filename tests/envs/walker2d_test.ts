import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadWalker2dModel, makeWalker2d } from "../../envs/walker2d.ts";
import { type Make, randomActions } from "./mujoco_suite.ts";

const make = makeWalker2d as Make;
const clip10 = (v: number) => Math.min(Math.max(v, -10), 10);

Deno.test("walker2d.xml: both feet have friction 1.9", async () => {
  const m = await loadWalker2dModel();
  const friction: Float64Array = m.model.geom_friction; // [ngeom, 3]; geom 0 is the floor
  deepStrictEqual(Array.from({ length: 8 }, (_, g) => friction[3 * g]), [
    0.7, // the floor takes the default class's friction
    0.9,
    0.9,
    0.9,
    1.9,
    0.9,
    0.9,
    1.9,
  ]);
});

Deno.test("Walker2d-v5 step: obs order, reward terms, health = 0.8 < z < 2 ∧ |θ| < 1 only", async () => {
  // A state range as Hopper's would make these random steps unhealthy; Walker2d ignores it.
  const env = await make({ terminateWhenUnhealthy: false, healthyStateRange: [-1, 1] });
  let x = env.reset({ seed: 1 }).info.x_position;
  let unhealthy = 0;
  for (const a of randomActions(env, 2, 300, 1.5)) {
    const r = env.step(a);
    const s = env.getState();
    deepStrictEqual(
      r.obs,
      Float32Array.from(
        [...s.subarray(1, 9), ...s.subarray(9, 18)].map((v, k) => k < 8 ? v : clip10(v)),
      ),
    );
    const i = r.info;
    deepStrictEqual(Object.keys(i), [
      "x_position",
      "z_distance_from_origin",
      "x_velocity",
      "reward_forward",
      "reward_ctrl",
      "reward_survive",
    ]);
    strictEqual(i.x_velocity, (s[0] - x) / 0.008);
    strictEqual(i.z_distance_from_origin, s[1] - 1.25);
    ok(Math.abs(i.reward_ctrl + 1e-3 * a.reduce((t, v) => t + v * v, 0)) < 1e-15);
    const healthy = 0.8 < s[1] && s[1] < 2 && -1 < s[2] && s[2] < 1;
    strictEqual(i.reward_survive, healthy ? 1 : 0);
    unhealthy += healthy ? 0 : 1;
    x = s[0];
  }
  ok(unhealthy > 10 && unhealthy < 290, `${unhealthy} unhealthy steps`);
  env.close();
});

Deno.test("Walker2d-v5 terminates exactly outside the open angle range", async () => {
  const ref = await makeWalker2d();
  ref.reset({ seed: 4 });
  const a = Float32Array.of(0.3, -0.2, 0.1, 0.5, -0.4, 0.2);
  ref.step(a);
  const s = ref.getState();
  ref.step(a);
  const angle = ref.getState()[2];
  const up = (x: number) => x + Math.abs(x) * 1e-15;
  const cases: [Record<string, unknown>, boolean][] = [
    [{}, false], // the z range: mujoco_suite_test.ts
    [{ healthyAngleRange: [angle, 1] }, true],
    [{ healthyAngleRange: [-1, angle] }, true],
    [{ healthyAngleRange: [-1, up(angle)] }, false],
  ];
  for (const [opts, terminated] of cases) {
    const env = await makeWalker2d(opts);
    env.setState(s);
    const r = env.step(a);
    strictEqual(r.terminated, terminated, JSON.stringify(opts));
    strictEqual(r.info.reward_survive, terminated ? 0 : 1);
    env.close();
  }
  ref.close();
});
