/**
 * Named, weighted reward functions that compose into a training reward, with every term logged.
 *
 * ```text
 * r_t = Σ_k w_k·f_k(s_t, a_t, s_{t+1}, info_t)        per-step terms
 *     + [t = T−1]·Σ_j w_j·J_j(τ)                      outcome "judges", paid at the trajectory's last step
 * ```
 * Term values f_k and J_j are logged unweighted as `rewards/<name>/mean`; the logged total is the
 * weighted r_t. Built-ins split each env's native reward into its terms (so the default spec
 * reproduces the env reward) and add the proxies and penalties of the reward-hacking experiments.
 *
 * Reference: TRL `GRPOTrainer` (reward_funcs, reward_weights, rewards/<fn>/mean); Gymnasium
 * Pendulum-v1, HalfCheetah-v5 and MuJoCo v5 reward definitions.
 *
 * @module
 */

/** Numbers an env reports with a step (`x_velocity`, …). */
export type StepInfo = Record<string, number>;

/** One trajectory as seen by an outcome judge: s_0 … s_T, a_0 … a_{T−1}, info_0 … info_{T−1}. */
export interface Trajectory {
  obs: Float32Array[];
  actions: Float32Array[];
  infos: StepInfo[];
}

/** A per-step term f(s, a, s′, info) → number. `a` is the action the env applied (clipped). */
export interface StepTerm {
  kind: "step";
  name: string;
  weight: number;
  fn: (obs: Float32Array, action: Float32Array, nextObs: Float32Array, info: StepInfo) => number;
}

/** An outcome judge J(τ) → number, paid once at the last step. */
export interface OutcomeTerm {
  kind: "outcome";
  name: string;
  weight: number;
  fn: (trajectory: Trajectory) => number;
}

/** Either kind of term. */
export type RewardTerm = StepTerm | OutcomeTerm;

/** A composed reward: the weighted sum of its terms, with the unweighted values kept for logging. */
export interface ComposedReward {
  /** The term names, in order; `values` arrays follow this order. */
  names: string[];
  /** Whether any term is an outcome judge (the trainer must then keep trajectories). */
  hasOutcome: boolean;
  /** Σ w·f over the step terms; writes each unweighted f into `values[k]` (outcome slots untouched). */
  step(
    obs: Float32Array,
    action: Float32Array,
    nextObs: Float32Array,
    info: StepInfo,
    values?: Float64Array,
  ): number;
  /** Σ w·J over the outcome terms; writes each unweighted J into `values[k]`. */
  outcome(trajectory: Trajectory, values?: Float64Array): number;
}

/**
 * Composes terms into one reward.
 *
 * @example
 * ```ts
 * import { composeRewards, pendulumTerms } from "./rewards.ts";
 * import { ok } from "node:assert/strict";
 * const r = composeRewards([pendulumTerms.angle, pendulumTerms.velocity, pendulumTerms.torque]);
 * // hanging straight down at rest with zero torque: −(π² + 0 + 0)
 * const down = new Float32Array([-1, 0, 0]);
 * ok(Math.abs(r.step(down, new Float32Array([0]), down, {}) + Math.PI ** 2) < 1e-5);
 * ```
 */
export function composeRewards(terms: RewardTerm[]): ComposedReward {
  const seen = new Set<string>();
  for (const t of terms) {
    if (seen.has(t.name)) throw new Error(`composeRewards: the term "${t.name}" appears twice`);
    if (!Number.isFinite(t.weight)) {
      throw new Error(
        `composeRewards: term "${t.name}" has weight ${t.weight}; weights must be finite`,
      );
    }
    seen.add(t.name);
  }
  const steps = terms.flatMap((t, k) => (t.kind === "step" ? [[t, k] as const] : []));
  const outcomes = terms.flatMap((t, k) => (t.kind === "outcome" ? [[t, k] as const] : []));
  return {
    names: terms.map((t) => t.name),
    hasOutcome: outcomes.length > 0,
    step(obs, action, nextObs, info, values) {
      let total = 0;
      for (const [t, k] of steps) {
        const v = t.fn(obs, action, nextObs, info);
        if (values) values[k] = v;
        total += t.weight * v;
      }
      return total;
    },
    outcome(trajectory, values) {
      let total = 0;
      for (const [t, k] of outcomes) {
        const v = t.fn(trajectory);
        if (values) values[k] = v;
        total += t.weight * v;
      }
      return total;
    },
  };
}

