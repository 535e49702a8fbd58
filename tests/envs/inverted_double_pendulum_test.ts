import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  loadInvertedDoublePendulumModel,
  makeInvertedDoublePendulum,
} from "../../envs/inverted_double_pendulum.ts";
import type { Env } from "../../envs/types.ts";
import { referenceData, referenceStep } from "./mujoco_reference.ts";
import { randomActions } from "./mujoco_suite.ts";

const clip10 = (v: number) => Math.min(Math.max(v, -10), 10);

Deno.test("inverted_double_pendulum.xml: joint ranges, margin and gravity", async () => {
  const m = await loadInvertedDoublePendulumModel();
  const { model } = m;
  deepStrictEqual(Array.from(model.jnt_range as Float64Array), [-1, 1, 0, 0, 0, 0]); // hinges unlimited
  strictEqual((model.jnt_margin as Float64Array)[0], 0.01);
  const opt = model.opt;
  deepStrictEqual(Array.from(opt.gravity as Float64Array), [1e-5, 0, -9.81]);
  opt.delete();
});

Deno.test("InvertedDoublePendulum-v5 reset info {}; upright pays 9.36", async () => {
  const env = await makeInvertedDoublePendulum({ resetNoiseScale: 0 });
  deepStrictEqual(env.reset().info, {});
  const r = env.step(new Float32Array(1));
  ok(Math.abs(r.reward - 9.36) < 1e-6, `upright reward ${r.reward}`); // 10 − (1.2 − 2)² = 9.36
  env.close();
});

/**
 * One env step replayed on an independent MjData from the env's state (mujoco_reference.ts): the
 * tip and the constraint force read right after mj_step × 5 (stale), as Gymnasium reads them.
 * Returns the reference values and the tip height after a fresh mj_forward.
 */
async function replay(env: Env, a: number) {
  const m = await loadInvertedDoublePendulumModel();
  const data = referenceData(m, env.getState());
  referenceStep(m, data, Float32Array.of(a), 5, false);
  const tip = Float64Array.from(data.site_xpos as Float64Array);
  const q = Float64Array.from(data.qpos as Float64Array);
  const v = Float64Array.from(data.qvel as Float64Array);
  const f = (data.qfrc_constraint as Float64Array)[0];
  m.mj.mj_forward(m.model, data);
  const freshY = (data.site_xpos as Float64Array)[2];
  data.delete();
  const [x, y] = [tip[0], tip[2]];
  const terminated = y <= 1;
  const dist = 0.01 * x * x + (y - 2) * (y - 2); // numpy squares exactly: x*x, not V8 x ** 2
  const vel = 1e-3 * v[1] * v[1] + 5e-3 * v[2] * v[2];
  const obs = [
    q[0],
    Math.sin(q[1]),
    Math.sin(q[2]),
    Math.cos(q[1]),
    Math.cos(q[2]),
    ...Array.from(v, clip10),
    clip10(f),
  ];
  return { obs, y, freshY, terminated, dist, vel };
}

Deno.test("InvertedDoublePendulum-v5 step: obs layout, stale tip, y ≤ 1 terminates, reward terms", async () => {
  const env = await makeInvertedDoublePendulum();
  let ends = 0;
  let stale = 0;
  for (let ep = 0; ep < 8; ep++) {
    env.reset({ seed: ep });
    for (const a of randomActions(env, ep, 100)) {
      const ref = await replay(env, a[0]);
      const r = env.step(a);
      deepStrictEqual(r.obs, Float32Array.from(ref.obs));
      strictEqual(r.terminated, ref.terminated);
      deepStrictEqual(r.info, {
        reward_survive: ref.terminated ? 0 : 10,
        distance_penalty: -ref.dist,
        velocity_penalty: -ref.vel,
      });
      if (ref.freshY !== ref.y) stale++;
      if (r.terminated) {
        ends++;
        break;
      }
    }
  }
  strictEqual(ends, 8);
  ok(stale > 8, "the tip is read before any refresh (it differs from a fresh mj_forward)");
});

Deno.test("InvertedDoublePendulum-v5 a tip height of exactly 1 terminates (y ≤ 1)", async () => {
  const env = await makeInvertedDoublePendulum();
  env.reset({ seed: 0 });
  const base = env.getState();
  const heightAfter = async (v2: number) => {
    const s = base.slice();
    s.fill(0, 0, 6);
    s[2] = 1.6; // hinge2 bent: the tip starts at y ≈ 0.58, and v₂ swings it up or down
    s[5] = v2;
    env.setState(s);
    return (await replay(env, 0)).y;
  };
  let lo = -20;
  let hi = 20;
  ok((await heightAfter(lo)) <= 1 !== (await heightAfter(hi)) <= 1, "the bracket straddles y = 1");
  const loBelow = (await heightAfter(lo)) <= 1;
  for (let k = 0; k < 100; k++) {
    const mid = (lo + hi) / 2;
    if (((await heightAfter(mid)) <= 1) === loBelow) lo = mid;
    else hi = mid;
  }
  const [yLo, yHi] = [await heightAfter(lo), await heightAfter(hi)];
  const v2 = yLo === 1 ? lo : hi;
  strictEqual(await heightAfter(v2), 1, `bisection reaches y = 1 exactly (${yLo}, ${yHi})`);
  const r = env.step(new Float32Array(1));
  strictEqual(r.terminated, true);
  strictEqual(r.info.reward_survive, 0);
  env.close();
});
