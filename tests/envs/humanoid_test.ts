import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import {
  loadHumanoidModel,
  loadHumanoidStandupModel,
  makeHumanoid,
  makeHumanoidStandup,
} from "../../envs/humanoid.ts";
import type { MjData } from "../../envs/mujoco.ts";
import type { MujocoModel } from "../../envs/mujoco_env.ts";
import { referenceData, referenceStep } from "./mujoco_reference.ts";
import { randomActions } from "./mujoco_suite.ts";

/** The observation flags of Humanoid and HumanoidStandup (all blocks by default). */
type Flags = Partial<
  Record<
    | `include${"Cinert" | "Cvel" | "QfrcActuator" | "CfrcExt"}InObservation`
    | "excludeCurrentPositionsFromObservation",
    boolean
  >
>;

/**
 * Gymnasium's v5 observation of `d`: qpos[2:] (or all of qpos), qvel, then the stale blocks
 * without the world that `f` keeps.
 */
function referenceObs(d: MjData, f: Flags = {}): Float32Array {
  const tail = (name: "cinert" | "cvel" | "qfrc_actuator" | "cfrc_ext", skip: number, on = true) =>
    on === false ? [] : Array.from(d[name] as Float64Array).slice(skip);
  return Float32Array.from([
    ...Array.from(d.qpos as Float64Array).slice(
      f.excludeCurrentPositionsFromObservation === false ? 0 : 2,
    ),
    ...(d.qvel as Float64Array),
    ...tail("cinert", 10, f.includeCinertInObservation),
    ...tail("cvel", 6, f.includeCvelInObservation),
    ...tail("qfrc_actuator", 6, f.includeQfrcActuatorInObservation),
    ...tail("cfrc_ext", 6, f.includeCfrcExtInObservation),
  ]);
}

/** Mass centre (x, y) from the stale xipos. */
function massCentre(m: MujocoModel, d: MjData): [number, number] {
  const mass = m.model.body_mass as Float64Array;
  const xi = d.xipos as Float64Array;
  let [x, y, total] = [0, 0, 0];
  for (let b = 0; b < 14; b++) {
    x += mass[b] * xi[3 * b];
    y += mass[b] * xi[3 * b + 1];
    total += mass[b];
  }
  return [x / total, y / total];
}

/** min(5e-7·Σ cfrc_ext², 10), raw forces of all bodies. */
function contactCost(d: MjData): number {
  const f = d.cfrc_ext as Float64Array;
  return Math.min(5e-7 * f.reduce((s, x) => s + x * x, 0), 10);
}

for (
  const [file, load] of [["humanoid", loadHumanoidModel], [
    "standup",
    loadHumanoidStandupModel,
  ]] as const
) {
  Deno.test(`${file}.xml actuator order and the left hip range`, async () => {
    const { mj, model } = await load();
    const joint = (i: number) => mj.mj_id2name(model, mj.mjtObj.mjOBJ_JOINT.value, i);
    const trn = model.actuator_trnid as Int32Array;
    deepStrictEqual([0, 1, 2].map((i) => joint(trn[2 * i])), [
      "abdomen_y",
      "abdomen_z",
      "abdomen_x",
    ]);
    const jr = model.jnt_range as Float64Array;
    const deg = (i: number) => [jr[2 * i], jr[2 * i + 1]].map((r) => Math.round(r * 180 / Math.PI));
    const leftHipY = Array.from({ length: 18 }, (_, i) => i).find((i) =>
      joint(i) === "left_hip_y"
    )!;
    deepStrictEqual(deg(leftHipY), file === "humanoid" ? [-110, 20] : [-120, 20]);
  });
}

Deno.test("Humanoid-v5 matches Gymnasium's formulas on an independent MjData under random actions", async () => {
  const m = await loadHumanoidModel();
  const env = await makeHumanoid();
  const { obs } = env.reset({ seed: 5 });
  const ref = referenceData(m, env.getState());
  try {
    deepStrictEqual(obs, referenceObs(ref));
    let contacts = 0;
    for (const a of randomActions(env, 6, 40)) {
      const before = massCentre(m, ref);
      referenceStep(m, ref, a, 5, true);
      const r = env.step(a);
      const after = massCentre(m, ref);
      const vx = (after[0] - before[0]) / 0.015;
      const vy = (after[1] - before[1]) / 0.015;
      const q = ref.qpos as Float64Array;
      const healthy = 1 < q[2] && q[2] < 2;
      const ctrl = 0.1 * (ref.ctrl as Float64Array).reduce((s, x) => s + x * x, 0);
      const contact = contactCost(ref);
      if (contact > 0) contacts++;
      const reward = (1.25 * vx + (healthy ? 5 : 0)) - (ctrl + contact);
      ok(Math.abs(r.reward - reward) < 1e-9, `reward ${r.reward} vs ${reward}`);
      strictEqual(r.terminated, !healthy);
      deepStrictEqual(r.obs, referenceObs(ref));
      const len = ref.ten_length as Float64Array;
      const vel = ref.ten_velocity as Float64Array;
      deepStrictEqual(r.info, {
        x_position: q[0],
        y_position: q[1],
        tendon_length_0: len[0],
        tendon_length_1: len[1],
        tendon_velocity_0: vel[0],
        tendon_velocity_1: vel[1],
        distance_from_origin: Math.sqrt(q[0] ** 2 + q[1] ** 2),
        x_velocity: vx,
        y_velocity: vy,
        reward_survive: healthy ? 5 : 0,
        reward_forward: 1.25 * vx,
        reward_ctrl: -ctrl,
        reward_contact: -contact,
      });
    }
    ok(contacts > 10, `only ${contacts} steps had contact forces`);
  } finally {
    ref.delete();
    env.close();
  }
});