const step = (name: string, weight: number, fn: StepTerm["fn"]): StepTerm => ({
  kind: "step",
  name,
  weight,
  fn,
});

/**
 * Pendulum-v1 terms, from the observation (cos θ, sin θ, θ̇) before the step; θ = atan2(sin θ, cos θ)
 * is the normalized angle. The native reward is angle + velocity + torque at weights 1, 0.1, 0.001
 * (equal to the env's to float32 precision of the observation).
 */
export const pendulumTerms = {
  /** −θ², θ ∈ (−π, π] (0 upright). */
  angle: step("angle", 1, (s) => -(Math.atan2(s[1], s[0]) ** 2)),
  /** −θ̇². */
  velocity: step("velocity", 0.1, (s) => -(s[2] * s[2])),
  /** −u², u the applied (clipped) torque. */
  torque: step("torque", 0.001, (_s, a) => -(a[0] * a[0])),
  /** Proxy that pays angular speed, |θ̇′| after the step: maximized by spinning, not balancing. */
  spin: step("spin", 1, (_s, _a, s2) => Math.abs(s2[2])),
  /**
   * Penalty against the spin hack: 0 up to a speed budget of 1 rad/s, then −2 per rad/s above it,
   * floored at −8: −min(8, 2·max(0, |θ̇| − 1)) on the state before the step.
   */
  overspeed: step("overspeed", 1, (s) => -Math.min(8, 2 * Math.max(0, Math.abs(s[2]) - 1))),
  /** Judge: the fraction of the last 50 states within 0.1 rad of upright. */
  upright: {
    kind: "outcome",
    name: "upright",
    weight: 1,
    fn: (tr: Trajectory) => {
      const last = tr.obs.slice(-50);
      return last.filter((s) => Math.abs(Math.atan2(s[1], s[0])) < 0.1).length /
        Math.max(last.length, 1);
    },
  } as OutcomeTerm,
};

/**
 * HalfCheetah-v5 terms. The native reward is forward + ctrl at weights 1 and 0.1. The observation
 * is qpos[1:] ++ qvel, so `obs[1]` is the torso pitch (rooty).
 */
export const halfCheetahTerms = {
  /** x_velocity, the forward speed (from the env's info). */
  forward: step("forward", 1, (_s, _a, _s2, info) => info.x_velocity),
  /** −Σ a². */
  ctrl: step("ctrl", 0.1, (_s, a) => {
    let sq = 0;
    for (let i = 0; i < a.length; i++) sq += a[i] * a[i];
    return -sq;
  }),
  /** Proxy: |x_velocity|, paid for speed in either direction (no control cost). */
  speed: step("speed", 1, (_s, _a, _s2, info) => Math.abs(info.x_velocity)),
  /** Penalty: −max(0, |rooty′| − 1), zero while the torso pitch stays within ±1 rad (not flipped). */
  upright: step("upright", 1, (_s, _a, s2) => -Math.max(0, Math.abs(s2[1]) - 1)),
};

/**
 * MountainCar-v0 terms, from the observation (position p, velocity v) before and after the step.
 * The native reward is `time` (−1 per step). `energy` is potential-based shaping (Ng, Harada and
 * Russell, ICML 1999), F = Φ(s′) − Φ(s) with Φ(p, v) = v²/(2g) + sin(3p)/3, g = 0.0025: the car's
 * mechanical energy in units of g, since the dynamics' force −g·cos(3p) is −g·dΦ/dp. Over an episode
 * F sums to Φ(s_T) − Φ(s_0), so members that all earn −200 still differ by the energy they built.
 */
