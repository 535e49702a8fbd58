/**
 * Hopper-v5 (and the planar-walker logic Walker2d-v5 shares): a planar robot rewarded for moving
 * forward while staying healthy, with Gymnasium v5 semantics (frame_skip 4, dt = 0.008, 1000-step
 * time limit).
 *
 * ```text
 * r       = (w_f · v_x + h · healthy) − w_c · Σᵢ aᵢ²      v_x = (x_after − x_before) / dt
 * healthy = z_lo < q₁ < z_hi  ∧  θ_lo < q₂ < θ_hi  ∧  every entry of (q[2:], v) in (s_lo, s_hi)
 * terminated = ¬healthy ∧ terminate_when_unhealthy
 * obs     = (q[1:], clip(v, −10, 10))                   (q[0:] with positions included)
 * reset:  q = qpos0 + U(−s, s),  v = U(−s, s)
 * ```
 * q = qpos (rootx, rootz, rooty, joints…), v = qvel, a = action as passed (MuJoCo clamps ctrl),
 * w_f = forwardRewardWeight, w_c = ctrlCostWeight, h = healthyReward, s = resetNoiseScale. Every
 * inequality is strict; the state check uses the raw (unclipped) qvel. Hopper: z ∈ (0.7, ∞),
 * θ ∈ (−0.2, 0.2), state ∈ (−100, 100). Walker2d has no state range.
 *
 * Differences from the reference, by design: the reset draws come from our `Rng`, not NumPy; the
 * observation is float32; the ctrl cost is summed in float64.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/hopper_v5.py`; facts in
 * shared/reference/envs-suite.md §3 (Hopper-v5).
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps } from "./checks.ts";
import {
  checkFinite,
  checkRange,
  loadModel,
  MujocoEnv,
  type MujocoEnvSpec,
  type MujocoModel,
} from "./mujoco_env.ts";
import type { Env, EnvOptions, Info, StepResult } from "./types.ts";

/** Options shared by {@link makeHopper} and `makeWalker2d`; defaults are each env's v5 ones. */
export interface PlanarWalkerOptions extends EnvOptions {
  /** w_f, the weight of the forward velocity term. Default 1. */
  forwardRewardWeight?: number;
  /** w_c, the weight of the control cost Σ aᵢ². Default 1e-3. */
  ctrlCostWeight?: number;
  /** h, paid on every step that ends healthy. Default 1. */
  healthyReward?: number;
  /** End the episode (terminated) on the first unhealthy step. Default true. */
  terminateWhenUnhealthy?: boolean;
  /** (z_lo, z_hi), the open interval rootz must stay in. Hopper (0.7, ∞); Walker2d (0.8, 2). */
  healthyZRange?: [number, number];
  /** (θ_lo, θ_hi), the open interval rooty must stay in. Hopper (−0.2, 0.2); Walker2d (−1, 1). */
  healthyAngleRange?: [number, number];
  /** s: reset adds U(−s, s) to qpos and qvel. Default 5e-3. */
  resetNoiseScale?: number;
  /** Leave rootx out of the observation. Default true. */
  excludeCurrentPositionsFromObservation?: boolean;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** Options for {@link makeHopper}. */
export interface HopperOptions extends PlanarWalkerOptions {
  /** (s_lo, s_hi), the open interval every entry of (qpos[2:], qvel) must stay in. (−100, 100). */
  healthyStateRange?: [number, number];
}

/** The per-env facts a planar walker is built from. */
export interface PlanarWalkerFacts {
  id: string;
  fn: string;
  xml: URL;
  dims: { nq: number; nv: number; nu: number };
  /** The v5 defaults of the options that differ between Hopper and Walker2d. */
  defaults: {
    healthyZRange: [number, number];
    healthyAngleRange: [number, number];
    healthyStateRange?: [number, number];
  };
}

const HOPPER: PlanarWalkerFacts = {
  id: "Hopper-v5",
  fn: "makeHopper",
  xml: new URL("./hopper.xml", import.meta.url),
  dims: { nq: 6, nv: 6, nu: 3 },
  defaults: {
    healthyZRange: [0.7, Infinity],
    healthyAngleRange: [-0.2, 0.2],
    healthyStateRange: [-100, 100],
  },
};

/** The process-wide compiled model of `hopper.xml` (timestep 0.002 s). */
export function loadHopperModel(): Promise<MujocoModel> {
  return loadModel(HOPPER.xml, HOPPER.dims);
}

/**
 * Creates a Hopper-v5 env: obs [11], action [−1, 1]³. Call `reset()` before `step()`, and
 * `close()` when done.
 *
 * @param options weights, healthy ranges, noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeHopper } from "./hopper.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const env = await makeHopper({ resetNoiseScale: 0 }); // start at qpos0, at rest
 * strictEqual(env.reset().obs.length, 11);
 * const { reward } = env.step(new Float32Array(3).fill(0.5));
 * ok(Math.abs(reward - 1.017254292) < 1e-8); // golden r1, envs-suite.md
 * env.close();
 * ```
 */
export function makeHopper(options: HopperOptions = {}): Promise<Env> {
  return makePlanarWalker(HOPPER, options);
}

/** Builds Hopper-v5 or Walker2d-v5 from its facts and the caller's options. */
export async function makePlanarWalker(
  facts: PlanarWalkerFacts,
  options: HopperOptions,
): Promise<Env> {
  const { fn, defaults } = facts;
  const {
    forwardRewardWeight = 1,
    ctrlCostWeight = 1e-3,
    healthyReward = 1,
    terminateWhenUnhealthy = true,
    healthyZRange = defaults.healthyZRange,
    healthyAngleRange = defaults.healthyAngleRange,
    healthyStateRange = defaults.healthyStateRange,
    resetNoiseScale = 5e-3,
    excludeCurrentPositionsFromObservation = true,
    maxEpisodeSteps = 1000,
    rng = new Rng(0),
  } = options;
  checkFinite(fn, { forwardRewardWeight, ctrlCostWeight, healthyReward, resetNoiseScale });
  checkMaxSteps(fn, maxEpisodeSteps);
  checkRange(fn, "healthyZRange", healthyZRange);
  checkRange(fn, "healthyAngleRange", healthyAngleRange);
  if (healthyStateRange !== undefined) checkRange(fn, "healthyStateRange", healthyStateRange);
  const model = await loadModel(facts.xml, facts.dims);
  const skip = excludeCurrentPositionsFromObservation ? 1 : 0;
  return new PlanarWalker({
    id: facts.id,
    model,
    frameSkip: 4,
    obsSize: facts.dims.nq - skip + facts.dims.nv,
    maxEpisodeSteps,
    rng,
    resetNoiseScale,
    qvelNoise: "uniform",
  }, {
    forwardRewardWeight,
    ctrlCostWeight,
    healthyReward,
    terminateWhenUnhealthy,
    healthyZRange,
    healthyAngleRange,
    healthyStateRange,
    skip,
  });
}

interface WalkerParams {
  forwardRewardWeight: number;
  ctrlCostWeight: number;
  healthyReward: number;
  terminateWhenUnhealthy: boolean;
  healthyZRange: [number, number];
  healthyAngleRange: [number, number];
  healthyStateRange: [number, number] | undefined;
  /** Leading qpos entries left out of the observation (1, or 0 with positions included). */
  skip: number;
}

class PlanarWalker extends MujocoEnv {
  #p: WalkerParams;
  #z0: number;