Deno.test("HumanoidStandup-v5 matches Gymnasium's formulas, dividing by the timestep 0.003", async () => {
  const m = await loadHumanoidStandupModel();
  const env = await makeHumanoidStandup();
  const { obs, info } = env.reset({ seed: 7 });
  const ref = referenceData(m, env.getState());
  try {
    deepStrictEqual(obs, referenceObs(ref));
    strictEqual(info.z_distance_from_origin, (ref.qpos as Float64Array)[2] - 0.105);
    let contacts = 0;
    for (const a of randomActions(env, 8, 40)) {
      referenceStep(m, ref, a, 5, true);
      const r = env.step(a);
      const q = ref.qpos as Float64Array;
      const uph = q[2] / 0.003;
      const ctrl = 0.1 * (ref.ctrl as Float64Array).reduce((s, x) => s + x * x, 0);
      const impact = contactCost(ref);
      if (impact > 0) contacts++;
      ok(Math.abs(r.reward - (uph - ctrl - impact + 1)) < 1e-9);
      strictEqual(r.terminated, false);
      deepStrictEqual(r.obs, referenceObs(ref));
      strictEqual(r.info.reward_linup, uph);
      ok(Math.abs(r.info.reward_quadctrl + ctrl) < 1e-15);
      strictEqual(r.info.reward_impact, -impact);
      strictEqual(r.info.z_distance_from_origin, q[2] - 0.105);
    }
    ok(contacts > 30, `only ${contacts} steps touched the floor`);
  } finally {
    ref.delete();
    env.close();
  }
});

Deno.test("Humanoid-v5 and HumanoidStandup-v5 contact and impact costs cap at 10", async () => {
  // Once the feet touch the floor, 1·Σ cfrc_ext² is far above 10: the cost is exactly the cap.
  const heavy = await makeHumanoid({ contactCostWeight: 1, terminateWhenUnhealthy: false });
  heavy.reset({ seed: 1 });
  const costs = Array.from(
    { length: 30 },
    () => heavy.step(new Float32Array(17)).info.reward_contact,
  );
  ok(costs.every((c) => c >= -10) && costs.includes(-10), `contact rewards ${costs}`);
  heavy.close();
  const lying = await makeHumanoidStandup({ impactCostWeight: 1 });
  lying.reset({ seed: 0 });
  strictEqual(lying.step(new Float32Array(17)).info.reward_impact, -10);
  lying.close();
});

Deno.test("Humanoid reset info: x, y, tendons, distance", async () => {
  const h = await makeHumanoid();
  const { info } = h.reset({ seed: 3 });
  const q = h.getState();
  strictEqual(info.x_position, q[0]);
  strictEqual(info.distance_from_origin, Math.sqrt(q[0] ** 2 + q[1] ** 2));
  deepStrictEqual(Object.keys(info), [
    "x_position",
    "y_position",
    "tendon_length_0",
    "tendon_length_1",
    "tendon_velocity_0",
    "tendon_velocity_1",
    "distance_from_origin",
  ]);
  h.close();
});

Deno.test("Humanoid observation flags drop exactly their blocks: 348 by default", async () => {
  for (
    const [opts, size] of [
      [{}, 348],
      [{ includeCinertInObservation: false }, 218],
      [{ includeCvelInObservation: false, includeQfrcActuatorInObservation: false }, 253],
      [{ includeCfrcExtInObservation: false, excludeCurrentPositionsFromObservation: false }, 272],
    ] as const
  ) {
    for (
      const [make, load] of [[makeHumanoid, loadHumanoidModel], [
        makeHumanoidStandup,
        loadHumanoidStandupModel,
      ]] as const
    ) {
      const env = await make(opts);
      strictEqual(env.observationSpace.shape[0], size);
      const { obs } = env.reset({ seed: 0 });
      const a = randomActions(env, 2, 1)[0];
      const m = await load();
      const ref = referenceData(m, env.getState());
      deepStrictEqual(obs, referenceObs(ref, opts));
      referenceStep(m, ref, a, 5, true);
      deepStrictEqual(env.step(a).obs, referenceObs(ref, opts), JSON.stringify(opts));
      ref.delete();
      env.close();
    }
  }
});
