import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadReacherModel, makeReacher } from "../../envs/reacher.ts";
import { Rng } from "../../lib/rng.ts";
import { checkMoments } from "./moments.ts";
import { referenceData, referenceStep } from "./mujoco_reference.ts";
import { randomActions } from "./mujoco_suite.ts";

const NQ = 4;
const NV = 4;

Deno.test("Reacher-v5 matches Gymnasium's formulas on an independent MjData, after the step", async () => {
  const m = await loadReacherModel();
  const env = await makeReacher({ rewardDistWeight: 2, rewardControlWeight: 0.5 });
  env.reset({ seed: 5 });
  const ref = referenceData(m, env.getState());
  try {
    for (const a of randomActions(env, 6, 50, 1.5)) {
      referenceStep(m, ref, a, 2, false);
      const r = env.step(a);
      const q = ref.qpos as Float64Array;
      const v = ref.qvel as Float64Array;
      const x = ref.xpos as Float64Array; // stale: the last evaluation inside the step
      const d = [0, 1, 2].map((k) => x[9 + k] - x[12 + k]); // fingertip (3) − target (4)
      const dist = -Math.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2) * 2;
      const ctrl = -(a[0] ** 2 + a[1] ** 2) * 0.5;
      deepStrictEqual(
        r.obs,
        Float32Array.of(
          Math.cos(q[0]),
          Math.cos(q[1]),
          Math.sin(q[0]),
          Math.sin(q[1]),
          q[2],
          q[3],
          v[0],
          v[1],
          d[0],
          d[1],
        ),
      );
      deepStrictEqual(r.info, { reward_dist: dist, reward_ctrl: ctrl });
      strictEqual(r.reward, dist + ctrl);
      strictEqual(r.terminated, false);
    }
  } finally {
    ref.delete();
    env.close();
  }
});

Deno.test("Reacher-v5 reset: q = qpos0 + U(±0.1)⁴, goal by rejection in the 0.2 disc, q̇ = U(±0.005)", async () => {
  const m = await loadReacherModel();
  const env = await makeReacher();
  try {
    const { obs, info } = env.reset({ seed: 42 });
    deepStrictEqual(info, {});
    const rng = new Rng(42);
    const q = [0, 0, 0.1, -0.1].map((q0) => q0 + rng.uniform(-0.1, 0.1));
    let g: number[];
    do g = [rng.uniform(-0.2, 0.2), rng.uniform(-0.2, 0.2)]; while (!(Math.hypot(...g) < 0.2));
    const v = Array.from({ length: 4 }, () => rng.uniform(-0.005, 0.005));
    const s = env.getState();
    deepStrictEqual(Array.from(s.subarray(0, NQ)), [q[0], q[1], g[0], g[1]]);
    deepStrictEqual(Array.from(s.subarray(NQ, NQ + NV)), [v[0], v[1], 0, 0]);
    // The target body's world x–y is the goal (slide refs equal the body offset).
    const ref = referenceData(m, s);
    const x = ref.xpos as Float64Array;
    ok(Math.abs(x[12] - g[0]) < 1e-15 && Math.abs(x[13] - g[1]) < 1e-15);
    strictEqual(obs[8], Math.fround(x[9] - x[12]));
    ref.delete();
    const dq: number[] = [];
    const gx: number[] = [];
    const dv: number[] = [];
    for (let seed = 0; seed < 1000; seed++) {
      env.reset({ seed });
      const st = env.getState();
      dq.push(st[0], st[1]);
      gx.push(st[2], st[3]);
      dv.push(st[4], st[5]);
      ok(Math.hypot(st[2], st[3]) < 0.2);
      strictEqual(st[6] + st[7], 0);
    }
    checkMoments(dq, 0, 0.01 / 3, 0.1 ** 4 / 5, "joint noise");
    // Uniform on the disc of radius R: E x² = R²/4, E x⁴ = R⁴/8.
    checkMoments(gx, 0, 0.04 / 4, 0.0016 / 8, "goal");
    checkMoments(dv, 0, 0.005 ** 2 / 3, 0.005 ** 4 / 5, "joint velocity noise");
  } finally {
    env.close();
  }
});

Deno.test("Reacher-v5 never terminates and truncates at 50 under random actions", async () => {
  const env = await makeReacher();
  try {
    env.reset({ seed: 1 });
    const rs = randomActions(env, 2, 50).map((a) => env.step(a));
    ok(rs.every((r) => !r.terminated));
    deepStrictEqual(rs.map((r) => r.truncated), [...Array(49).fill(false), true]);
  } finally {
    env.close();
  }
});