export const mountainCarTerms = {
  /** −1 per step, the env's reward (also on the terminating step). */
  time: step("time", 1, () => -1),
  /** Φ(s′) − Φ(s), Φ(p, v) = v²/(2·0.0025) + sin(3p)/3 (shaping: off in the native spec). */
  energy: step("energy", 100, (s, _a, s2) => carEnergy(s2) - carEnergy(s)),
};
const carEnergy = (s: Float32Array) => (s[1] * s[1]) / (2 * 0.0025) + Math.sin(3 * s[0]) / 3;

/**
 * The terms of a MuJoCo v5 env whose info carries every reward term, already weighted by the env:
 * the term named after `key` without its `reward_` prefix reads `info[key]` at weight 1, and the
 * native spec (every term at 1) sums to the env's reward (to rounding).
 */
function infoTerms(...keys: string[]) {
  const terms = keys.map((k) => step(k.replace(/^reward_/, ""), 1, (_s, _a, _s2, i) => i[k]));
  const native = terms.map((t) => `${t.name}:1`).join(",");
  return { terms: Object.fromEntries(terms.map((t) => [t.name, t])), native };
}
const walker = ["reward_forward", "reward_survive", "reward_ctrl"];

/**
 * The built-in terms and the native spec of each env id. HumanoidStandup-v5 has none: its reward
 * adds a constant 1 that no info term carries.
 */
export const rewardRegistry: Record<string, { terms: Record<string, RewardTerm>; native: string }> =
  {
    "Pendulum-v1": { terms: pendulumTerms, native: "angle:1,velocity:0.1,torque:0.001" },
    "HalfCheetah-v5": { terms: halfCheetahTerms, native: "forward:1,ctrl:0.1" },
    "Hopper-v5": infoTerms(...walker),
    "Walker2d-v5": infoTerms(...walker),
    "Swimmer-v5": infoTerms("reward_forward", "reward_ctrl"),
    "InvertedPendulum-v5": infoTerms("reward_survive"),
    "InvertedDoublePendulum-v5": infoTerms(
      "reward_survive",
      "distance_penalty",
      "velocity_penalty",
    ),
    "Ant-v5": infoTerms(...walker, "reward_contact"),
    "Humanoid-v5": infoTerms(...walker, "reward_contact"),
    "Reacher-v5": infoTerms("reward_dist", "reward_ctrl"),
    "Pusher-v5": infoTerms("reward_dist", "reward_ctrl", "reward_near"),
    "MountainCar-v0": { terms: mountainCarTerms, native: "time:1" },
  };

/**
 * Parses a spec such as `forward:1,ctrl:0.1,upright:5` into terms for `envId`.
 * Unknown names and bad weights throw, listing the known terms.
 */
export function parseRewardSpec(spec: string, envId: string): RewardTerm[] {
  const entry = rewardRegistry[envId];
  if (!entry) {
    throw new Error(
      `No reward terms for env "${envId}": known envs are ${
        Object.keys(rewardRegistry).join(", ")
      }`,
    );
  }
  const known = Object.keys(entry.terms).join(", ");
  return spec.split(",").map((part) => {
    const [name, w, extra] = part.trim().split(":");
    const term = entry.terms[name];
    if (!term) {
      throw new Error(`Unknown reward term "${name}" for ${envId}: known terms are ${known}`);
    }
    const weight = w === undefined ? term.weight : Number(w);
    if (extra !== undefined || w === "" || !Number.isFinite(weight)) {
      throw new Error(
        `Bad reward term "${part}": expected name or name:weight with a finite weight (known terms: ${known})`,
      );
    }
    return { ...term, weight };
  });
}
