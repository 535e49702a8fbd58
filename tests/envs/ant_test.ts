import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { loadAntModel, makeAnt } from "../../envs/ant.ts";
import { Rng } from "../../lib/rng.ts";
import {
  checkBadActions,
  checkGolden,
  checkMoments,
  checkRestore,
  checkTruncation,
  MU4,
  randomActions,
  referenceData,
  referenceStep,
} from "./mujoco_v5_helpers.ts";

const NQ = 15;
const NV = 14;

Deno.test("ant.xml compiles to the published counts, masses, gears and actuator order", async () => {
  const { mj, model, timestep } = await loadAntModel();
  deepStrictEqual(
    [model.nq, model.nv, model.nu, model.nbody, model.njnt, model.ngeom],
    [15, 14, 8, 14, 9, 14],
  );
  strictEqual(timestep, 0.01);
  const mass = Array.from(model.body_mass as Float64Array);
  const leg = [0.03915775, 0.03915775, 0.0675922];
  const want = [0, 0.3272492, ...leg, ...leg, ...leg, ...leg];
  mass.forEach((m, i) => ok(Math.abs(m - want[i]) < 1e-7, `body ${i} mass ${m}`));
  ok(Math.abs(mass.reduce((a, b) => a + b) - 0.91088008) < 1e-8);
  deepStrictEqual(
    Array.from(model.actuator_ctrlrange as Float64Array),
    Array(16).fill(0).map((_, i) => i % 2 ? 1 : -1),
  );
  const gear = model.actuator_gear as Float64Array;
  deepStrictEqual(Array.from({ length: 8 }, (_, i) => gear[6 * i]), Array(8).fill(150));
  const trn = model.actuator_trnid as Int32Array; // [nu, 2]: joint id first
  const names = Array.from(
    { length: 8 },
    (_, i) => mj.mj_id2name(model, mj.mjtObj.mjOBJ_JOINT.value, trn[2 * i]),
  );
  deepStrictEqual(names, [
    "hip_4",
    "ankle_4",
    "hip_1",
    "ankle_1",
    "hip_2",
    "ankle_2",
    "hip_3",
    "ankle_3",
  ]);
  deepStrictEqual(Array.from(model.qpos0 as Float64Array), [0, 0, 0.75, 1, ...Array(11).fill(0)]);
});

Deno.test("Ant-v5 golden numbers: noiseless start, a = 0.5·high for 10 steps", async () => {
  const env = await makeAnt();
  const { model } = await loadAntModel();
  try {
    const err = checkGolden(env, model.qpos0 as Float64Array, NV, {
      r1: 0.007822545943,
      sum: -0.9517844252,
      obs: [0.52204376, 0.98454974, 0.024153984],
    });
    ok(err < 1e-7, `worst golden error ${err}`);
  } finally {
    env.close();
  }
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
      const sum = r.info.reward_forward + r.info.reward_survive + r.info.reward_ctrl +
        r.info.reward_contact;
      ok(Math.abs(r.reward - sum) < 1e-12);
    }
    ok(contacts > 10, `only ${contacts} steps had contact forces`);
  } finally {
    ref.delete();
    env.close();
  }
});

Deno.test("Ant-v5 terminates outside the closed z range [low, high], and only if asked", async () => {
  const probe = await makeAnt();
  probe.reset({ seed: 1 });
  const s = probe.getState();
  probe.step(new Float32Array(8));
  const zExact = probe.getState()[2]; // qpos[2] after one step from s
  probe.close();
  const up = (x: number) => x + Math.abs(x) * 2 ** -52;
  const down = (x: number) => x - Math.abs(x) * 2 ** -52;
  const cases: [[number, number], boolean][] = [
    [[zExact, 2], true], // z = low: healthy (closed)
    [[0, zExact], true], // z = high: healthy (closed)
    [[up(zExact), 2], false],
    [[0, down(zExact)], false],
  ];
  for (const [range, healthy] of cases) {
    for (const terminateWhenUnhealthy of [true, false]) {
      const env = await makeAnt({ healthyZRange: range, terminateWhenUnhealthy });
      env.setState(s);
      const r = env.step(new Float32Array(8));
      strictEqual(r.terminated, !healthy && terminateWhenUnhealthy, `range ${range}`);
      strictEqual(r.info.reward_survive, healthy ? 1 : 0);
      env.close();
    }
  }
});

Deno.test("Ant-v5 reset: qpos = qpos0 + U(±0.1)¹⁵ then qvel = 0.1·N(0, 1)¹⁴, from new Rng(seed)", async () => {
  const env = await makeAnt();
  const { model } = await loadAntModel();
  const qpos0 = model.qpos0 as Float64Array;
  try {
    const { info } = env.reset({ seed: 42 });
    const rng = new Rng(42);
    const q = Array.from(qpos0, (q0) => q0 + rng.uniform(-0.1, 0.1));
    const v = Array.from({ length: NV }, () => 0.1 * rng.normal());
    const s = env.getState();
    deepStrictEqual(Array.from(s.subarray(0, NQ)), q); // the quaternion is not renormalised
    deepStrictEqual(Array.from(s.subarray(NQ, NQ + NV)), v);
    deepStrictEqual(info, {
      x_position: q[0],
      y_position: q[1],
      distance_from_origin: Math.sqrt(q[0] ** 2 + q[1] ** 2),
    });
    const dq: number[] = [];
    const dv: number[] = [];
    for (let seed = 0; seed < 300; seed++) {
      env.reset({ seed });
      const st = env.getState();
      for (let i = 0; i < NQ; i++) dq.push(st[i] - qpos0[i]);
      for (let i = 0; i < NV; i++) dv.push(st[NQ + i]);
    }
    checkMoments(dq, 0, 0.01 / 3, MU4.uniform(0.1), "qpos noise");
    checkMoments(dv, 0, 0.01, MU4.normal(0.1), "qvel noise");
    ok(Math.max(...dq.map(Math.abs)) <= 0.1);
  } finally {
    env.close();
  }
});

Deno.test("Ant-v5 state restore is exact, including the stale torso xy the velocity starts from", async () => {
  const m = await loadAntModel();
  const [env, other] = await Promise.all([makeAnt(), makeAnt()]);
  try {
    checkRestore(env, other, 11, 30, 30);
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
    other.close();
  }
});

Deno.test("Ant-v5 truncates at 1000 steps; bad actions name the bounds", async () => {
  const env = await makeAnt();
  try {
    checkBadActions(env, "[-1, 1]^8");
    checkTruncation(env, 1000, NQ, NV);
  } finally {
    env.close();
  }
});

Deno.test("Ant-v5 observation flags: 105 by default, 27 without cfrc_ext, 107 with x and y", async () => {
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
