import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadAntModel, makeAnt } from "../../envs/ant.ts";
import { referenceData, referenceStep } from "./mujoco_reference.ts";
import { randomActions } from "./mujoco_suite.ts";

const NQ = 15;
const NV = 14;

Deno.test("ant.xml actuator order: hip_4, ankle_4, hip_1, …", async () => {
  const { mj, model } = await loadAntModel();
  const trn = model.actuator_trnid as Int32Array; // [nu, 2]: joint id first
  const joint = (i: number) => mj.mj_id2name(model, mj.mjtObj.mjOBJ_JOINT.value, trn[2 * i]);
  deepStrictEqual(Array.from({ length: 8 }, (_, i) => joint(i)), [
    "hip_4",
    "ankle_4",
    "hip_1",
    "ankle_1",
    "hip_2",
    "ankle_2",
    "hip_3",
    "ankle_3",
  ]);
});

Deno.test("Ant-v5 matches Gymnasium's formulas on an independent MjData under random actions", async () => {
  const m = await loadAntModel();
  const env = await makeAnt();
  const { obs } = env.reset({ seed: 5 });
  // At reset cfrc_ext is 0 (no mj_rnePostConstraint): obs = (qpos[2:], qvel, 0⁷⁸).
  const ref = referenceData(m, env.getState());
  try {
    const q = ref.qpos as Float64Array;
    const v = ref.qvel as Float64Array;
    deepStrictEqual(obs, Float32Array.from([...q.slice(2), ...v, ...Array(78).fill(0)]));
    let contacts = 0;
    for (const a of randomActions(env, 6, 60)) {
      const xpos = ref.xpos as Float64Array; // stale before-values, as Gymnasium reads them
      const before = [xpos[3], xpos[4]];
      referenceStep(m, ref, a, 5, true);
      const r = env.step(a);
      const after = ref.xpos as Float64Array;
      const vx = (after[3] - before[0]) / 0.05;
      const vy = (after[4] - before[1]) / 0.05;
      const F = Array.from(ref.cfrc_ext as Float64Array, (f) => Math.min(Math.max(f, -1), 1));
      const contact = 5e-4 * F.reduce((s, f) => s + f * f, 0);
      if (contact > 0) contacts++;
      const qp = ref.qpos as Float64Array;
      const qv = ref.qvel as Float64Array;
      const healthy = [...qp, ...qv].every(Number.isFinite) && 0.2 <= qp[2] && qp[2] <= 1;
      const ctrl = 0.5 * a.reduce((s, x) => s + x * x, 0);
      const reward = (vx + (healthy ? 1 : 0)) - (ctrl + contact);
      ok(Math.abs(r.reward - reward) < 1e-12, `reward ${r.reward} vs ${reward}`);
      strictEqual(r.terminated, !healthy);
      deepStrictEqual(r.obs, Float32Array.from([...qp.slice(2), ...qv, ...F.slice(6)]));
      deepStrictEqual(r.info, {
        x_position: qp[0],
        y_position: qp[1],
        distance_from_origin: Math.sqrt(qp[0] ** 2 + qp[1] ** 2),
        x_velocity: vx,
        y_velocity: vy,
        reward_forward: vx,
        reward_ctrl: -ctrl,
        reward_contact: -contact,
        reward_survive: healthy ? 1 : 0,
      });
    }
    ok(contacts > 10, `only ${contacts} steps had contact forces`);
  } finally {
    ref.delete();
    env.close();
  }
});

Deno.test("Ant-v5 reset info: x, y, distance from the origin", async () => {
  const env = await makeAnt();
  const { info } = env.reset({ seed: 3 });
  const q = env.getState();
  deepStrictEqual(info, {
    x_position: q[0],
    y_position: q[1],
    distance_from_origin: Math.sqrt(q[0] ** 2 + q[1] ** 2),
  });
  env.close();
});

Deno.test("Ant-v5 state restore keeps the stale torso xy the velocity starts from", async () => {
  const m = await loadAntModel();
  const env = await makeAnt();
  try {
    strictEqual(env.getState().length, NQ + NV + 1 + m.stateSize + 2);
    // Editing qpos makes setState behave as Gymnasium's set_state: fresh kinematics.
    env.reset({ seed: 12 });
    randomActions(env, 13, 10).forEach((a) => env.step(a));
    const s = env.getState();
    s[0] += 1; // shift x
    env.setState(s);
    const ref = referenceData(m, s);
    (ref.qpos as Float64Array).set(s.subarray(0, NQ));
    m.mj.mj_forward(m.model, ref);
    const x0 = (ref.xpos as Float64Array)[3];
    const a = randomActions(env, 14, 1)[0];
    referenceStep(m, ref, a, 5, true);
    const vx = ((ref.xpos as Float64Array)[3] - x0) / 0.05;
    ok(Math.abs(env.step(a).info.x_velocity - vx) < 1e-12);
    ref.delete();
  } finally {
    env.close();
  }
});

Deno.test("Ant-v5 observation flags: 105 by default, 27 without cfrc_ext, 107 with x and y", async () => {
  // An option given as undefined keeps its default (as a destructuring default would).
  const u = await makeAnt({ healthyZRange: undefined, rng: undefined });
  strictEqual(u.reset({ seed: 0 }).obs.length, 105);
  strictEqual(u.step(new Float32Array(8)).terminated, false);
  u.close();
  for (
    const [opts, size] of [
      [{}, 105],
      [{ includeCfrcExtInObservation: false }, 27],
      [{ excludeCurrentPositionsFromObservation: false }, 107],
    ] as const
  ) {
    const env = await makeAnt(opts);
    strictEqual(env.observationSpace.shape[0], size);
    strictEqual(env.reset({ seed: 0 }).obs.length, size);
    const r = env.step(new Float32Array(8));
    strictEqual(r.obs.length, size);
    if (size === 107) strictEqual(r.obs[0], Math.fround(r.info.x_position));
    env.close();
  }
});
