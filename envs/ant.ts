/**
 * Ant-v5: a quadruped rewarded for running along +x, with Gymnasium v5 semantics (frame_skip 5,
 * dt = 0.05, 1000-step time limit, terminated when the torso leaves [0.2, 1.0]).
 *
 * ```text
 * r = (w_f·v_x + h·healthy) − (w_c·Σᵢ aᵢ² + w_k·Σ F²)     F = clip(cfrc_ext, −1, 1)  [14, 6]
 * v_xy = (p_after − p_before) / dt        p = xpos(torso)[0:2], stale (see envs/stale_xy.ts)
 * healthy = (qpos, qvel all finite) ∧ 0.2 ≤ qpos[2] ≤ 1.0         (closed interval)
 * obs = (qpos[2:15], qvel[0:14], F[1:14] flattened) ∈ ℝ¹⁰⁵        a ∈ [−1, 1]⁸
 * ```
 * w_f = forwardRewardWeight (1), h = healthyReward (1), w_c = ctrlCostWeight (0.5),
 * w_k = contactCostWeight (5e-4); cfrc_ext comes from one `mj_rnePostConstraint` after stepping,
 * row 0 (the world) is always 0 and left out of the observation. Reset: qpos = qpos0 + U(−s, s)¹⁵
 * (quaternion included, not renormalised), qvel = s·N(0, 1)¹⁴, s = 0.1.
 *
 * Differences from the reference, by design: reset draws come from our `Rng`; obs is float32;
 * `main_body` is always the torso.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/ant_v5.py`; J. Schulman et al. (2016),
 * "High-Dimensional Continuous Control Using Generalized Advantage Estimation".
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import { checkFinite, checkRange, definedOnly, loadModel, type MujocoModel } from "./mujoco_env.ts";
import { StaleXyEnv } from "./stale_xy.ts";
import type { Env, EnvOptions, Info, StepResult } from "./types.ts";

const ID = "Ant-v5";
const DIMS = { nq: 15, nv: 14, nu: 8 };
const NBODY = 14;
const TORSO = 1;

/** Options for {@link makeAnt}; every field has the Gymnasium v5 default. */
export interface AntOptions extends EnvOptions {
  /** w_f, the weight of v_x. Default 1. */
  forwardRewardWeight?: number;
  /** w_c, the weight of Σ aᵢ². Default 0.5. */
  ctrlCostWeight?: number;
  /** w_k, the weight of Σ F². Default 5e-4. */
  contactCostWeight?: number;
  /** h, paid on every step that ends healthy. Default 1. */
  healthyReward?: number;
  /** End the episode (terminated) when unhealthy. Default true. */
  terminateWhenUnhealthy?: boolean;
  /** The closed range of torso z (qpos[2]) that is healthy. Default [0.2, 1.0]. */
  healthyZRange?: [number, number];
  /** F = clip(cfrc_ext, low, high), in the cost and the observation. Default [−1, 1]. */
  contactForceRange?: [number, number];
  /** s: reset adds U(−s, s) to qpos and s·N(0, 1) to qvel. Default 0.1. */
  resetNoiseScale?: number;
  /** Leave qpos[0:2] (x, y) out of the observation. Default true. */
  excludeCurrentPositionsFromObservation?: boolean;
  /** Append F[1:14] (78 values) to the observation. Default true. */
  includeCfrcExtInObservation?: boolean;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** The process-wide compiled model of `ant.xml` (timestep 0.01 s). */
export function loadAntModel(): Promise<MujocoModel> {
  return loadModel(new URL("./ant.xml", import.meta.url), DIMS);
}

/**
 * Creates an Ant-v5 env. Call `reset()` before `step()`, and `close()` when done.
 *
 * @param options weights, ranges, flags, noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeAnt } from "./ant.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const env = await makeAnt({ resetNoiseScale: 0 }); // start at qpos0, at rest
 * strictEqual(env.reset().obs.length, 105);
 * const { reward } = env.step(new Float32Array(8).fill(0.5));
 * ok(Math.abs(reward - 0.007822545943) < 1e-11); // golden r1, envs-suite.md
 * env.close();
 * ```
 */
export async function makeAnt(options: AntOptions = {}): Promise<Env> {
  const o = {
    forwardRewardWeight: 1,
    ctrlCostWeight: 0.5,
    contactCostWeight: 5e-4,
    healthyReward: 1,
    terminateWhenUnhealthy: true,
    healthyZRange: [0.2, 1.0] as [number, number],
    contactForceRange: [-1, 1] as [number, number],
    resetNoiseScale: 0.1,
    excludeCurrentPositionsFromObservation: true,
    includeCfrcExtInObservation: true,
    maxEpisodeSteps: 1000,
    rng: new Rng(0),
    ...definedOnly(options),
  };
  const { forwardRewardWeight, ctrlCostWeight, contactCostWeight, healthyReward } = o;
  const weights = { forwardRewardWeight, ctrlCostWeight, contactCostWeight, healthyReward };
  checkFinite("makeAnt", { ...weights, resetNoiseScale: o.resetNoiseScale });
  checkRange("makeAnt", "healthyZRange", o.healthyZRange);
  checkRange("makeAnt", "contactForceRange", o.contactForceRange);
  checkMaxSteps("makeAnt", o.maxEpisodeSteps);
  const obsSize = (o.excludeCurrentPositionsFromObservation ? 13 : 15) + 14 +
    (o.includeCfrcExtInObservation ? (NBODY - 1) * 6 : 0);
  const model = await loadAntModel();
  return new Ant({
    id: ID,
    model,
    frameSkip: 5,
    obsSize,
    maxEpisodeSteps: o.maxEpisodeSteps,
    rng: o.rng,
    resetNoiseScale: o.resetNoiseScale,
    qvelNoise: "normal",
    rnePostConstraint: true,
  }, o);
}

class Ant extends StaleXyEnv {
  #o: Required<AntOptions>;
  /** F = clip(cfrc_ext, low, high) of the last step [14·6]; row 0 is the world. */
  #forces = new Float64Array(NBODY * 6);
  #xyAfter = new Float64Array(2);

