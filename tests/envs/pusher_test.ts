import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadPusherModel, makePusher } from "../../envs/pusher.ts";
import { Rng } from "../../lib/rng.ts";
import {
  checkDefaultLimit,
  checkGoldenFromState,
  checkMoments,
  referenceData,
  referenceStep,
} from "./mujoco_reference.ts";
import {
  checkBadActions,
  checkStateRestore,
  checkTruncation,
  type Make,
  randomActions,
} from "./mujoco_suite.ts";

const NQ = 11;
const NV = 11;

Deno.test("pusher.xml compiles to the published counts, masses and control ranges", async () => {
  const { model, timestep } = await loadPusherModel();
  deepStrictEqual(
    [model.nq, model.nv, model.nu, model.nbody, model.njnt, model.ngeom],
    [11, 11, 7, 13, 11, 20],
  );
  strictEqual(timestep, 0.01);
  const want = [
    0,
    7.293522,
    3.141593,
    0.08545132,
    1.628602,
    0.4071504,
    0.08545132,
    0.8427322,
    0.005026548,
    0.1809557,
    0.002513274,
    7.853982e-6,
    4.021239e-10,
  ];
  Array.from(model.body_mass as Float64Array).forEach((m, i) =>
    ok(Math.abs(m - want[i]) <= 1e-6 * want[i], `body ${i} mass ${m}`)
  );
  ok(
    Math.abs(Array.from(model.body_mass as Float64Array).reduce((a, b) => a + b) - 13.673004) <
      1e-6,
  );
  deepStrictEqual(
    Array.from(model.actuator_ctrlrange as Float64Array),
    Array(14).fill(0).map((_, i) => i % 2 ? 2 : -2),
  );
  deepStrictEqual(Array.from(model.qpos0 as Float64Array), Array(11).fill(0));
});

Deno.test("Pusher-v5 golden numbers: noiseless start, a = 0.5·high for 10 steps", async () => {
  const env = await makePusher();
  try {
    const err = checkGoldenFromState(env, (await loadPusherModel()).model.qpos0, {
      r1: -1.106513803,
      sum: -10.84605311,
      steps: 10,
      spaces: { obs: 23, low: -2, high: 2, d: 7 },
      obs: [0.11460015, 0.16139661, 1.732672],
    });
    ok(err < 1e-7, `worst golden error ${err}`);
  } finally {
    env.close();
  }
});

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

Deno.test("Pusher-v5 never terminates and truncates at 100; restore is exact; bad actions", async () => {
  const env = await makePusher();
  try {
    env.reset({ seed: 1 });
    const rs = randomActions(env, 2, 100).map((a) => env.step(a));
    ok(rs.every((r) => !r.terminated));
    deepStrictEqual(rs.map((r) => r.truncated), [...Array(99).fill(false), true]);
    checkDefaultLimit(env, 100, NQ, NV);
  } finally {
    env.close();
  }
  await checkTruncation(makePusher as Make);
  await checkStateRestore(makePusher as Make, 20);
  await checkBadActions(makePusher as Make, "Pusher-v5", "[-2, 2]^7", [
    { rewardNearWeight: NaN },
    /rewardNearWeight is NaN/,
  ]);
});
