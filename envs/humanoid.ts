/**
 * Humanoid-v5 (walk along +x without falling) and HumanoidStandup-v5 (get up from lying on the
 * floor), with Gymnasium v5 semantics: frame_skip 5, dt = 5 · 0.003 = 0.015, 1000-step limit.
 *
 * ```text
 * Humanoid:  r = (w_f·v_x + h·healthy) − (w_c·Σᵢ aᵢ² + min(w_k·Σ cfrc_ext², 10))
 *            v_xy = (c_after − c_before) / dt,  c = Σ_b m_b·xipos_b / Σ_b m_b  (stale, x–y)
 *            healthy = 1.0 < qpos[2] < 2.0  (open)
 * Standup:   r = qpos[2] / δ − w_c·Σᵢ aᵢ² − min(w_k·Σ cfrc_ext², 10) + 1,  δ = 0.003 (not dt);
 *            never terminates
 * obs = (qpos[2:24], qvel, cinert[1:] (13·10), cvel[1:] (13·6), qfrc_actuator[6:] (17),
 *        cfrc_ext[1:] (13·6)) ∈ ℝ³⁴⁸                                    a ∈ [−0.4, 0.4]¹⁷
 * ```
 * w_f = forwardRewardWeight (1.25), h = healthyReward (5), w_c = ctrlCostWeight (0.1),
 * w_k = contactCostWeight / impactCostWeight (5e-7). Everything after qvel in the observation is
 * stale (the last evaluation inside the step); cfrc_ext comes from one `mj_rnePostConstraint`.
 * The contact cost squares the raw cfrc_ext of all 14 bodies, and the total is capped at 10.
 * Reset: qpos = qpos0 + U(−s, s)²⁴ (quaternion not renormalised), qvel = U(−s, s)²³, s = 0.01.
 * `info` carries the two fixed tendons as `tendon_length_0/1` and `tendon_velocity_0/1`
 * (Gymnasium: arrays `tendon_length`, `tendon_velocity`); order left_hipknee, right_hipknee.
 *
 * Differences from the reference, by design: reset draws come from our `Rng`; obs is float32;
 * HumanoidStandup's `uph_cost_weight`, unused by Gymnasium's reward, is not an option.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/humanoid_v5.py`, `humanoidstandup_v5.py`;
 * Y. Tassa, T. Erez, E. Todorov (2012), "Synthesis and stabilization of complex behaviors
 * through online trajectory optimization".
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import {
  checkFinite,
  checkRange,
  definedOnly,
  loadModel,
  MujocoEnv,
  type MujocoEnvSpec,
  type MujocoModel,
} from "./mujoco_env.ts";
import type { MjData } from "./mujoco.ts";
import { StaleXyEnv } from "./stale_xy.ts";
import type { Env, EnvOptions, Info, StepResult } from "./types.ts";

const DIMS = { nq: 24, nv: 23, nu: 17 };
const NBODY = 14;

/** Which stale quantities the observation appends after (qpos, qvel); all true by default. */
export interface HumanoidObsOptions {
  /** Leave qpos[0:2] (x, y) out of the observation. Default true. */
  excludeCurrentPositionsFromObservation?: boolean;
  /** cinert[1:], 13·10 values. Default true. */
  includeCinertInObservation?: boolean;
  /** cvel[1:], 13·6 values. Default true. */
  includeCvelInObservation?: boolean;
  /** qfrc_actuator[6:], 17 values (the free joint's 6 are always 0). Default true. */
  includeQfrcActuatorInObservation?: boolean;
  /** cfrc_ext[1:], 13·6 values. Default true. */
  includeCfrcExtInObservation?: boolean;
}

