import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadInvertedPendulumModel, makeInvertedPendulum } from "../../envs/inverted_pendulum.ts";
import { randomActions } from "./mujoco_suite.ts";

Deno.test("inverted_pendulum.xml: slider range ±1, hinge range ±90°", async () => {
  const m = await loadInvertedPendulumModel();
  const range: Float64Array = m.model.jnt_range;
  deepStrictEqual(
    Array.from(range, (x) => +x.toFixed(12)),
    [-1, 1, -Math.PI / 2, Math.PI / 2].map((x) => +x.toFixed(12)),
  );
});

Deno.test("InvertedPendulum-v5 reset: info {}, obs (q, v)", async () => {
  const env = await makeInvertedPendulum();
  const { obs, info } = env.reset({ seed: 5 });
  deepStrictEqual(info, {});
  deepStrictEqual(obs, Float32Array.from(env.getState().subarray(0, 4)));
  env.close();
});

Deno.test("InvertedPendulum-v5 step: obs (q, v); terminated ⇔ |q₁| > 0.2; reward 1 − terminated", async () => {
  const env = await makeInvertedPendulum();
  let ends = 0;
  for (let ep = 0; ep < 20; ep++) {
    env.reset({ seed: ep });
    for (const a of randomActions(env, ep, 200)) {
      const r = env.step(a);
      const s = env.getState();
      deepStrictEqual(r.obs, Float32Array.from(s.subarray(0, 4)));
      strictEqual(r.terminated, Math.abs(s[1]) > 0.2);
      strictEqual(r.reward, r.terminated ? 0 : 1);
      deepStrictEqual(r.info, { reward_survive: r.reward });
      if (r.terminated) {
        ends++;
        break;
      }
    }
  }
  ok(ends === 20, `${ends} of 20 random episodes fell`);
});

Deno.test("InvertedPendulum-v5 the terminal boundary is strict: |q₁| = 0.2 is still alive", async () => {
  // Start at q₁ = 0.19 with no force and pick v₁ so that one step lands exactly on q₁ = 0.2.
  const env = await makeInvertedPendulum();
  env.reset({ seed: 0 });
  const base = env.getState();
  const at = (q1: number, v1: number) => {
    const s = base.slice();
    s[0] = 0;
    s[1] = q1;
    s[2] = 0;
    s[3] = v1;
    env.setState(s);
    const r = env.step(new Float32Array(1));
    return { r, q1: env.getState()[1] };
  };
  // Find v₁ by bisection so that q₁ after one step is as close to 0.2 as floats allow.
  let lo = -1;
  let hi = 1;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (at(0.19, mid).q1 > 0.2) hi = mid;
    else lo = mid;
  }
  const below = at(0.19, lo);
  const above = at(0.19, hi);
  strictEqual(below.q1, 0.2); // exactly on the boundary
  ok(above.q1 > 0.2 && above.q1 - 0.2 < 1e-15, `${above.q1}`);
  strictEqual(below.r.terminated, false);
  strictEqual(below.r.reward, 1);
  strictEqual(above.r.terminated, true);
  strictEqual(above.r.reward, 0);
  env.close();
});
