/**
 * The part of Ant-v5 and Humanoid-v5 that makes their velocity a function of more than
 * (qpos, qvel): both measure v_xy from body positions (`xpos`, `xipos`) that are "stale" after
 * `mj_step`, i.e. from the last forward evaluation inside the step, not from the new qpos.
 *
 * ```text
 * v_xy = (p_after − p_before) / dt      p = p(kinematics of the data as it stands)
 * getState = [qpos (nq), qvel (nv), elapsed, mjSTATE_INTEGRATION (…), p_before (2)]
 * ```
 * The next step's p_before is this step's stale p_after, which no later `mj_forward` can
 * recompute, so it is state that the step reads: {@link StaleXyEnv.getState} appends it.
 * `setState` restores it when the state is untouched since `getState` (the leading qpos and qvel
 * equal the copies inside the MuJoCo block); when they were edited it behaves as Gymnasium's
 * `set_state`: `mj_forward`, then p_before = p of the fresh kinematics.
 *
 * Reference: Gymnasium `ant_v5.py` / `humanoid_v5.py` (`step`), `mujoco_env.py` (`set_state`);
 * shared/reference/envs-suite.md §2 "stale kinematics".
 *
 * @module
 */
import type { Rng } from "../lib/rng.ts";
import { MujocoEnv } from "./mujoco_env.ts";

/** A {@link MujocoEnv} whose step reads the x–y of {@link StaleXyEnv.position} before stepping. */
export abstract class StaleXyEnv extends MujocoEnv {
  /** p_before (x, y): the position the step that is running started from. */
  protected readonly xyBefore = new Float64Array(2);
  /** p_before was restored by setState and must not be re-read from the data. */
  #restored = false;
  #stateLength: number;

  constructor(spec: ConstructorParameters<typeof MujocoEnv>[0]) {
    super(spec);
    this.#stateLength = super.getState().length + 2;
  }

  /** Writes p (x, y) of the current, possibly stale, kinematics into `out`. */
  protected abstract position(out: Float64Array): void;

  protected override beforeStep(): void {
    if (this.#restored) this.#restored = false;
    else this.position(this.xyBefore);
  }

  protected override resetModel(rng: Rng): void {
    this.#restored = false;
    super.resetModel(rng);
  }

  /** {@link MujocoEnv.getState}, then p_before (2): the x–y the next step's velocity starts from. */
  override getState(): Float64Array {
    const base = super.getState();
    const out = new Float64Array(base.length + 2);
    out.set(base);
    if (this.#restored) out.set(this.xyBefore, base.length);
    else this.position(out.subarray(base.length));
    return out;
  }

  /**
   * Restores a {@link getState} result. p_before comes from the state when qpos and qvel are as
   * `getState` wrote them, else from the fresh kinematics (Gymnasium's `set_state`).
   */
  override setState(state: Float64Array): void {
    const n = this.#stateLength - 2;
    // Check the length here: the base would name its own, 2 shorter, length.
    if (state?.length !== this.#stateLength) {
      throw new Error(
        `${this.id}.setState: state has length ${state?.length}, expected ${this.#stateLength} (from getState)`,
      );
    }
    const xy = state.subarray(n);
    if (!xy.every(Number.isFinite)) {
      throw new Error(`${this.id}.setState: state[${n}..${n + 1}] is [${xy}]; expected finite`);
    }
    super.setState(state.subarray(0, n));
    // mjSTATE_INTEGRATION starts with time (1), then qpos (nq) and qvel (nv).
    const { nq, nv } = this;
    const block = nq + nv + 1 + 1;
    let untouched = true;
    for (let i = 0; i < nq + nv && untouched; i++) untouched = state[i] === state[block + i];
    this.#restored = untouched;
    if (untouched) this.xyBefore.set(xy);
  }
}
