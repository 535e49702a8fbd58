import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadPusherModel, makePusher } from "../../envs/pusher.ts";
import { Rng } from "../../lib/rng.ts";
import { checkMoments } from "./moments.ts";
import { referenceData, referenceStep } from "./mujoco_reference.ts";
import { randomActions } from "./mujoco_suite.ts";

const NQ = 11;
const NV = 11;

Deno.test("Pusher-v5 matches Gymnasium's formulas on an independent MjData (frame origins, stale)", async () => {
  const m = await loadPusherModel();
  const env = await makePusher({
    rewardNearWeight: 0.7,
    rewardDistWeight: 1.5,
    rewardControlWeight: 0.2,
  });
  env.reset({ seed: 5 });
  const ref = referenceData(m, env.getState());
  try {
    for (const a of randomActions(env, 6, 100)) {
      referenceStep(m, ref, a, 5, false);
      const r = env.step(a);
      const q = ref.qpos as Float64Array;
      const v = ref.qvel as Float64Array;
      const x = ref.xpos as Float64Array; // tips_arm 10, object 11, goal 12
      const body = (b: number) => [x[3 * b], x[3 * b + 1], x[3 * b + 2]];
      const norm = (p: number[], s: number[]) =>
        Math.sqrt((p[0] - s[0]) ** 2 + (p[1] - s[1]) ** 2 + (p[2] - s[2]) ** 2);
      const near = -norm(body(11), body(10)) * 0.7;
      const dist = -norm(body(11), body(12)) * 1.5;
      const ctrl = -a.reduce((s, ai) => s + ai * ai, 0) * 0.2;
      deepStrictEqual(
        r.obs,
        Float32Array.from([
          ...q.slice(0, 7),
          ...v.slice(0, 7),
          ...body(10),
          ...body(11),
          ...body(12),
        ]),
      );
      deepStrictEqual(r.info, { reward_dist: dist, reward_ctrl: ctrl, reward_near: near });
      strictEqual(r.reward, dist + ctrl + near);
      strictEqual(r.terminated, false);
    }
  } finally {
    ref.delete();
    env.close();
  }
});

Deno.test("Pusher-v5 reset: arm at qpos0, object (y first) with ‖c‖ > 0.17, goal 0, q̇ = U(±0.005)", async () => {
  const m = await loadPusherModel();
  const env = await makePusher();
  try {
    const { info } = env.reset({ seed: 42 });
    deepStrictEqual(info, {});
    const rng = new Rng(42);
    let c: number[];
    do c = [rng.uniform(-0.3, 0), rng.uniform(-0.2, 0.2)]; while (!(Math.hypot(...c) > 0.17));
    const v = Array.from({ length: 11 }, () => rng.uniform(-0.005, 0.005));
    const s = env.getState();
    deepStrictEqual(Array.from(s.subarray(0, NQ)), [0, 0, 0, 0, 0, 0, 0, c[0], c[1], 0, 0]);
    deepStrictEqual(Array.from(s.subarray(NQ, NQ + NV)), [...v.slice(0, 7), 0, 0, 0, 0]);
    // c[0] is obj_slidey: it moves the object along world y.
    const ref = referenceData(m, s);
    const x = ref.xpos as Float64Array;
    ok(Math.abs(x[33] - (0.45 + c[1])) < 1e-15 && Math.abs(x[34] - (-0.05 + c[0])) < 1e-15);
    ref.delete();
    const cy: number[] = [];
    const dv: number[] = [];
    for (let seed = 0; seed < 500; seed++) {
      env.reset({ seed });
      const st = env.getState();
      ok(Math.hypot(st[7], st[8]) > 0.17 && st[7] <= 0 && st[7] >= -0.3);
      deepStrictEqual(Array.from(st.subarray(0, 7)), Array(7).fill(0));
      cy.push(st[8]);
      dv.push(...st.subarray(NQ, NQ + 7));
    }
    ok(Math.abs(cy.reduce((a, b) => a + b) / cy.length) < 0.02); // x part symmetric about 0
    checkMoments(dv, 0, 0.005 ** 2 / 3, 0.005 ** 4 / 5, "arm velocity noise");
  } finally {
    env.close();
  }
});

Deno.test("Pusher-v5 never terminates and truncates at 100 under random actions", async () => {
  const env = await makePusher();
  try {
    env.reset({ seed: 1 });
    const rs = randomActions(env, 2, 100).map((a) => env.step(a));
    ok(rs.every((r) => !r.terminated));
    deepStrictEqual(rs.map((r) => r.truncated), [...Array(99).fill(false), true]);
  } finally {
    env.close();
  }
});