  constructor(spec: ConstructorParameters<typeof StaleXyEnv>[0], o: Required<AntOptions>) {
    super(spec);
    this.#o = o;
  }

  protected position(out: Float64Array): void {
    const xpos: Float64Array = this.data.xpos;
    out[0] = xpos[3 * TORSO];
    out[1] = xpos[3 * TORSO + 1];
  }

  /** Fills F from cfrc_ext and returns Σ F². */
  #clipForces(): number {
    const raw: Float64Array = this.data.cfrc_ext;
    const [lo, hi] = this.#o.contactForceRange;
    const f = this.#forces;
    let sumSq = 0;
    for (let i = 0; i < f.length; i++) {
      const v = Math.min(Math.max(raw[i], lo), hi);
      f[i] = v;
      sumSq += v * v;
    }
    return sumSq;
  }

  /** obs = (qpos[2:] or qpos, qvel, F[1:] if included) as a fresh Float32Array. */
  protected observe(): Float32Array {
    const obs = new Float32Array(this.observationSpace.shape[0]);
    const { qpos, qvel } = this;
    const skip = this.#o.excludeCurrentPositionsFromObservation ? 2 : 0;
    let k = 0;
    for (let i = skip; i < this.nq; i++) obs[k++] = qpos[i];
    for (let i = 0; i < this.nv; i++) obs[k++] = qvel[i];
    if (this.#o.includeCfrcExtInObservation) {
      const f = this.#forces;
      for (let i = 6; i < f.length; i++) obs[k++] = f[i];
    }
    return obs;
  }

  /** mj_resetData zeroes cfrc_ext and the reset's mj_forward leaves it so: F = 0 at reset. */
  protected override resetModel(rng: Rng): void {
    this.#forces.fill(0);
    super.resetModel(rng);
  }

  protected override resetInfo(): Info {
    const { qpos } = this;
    return {
      x_position: qpos[0],
      y_position: qpos[1],
      distance_from_origin: Math.sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]),
    };
  }

  /** (qpos, qvel) all finite and low ≤ z ≤ high. */
  #healthy(): boolean {
    const { qpos, qvel } = this;
    for (let i = 0; i < this.nq; i++) if (!Number.isFinite(qpos[i])) return false;
    for (let i = 0; i < this.nv; i++) if (!Number.isFinite(qvel[i])) return false;
    const [lo, hi] = this.#o.healthyZRange;
    return lo <= qpos[2] && qpos[2] <= hi;
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const o = this.#o;
    const after = this.#xyAfter;
    this.position(after);
    const xVelocity = (after[0] - this.xyBefore[0]) / this.dt; // v = Δp / dt
    const yVelocity = (after[1] - this.xyBefore[1]) / this.dt;
    const contactCost = o.contactCostWeight * this.#clipForces(); // w_k · Σ F²
    const healthy = this.#healthy();
    const forward = xVelocity * o.forwardRewardWeight; // w_f · v_x
    const survive = healthy ? o.healthyReward : 0; // h · healthy
    const ctrlCost = o.ctrlCostWeight * sumSq; // w_c · Σ aᵢ²
    return {
      obs: this.observe(),
      reward: (forward + survive) - (ctrlCost + contactCost),
      terminated: !healthy && o.terminateWhenUnhealthy,
      info: {
        ...this.resetInfo(),
        x_velocity: xVelocity,
        y_velocity: yVelocity,
        reward_forward: forward,
        reward_ctrl: -ctrlCost,
        reward_contact: -contactCost,
        reward_survive: survive,
      },
    };
  }
}