/** Options shared by both envs; every field has the Gymnasium v5 default. */
interface CommonOptions extends EnvOptions, HumanoidObsOptions {
  /** w_c, the weight of Σ aᵢ². Default 0.1. */
  ctrlCostWeight?: number;
  /** s: reset adds U(−s, s) to qpos and to qvel. Default 0.01. */
  resetNoiseScale?: number;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** Options for {@link makeHumanoid}. */
export interface HumanoidOptions extends CommonOptions {
  /** w_f, the weight of v_x. Default 1.25. */
  forwardRewardWeight?: number;
  /** w_k, the weight of Σ cfrc_ext². Default 5e-7. */
  contactCostWeight?: number;
  /** The contact cost is clipped into this range. Default [−∞, 10]. */
  contactCostRange?: [number, number];
  /** h, paid on every step that ends healthy. Default 5. */
  healthyReward?: number;
  /** End the episode (terminated) when unhealthy. Default true. */
  terminateWhenUnhealthy?: boolean;
  /** The open range of torso z (qpos[2]) that is healthy. Default [1.0, 2.0]. */
  healthyZRange?: [number, number];
}

/** Options for {@link makeHumanoidStandup}. */
export interface HumanoidStandupOptions extends CommonOptions {
  /** w_k, the weight of Σ cfrc_ext². Default 5e-7. */
  impactCostWeight?: number;
  /** The impact cost is clipped into this range. Default [−∞, 10]. */
  impactCostRange?: [number, number];
}

/** The process-wide compiled model of `humanoid.xml` (timestep 0.003 s). */
export function loadHumanoidModel(): Promise<MujocoModel> {
  return loadModel(new URL("./humanoid.xml", import.meta.url), DIMS);
}

/** The process-wide compiled model of `humanoidstandup.xml` (timestep 0.003 s). */
export function loadHumanoidStandupModel(): Promise<MujocoModel> {
  return loadModel(new URL("./humanoidstandup.xml", import.meta.url), DIMS);
}

const OBS_DEFAULTS: Required<HumanoidObsOptions> = {
  excludeCurrentPositionsFromObservation: true,
  includeCinertInObservation: true,
  includeCvelInObservation: true,
  includeQfrcActuatorInObservation: true,
  includeCfrcExtInObservation: true,
};

/** The observation size for these flags (348 with the defaults). */
function obsSize(f: Required<HumanoidObsOptions>): number {
  const rows = NBODY - 1;
  return (f.excludeCurrentPositionsFromObservation ? 22 : 24) + 23 +
    (f.includeCinertInObservation ? rows * 10 : 0) + (f.includeCvelInObservation ? rows * 6 : 0) +
    (f.includeQfrcActuatorInObservation ? 17 : 0) + (f.includeCfrcExtInObservation ? rows * 6 : 0);
}

/** Checks the shared options (errors name `fn`) and builds the base's spec. */
function spec(fn: string, id: string, m: MujocoModel, o: Required<CommonOptions>): MujocoEnvSpec {
  checkFinite(fn, { ctrlCostWeight: o.ctrlCostWeight, resetNoiseScale: o.resetNoiseScale });
  checkMaxSteps(fn, o.maxEpisodeSteps);
  return {
    id,
    model: m,
    frameSkip: 5,
    obsSize: obsSize(o),
    maxEpisodeSteps: o.maxEpisodeSteps,
    rng: o.rng,
    resetNoiseScale: o.resetNoiseScale,
    qvelNoise: "uniform",
    rnePostConstraint: true,
  };
}

/**
 * Creates a Humanoid-v5 env. Call `reset()` before `step()`, and `close()` when done.
 *
 * @param options weights, ranges, observation flags, noise scale, time limit and `rng`.
 * @example
 * ```ts
 * import { makeHumanoid } from "./humanoid.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const env = await makeHumanoid({ resetNoiseScale: 0 }); // start at qpos0, at rest
 * strictEqual(env.reset().obs.length, 348);
 * const { reward } = env.step(new Float32Array(17).fill(0.2));
 * ok(Math.abs(reward - 4.932009476) < 1e-8); // golden r1, envs-suite.md
 * env.close();
 * ```
 */
export async function makeHumanoid(options: HumanoidOptions = {}): Promise<Env> {
  const o: Required<HumanoidOptions> = {
    ctrlCostWeight: 0.1,
    resetNoiseScale: 1e-2,
    maxEpisodeSteps: 1000,
    rng: new Rng(0),
    forwardRewardWeight: 1.25,
    contactCostWeight: 5e-7,
    contactCostRange: [-Infinity, 10],
    healthyReward: 5,
    terminateWhenUnhealthy: true,
    healthyZRange: [1.0, 2.0],
    ...OBS_DEFAULTS,
    ...definedOnly(options),
  };
  const { forwardRewardWeight, contactCostWeight, healthyReward } = o;
  checkFinite("makeHumanoid", { forwardRewardWeight, contactCostWeight, healthyReward });
  checkRange("makeHumanoid", "contactCostRange", o.contactCostRange);
  checkRange("makeHumanoid", "healthyZRange", o.healthyZRange);
  const model = await loadHumanoidModel();
  return new Humanoid(spec("makeHumanoid", "Humanoid-v5", model, o), o);
}

/**
 * Creates a HumanoidStandup-v5 env. Call `reset()` before `step()`, and `close()` when done.
 *
 * @param options weights, range, observation flags, noise scale, time limit and `rng`.
 * @example
 * ```ts
 * import { makeHumanoidStandup } from "./humanoid.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const env = await makeHumanoidStandup({ resetNoiseScale: 0 }); // start at qpos0, at rest
 * strictEqual(env.reset().obs.length, 348);
 * const { reward } = env.step(new Float32Array(17).fill(0.2));
 * ok(Math.abs(reward - 36.52984427) < 1e-7); // golden r1, envs-suite.md
 * env.close();
 * ```
 */
export async function makeHumanoidStandup(options: HumanoidStandupOptions = {}): Promise<Env> {
  const o: Required<HumanoidStandupOptions> = {
    ctrlCostWeight: 0.1,
    resetNoiseScale: 1e-2,
    maxEpisodeSteps: 1000,
    rng: new Rng(0),
    impactCostWeight: 5e-7,
    impactCostRange: [-Infinity, 10],
    ...OBS_DEFAULTS,
    ...definedOnly(options),
  };
  checkFinite("makeHumanoidStandup", { impactCostWeight: o.impactCostWeight });
  checkRange("makeHumanoidStandup", "impactCostRange", o.impactCostRange);
  const model = await loadHumanoidStandupModel();
  return new HumanoidStandup(
    spec("makeHumanoidStandup", "HumanoidStandup-v5", model, o),
    o,
    model.timestep,
  );
}

/**
 * Both envs' observation of `data` as it stands: (qpos[2:] or qpos, qvel, then each included
 * stale block without its world row), a fresh Float32Array of {@link obsSize} values.
 */
function observeHumanoid(data: MjData, f: Required<HumanoidObsOptions>, size: number) {
  const obs = new Float32Array(size);
  let k = 0;
  const put = (src: Float64Array, from: number) => {
    for (let i = from; i < src.length; i++) obs[k++] = src[i];
  };
  put(data.qpos, f.excludeCurrentPositionsFromObservation ? 2 : 0);
  put(data.qvel, 0);
  if (f.includeCinertInObservation) put(data.cinert, 10);
  if (f.includeCvelInObservation) put(data.cvel, 6);
  if (f.includeQfrcActuatorInObservation) put(data.qfrc_actuator, 6);
  if (f.includeCfrcExtInObservation) put(data.cfrc_ext, 6);
  return obs;
}

/** clip(w·Σ cfrc_ext², low, high) over all bodies, raw (unclipped) forces. */
function contactCost(data: MjData, w: number, [lo, hi]: [number, number]): number {
  const f: Float64Array = data.cfrc_ext;
  let sumSq = 0;
  for (let i = 0; i < f.length; i++) sumSq += f[i] * f[i];
  return Math.min(Math.max(w * sumSq, lo), hi);
}

/** x, y (qpos) and the two fixed tendons' lengths and velocities. */
function tendonInfo(data: MjData, qpos: Float64Array): Info {
  const len: Float64Array = data.ten_length;
  const vel: Float64Array = data.ten_velocity;
  return {
    x_position: qpos[0],
    y_position: qpos[1],
    tendon_length_0: len[0],
    tendon_length_1: len[1],
    tendon_velocity_0: vel[0],
    tendon_velocity_1: vel[1],
  };
}

class Humanoid extends StaleXyEnv {
  #o: Required<HumanoidOptions>;
  #xyAfter = new Float64Array(2);
  #totalMass: number;

