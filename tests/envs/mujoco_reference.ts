/**
 * Test-side references for the MuJoCo v5 envs whose step reads more than qpos (InvertedDoublePendulum,
 * Ant, Reacher, Pusher, Humanoid, HumanoidStandup): an independent MjData stepped as Gymnasium
 * steps. The generic checks are in mujoco_suite.ts, moments of reset draws in moments.ts.
 *
 * @module
 */
import type { MjData } from "../../envs/mujoco.ts";
import type { MujocoModel } from "../../envs/mujoco_env.ts";

/**
 * An independent MjData, started from the MuJoCo block of a `getState` result (at offset
 * nq + nv + 1) followed by `mj_forward`: the data an env holds right after reset. The caller
 * deletes it.
 */
export function referenceData(m: MujocoModel, state: Float64Array): MjData {
  const { mj, model } = m;
  const data = new mj.MjData(model);
  const block = state.slice(model.nq + model.nv + 1, model.nq + model.nv + 1 + m.stateSize);
  mj.mj_setState(model, data, block as unknown as number[], m.signature);
  mj.mj_forward(model, data);
  return data;
}

/** Gymnasium's `do_simulation`: ctrl = a, `mj_step` × frameSkip, then `mj_rnePostConstraint` if asked. */
export function referenceStep(
  m: MujocoModel,
  data: MjData,
  action: Float32Array,
  frameSkip: number,
  rne: boolean,
): void {
  (data.ctrl as Float64Array).set(action);
  for (let k = 0; k < frameSkip; k++) m.mj.mj_step(m.model, data);
  if (rne) m.mj.mj_rnePostConstraint(m.model, data);
}