  constructor(spec: MujocoEnvSpec, params: WalkerParams) {
    super(spec);
    this.#p = params;
    this.#z0 = (this.model.qpos0 as Float64Array)[1]; // init_qpos[1] = 1.25
  }

  /** obs = (q[skip:], clip(v, −10, 10)) as a fresh Float32Array. */
  protected observe(): Float32Array {
    const { qpos, qvel, nq, nv } = this;
    const skip = this.#p.skip;
    const obs = new Float32Array(nq - skip + nv);
    for (let i = skip; i < nq; i++) obs[i - skip] = qpos[i];
    for (let i = 0; i < nv; i++) obs[nq - skip + i] = Math.min(Math.max(qvel[i], -10), 10);
    return obs;
  }

  /** Strict: z_lo < q₁ < z_hi, θ_lo < q₂ < θ_hi, and (q[2:], v) inside the state range if any. */
  #isHealthy(): boolean {
    const { qpos, qvel, nq, nv } = this;
    const [zLo, zHi] = this.#p.healthyZRange;
    const [aLo, aHi] = this.#p.healthyAngleRange;
    if (!(zLo < qpos[1] && qpos[1] < zHi && aLo < qpos[2] && qpos[2] < aHi)) return false;
    const range = this.#p.healthyStateRange;
    if (range === undefined) return true;
    const [lo, hi] = range;
    for (let i = 2; i < nq; i++) if (!(lo < qpos[i] && qpos[i] < hi)) return false;
    for (let i = 0; i < nv; i++) if (!(lo < qvel[i] && qvel[i] < hi)) return false;
    return true;
  }

  protected override resetInfo(): Info {
    return { x_position: this.qpos[0], z_distance_from_origin: this.qpos[1] - this.#z0 };
  }

  protected evaluate(_action: Float32Array, sumSq: number): Omit<StepResult, "truncated"> {
    const p = this.#p;
    const xAfter = this.qpos[0];
    const xVelocity = this.qposVelocity(0); // v_x = Δx / dt
    const healthy = this.#isHealthy();
    const forward = p.forwardRewardWeight * xVelocity; // w_f · v_x
    const survive = healthy ? p.healthyReward : 0; // h · healthy
    const ctrlCost = p.ctrlCostWeight * sumSq; // w_c · Σ aᵢ²
    return {
      obs: this.observe(),
      reward: forward + survive - ctrlCost,
      terminated: !healthy && p.terminateWhenUnhealthy,
      info: {
        x_position: xAfter,
        z_distance_from_origin: this.qpos[1] - this.#z0,
        x_velocity: xVelocity,
        reward_forward: forward,
        reward_ctrl: -ctrlCost,
        reward_survive: survive,
      },
    };
  }
}