  constructor(spec: MujocoEnvSpec, o: Required<HumanoidOptions>) {
    super(spec);
    this.#o = o;
    const mass: Float64Array = this.model.body_mass;
    this.#totalMass = mass.reduce((a, b) => a + b, 0);
  }

  /** c = Σ_b m_b·xipos_b / Σ_b m_b, x and y, from the (stale) xipos. */
  protected position(out: Float64Array): void {
    const mass: Float64Array = this.model.body_mass;
    const xipos: Float64Array = this.data.xipos;
    let x = 0;
    let y = 0;
    for (let b = 0; b < NBODY; b++) {
      x += mass[b] * xipos[3 * b];
      y += mass[b] * xipos[3 * b + 1];
    }
    out[0] = x / this.#totalMass;
    out[1] = y / this.#totalMass;
  }

  protected observe(): Float32Array {
    return observeHumanoid(this.data, this.#o, this.observationSpace.shape[0]);
  }

  protected override resetInfo(): Info {
    const { qpos } = this;
    return {
      ...tendonInfo(this.data, qpos),
      distance_from_origin: Math.sqrt(qpos[0] * qpos[0] + qpos[1] * qpos[1]),
    };
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const o = this.#o;
    const after = this.#xyAfter;
    this.position(after);
    const xVelocity = (after[0] - this.xyBefore[0]) / this.dt; // v = Δc / dt
    const yVelocity = (after[1] - this.xyBefore[1]) / this.dt;
    const z = this.qpos[2];
    const healthy = o.healthyZRange[0] < z && z < o.healthyZRange[1];
    const forward = o.forwardRewardWeight * xVelocity; // w_f · v_x
    const survive = healthy ? o.healthyReward : 0; // h · healthy
    const ctrlCost = o.ctrlCostWeight * sumSq; // w_c · Σ aᵢ² (= Σ ctrl², ctrl as passed)
    const contact = contactCost(this.data, o.contactCostWeight, o.contactCostRange);
    return {
      obs: this.observe(),
      reward: (forward + survive) - (ctrlCost + contact),
      terminated: !healthy && o.terminateWhenUnhealthy,
      info: {
        ...this.resetInfo(),
        x_velocity: xVelocity,
        y_velocity: yVelocity,
        reward_survive: survive,
        reward_forward: forward,
        reward_ctrl: -ctrlCost,
        reward_contact: -contact,
      },
    };
  }
}

class HumanoidStandup extends MujocoEnv {
  #o: Required<HumanoidStandupOptions>;
  /** δ = opt.timestep, the divisor of the "linup" reward (not dt). */
  #timestep: number;
  #z0: number;

  constructor(spec: MujocoEnvSpec, o: Required<HumanoidStandupOptions>, timestep: number) {
    super(spec);
    this.#o = o;
    this.#timestep = timestep;
    this.#z0 = (this.model.qpos0 as Float64Array)[2];
  }

  protected observe(): Float32Array {
    return observeHumanoid(this.data, this.#o, this.observationSpace.shape[0]);
  }

  protected override resetInfo(): Info {
    const { qpos } = this;
    return { ...tendonInfo(this.data, qpos), z_distance_from_origin: qpos[2] - this.#z0 };
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const o = this.#o;
    const uph = this.qpos[2] / this.#timestep; // qpos[2] / δ
    const ctrlCost = o.ctrlCostWeight * sumSq; // w_c · Σ aᵢ²
    const impact = contactCost(this.data, o.impactCostWeight, o.impactCostRange);
    return {
      obs: this.observe(),
      reward: uph - ctrlCost - impact + 1,
      terminated: false,
      info: {
        ...this.resetInfo(),
        reward_linup: uph,
        reward_quadctrl: -ctrlCost,
        reward_impact: -impact,
      },
    };
  }
}
