/**
 * A hand-written Pendulum-v1 expert (energy-pumping swing-up, LQR balance), a trained checkpoint
 * as an expert ({@link PolicyExpert}, used for HalfCheetah-v5) and a demonstration recorder, for
 * behaviour cloning (experiment 5). Scripts only: the library never sees a controller.
 *
 * The model, from the env's own update (θ = 0 upright, g = 10, m = l = 1, dt = 0.05):
 *
 * ```text
 * θ̈ = 3g/(2l)·sin θ + 3/(m·l²)·u = a·sin θ + b·u,       a = 15, b = 3, |u| ≤ 2
 * E = ½·θ̇² + a·cos θ                                   (so dE/dt = θ̇·(θ̈ − a·sin θ) = b·u·θ̇)
 * E* = a                                                the energy of resting upright
 * ```
 *
 * Swing-up (far from upright): pump or brake energy as fast as the torque allows,
 * u = 2·sign((E* − E)·θ̇), which makes dE/dt = 2b·|θ̇|·sign(E* − E). Gravity (a = 15) beats the
 * torque (b·2 = 6), so the pendulum must be swung: it cannot be lifted directly.
 *
 * Balance (near upright): the discrete LQR of the linearized semi-implicit Euler step
 *
 * ```text
 * x = [φ, φ̇],  φ = angle_normalize(θ)
 * x' = A·x + B·u,   A = [[1 + a·dt², dt], [a·dt, 1]],   B = [[b·dt²], [b·dt]]
 * cost Σ xᵀQx + R·u²,  Q = diag(1, 0.1), R = 0.001      (the env's own cost)
 * P = Q + AᵀPA − AᵀPB·(R + BᵀPB)⁻¹·BᵀPA                 (the discrete Riccati equation, iterated)
 * K = (R + BᵀPB)⁻¹·BᵀPA,   u = clip(−K·x, −2, 2)
 * ```
 *
 * The controller switches to LQR when cos θ > cos(switchAngle) and the energy is near E*, or when
 * |φ| is small whatever the energy.
 *
 * Reference: K. J. Åström and K. Furuta, "Swinging up a pendulum by energy control",
 * Automatica 36 (2000); B. D. O. Anderson and J. B. Moore, "Optimal Control: Linear Quadratic
 * Methods" (1990), discrete-time LQR.
 *
 * @module
 */
import { makeEnv } from "../envs/registry.ts";
import { clipToBox } from "../envs/types.ts";
import type { GaussianMlpPolicy } from "../lib/policy.ts";
import { Rng } from "../lib/rng.ts";
import type { Demonstrations as Pairs } from "../lib/sft.ts";

const A_GRAV = 15; // 3g/(2l)
const B_TORQUE = 3; // 3/(m·l²)
const DT = 0.05;
const U_MAX = 2;

/**
 * The discrete LQR gain K [2] of the linearized upright Pendulum (see the module doc), from
 * iterating the Riccati equation to a fixed point.
 *
 * @param opts q = [q_φ, q_φ̇] (default [1, 0.1]), r (default 0.001), iterations (default 2000).
 * @example
 * ```ts
 * import { pendulumLqrGain } from "./experts.ts";
 * import { ok } from "node:assert/strict";
 * const [kPhi, kDot] = pendulumLqrGain();
 * ok(kPhi > 5 && kDot > 1); // u = −K·x pushes back against both the angle and its rate
 * ```
 */
export function pendulumLqrGain(
  opts: { q?: [number, number]; r?: number; iterations?: number } = {},
): [number, number] {
  const { q = [1, 0.1], r = 0.001, iterations = 2000 } = opts;
  const A = [[1 + A_GRAV * DT * DT, DT], [A_GRAV * DT, 1]];
  const B = [B_TORQUE * DT * DT, B_TORQUE * DT];
  let P = [[q[0], 0], [0, q[1]]];
  let K: [number, number] = [0, 0];
  for (let it = 0; it < iterations; it++) {
    const PB = [P[0][0] * B[0] + P[0][1] * B[1], P[1][0] * B[0] + P[1][1] * B[1]]; // P·B
    const s = r + B[0] * PB[0] + B[1] * PB[1]; // R + BᵀPB
    const BtPA = [PB[0] * A[0][0] + PB[1] * A[1][0], PB[0] * A[0][1] + PB[1] * A[1][1]]; // BᵀPA
    K = [BtPA[0] / s, BtPA[1] / s];
    const PA = [
      [P[0][0] * A[0][0] + P[0][1] * A[1][0], P[0][0] * A[0][1] + P[0][1] * A[1][1]],
      [P[1][0] * A[0][0] + P[1][1] * A[1][0], P[1][0] * A[0][1] + P[1][1] * A[1][1]],
    ];
    const next = [[0, 0], [0, 0]];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const AtPA = A[0][i] * PA[0][j] + A[1][i] * PA[1][j];
        next[i][j] = (i === j ? q[i] : 0) + AtPA - BtPA[i] * BtPA[j] / s;
      }
    }
    P = next;
  }
  return K;
}

/** Options of {@link PendulumExpert}. */
export interface PendulumExpertOptions {
  /** LQR takes over when |φ| < switchAngle and |E − E*| < energyBand. Default 0.6 rad. */
  switchAngle?: number;
  /** See switchAngle. Default 6. */
  energyBand?: number;
  /** LQR takes over whatever the energy when |φ| < this. Default 0.25 rad. */
  captureAngle?: number;
  /** The LQR gain; default {@link pendulumLqrGain}(). */
  gain?: [number, number];
}

/**
 * The Pendulum-v1 expert: energy-pumping swing-up far from upright, LQR balance near it.
 *
 * @example
 * ```ts
 * import { PendulumExpert } from "./experts.ts";
 * import { ok } from "node:assert/strict";
 * const expert = new PendulumExpert();
 * const [u] = expert.act(Float32Array.of(Math.cos(0.1), Math.sin(0.1), 0)); // tilted right
 * ok(u < 0 && u >= -2); // pushes back left
 * ```
 */
export class PendulumExpert {
  readonly gain: [number, number];
  readonly #switchCos: number;
  readonly #switchAngle: number;
  readonly #captureAngle: number;
  readonly #energyBand: number;

  constructor(opts: PendulumExpertOptions = {}) {
    const { switchAngle = 0.6, energyBand = 6, captureAngle = 0.25 } = opts;
    this.gain = opts.gain ?? pendulumLqrGain();
    this.#switchAngle = switchAngle;
    this.#switchCos = Math.cos(switchAngle);
    this.#captureAngle = captureAngle;
    this.#energyBand = energyBand;
  }

  /**
   * Torques for a batch of observations.
   * @param obs [B·3] rows (cos θ, sin θ, θ̇)
   * @param out [B] torques in [−2, 2]; a new array by default
   */
  act(obs: Float32Array, out: Float32Array = new Float32Array(obs.length / 3)): Float32Array {
    if (obs.length % 3 !== 0 || out.length !== obs.length / 3) {
      throw new Error(
        `PendulumExpert.act: obs has ${obs.length} values and out ${out.length}, expected 3·B and B`,
      );
    }
    for (let i = 0; i < out.length; i++) {
      const c = obs[3 * i], s = obs[3 * i + 1], w = obs[3 * i + 2];
      const phi = Math.atan2(s, c); // angle_normalize(θ)
      const energy = 0.5 * w * w + A_GRAV * c;
      const near = c > this.#switchCos && Math.abs(phi) < this.#switchAngle &&
        Math.abs(energy - A_GRAV) < this.#energyBand;
      let u: number;
      if (near || Math.abs(phi) < this.#captureAngle) {
        u = -(this.gain[0] * phi + this.gain[1] * w); // LQR
      } else {
        const pump = (A_GRAV - energy) * (w === 0 ? 1 : w); // (E* − E)·θ̇
        u = pump >= 0 ? U_MAX : -U_MAX;
      }
      out[i] = Math.min(U_MAX, Math.max(-U_MAX, u));
    }
    return out;
  }
}

/** Options of {@link PolicyExpert}. */
export interface PolicyExpertOptions {
  /** Maps a raw observation batch [B·S] to the policy's input (e.g. its normalizer); default none. */
  transform?: (obs: Float32Array) => Float32Array;
  /** Per-dimension action bounds [D] the mean action is clipped to; default none (unclipped). */
  low?: ArrayLike<number>;
  /** See low. */
  high?: ArrayLike<number>;
}

/**
 * A trained policy as a deterministic expert: a = clip(μ_θ(f(s)), low, high), with μ_θ the
 * policy's mean action and f its observation transform (the normalizer it was trained with). The
 * same clipped mean action `evaluate` (scripts/eval.ts) scores, so a recorded demonstration's
 * return is the checkpoint's evaluation return on those seeds.
 *
 * @example
 * ```ts
 * import { PolicyExpert } from "./experts.ts";
 * import { GaussianMlpPolicy } from "../lib/policy.ts";
 * import { Rng } from "../lib/rng.ts";
 * import { ok } from "node:assert/strict";
 * const pi = new GaussianMlpPolicy(2, 1, { rng: new Rng(0), hidden: [4] });
 * const expert = new PolicyExpert(pi, { low: [0.25], high: [0.5] });
 * const [a] = expert.act(Float32Array.of(0.5, -0.5)); // μ ≈ 0 (the output layer starts small)
 * ok(a === 0.25); // clipped into [0.25, 0.5]
 * ```
 */
export class PolicyExpert {
  readonly policy: GaussianMlpPolicy;
  readonly #opts: PolicyExpertOptions;
  readonly #rng = new Rng(0); // unused: deterministic actions draw nothing

  constructor(policy: GaussianMlpPolicy, opts: PolicyExpertOptions = {}) {
    const D = policy.actSize;
    for (const [name, b] of [["low", opts.low], ["high", opts.high]] as const) {
      if (b && b.length !== D) {
        throw new Error(
          `PolicyExpert: ${name} has length ${b.length}, expected the action size ${D}`,
        );
      }
    }
    this.policy = policy;
    this.#opts = opts;
  }

  /**
   * Mean actions for a batch of raw observations.
   * @param obs [B·S] raw env observations (the transform is applied here)
   * @returns [B·D] clipped mean actions, a new array
   */
  act(obs: Float32Array): Float32Array {
    const S = this.policy.obsSize, D = this.policy.actSize;
    if (obs.length === 0 || obs.length % S !== 0) {
      throw new Error(
        `PolicyExpert.act: obs has ${obs.length} values, expected a positive multiple of S = ${S}`,
      );
    }
    const { transform, low, high } = this.#opts;
    const x = transform ? transform(obs) : obs;
    const { actions } = this.policy.act(x, this.#rng, { deterministic: true });
    const inf = (sign: number) => new Array(D).fill(sign * Infinity);
    return clipToBox(actions, { low: low ?? inf(-1), high: high ?? inf(1) }, actions);
  }
}

/** Every (observation [N·S], action [N·D]) pair of some episodes, and each episode's return. */
export interface Demonstrations extends Pairs {
  /** The env return of each episode. */
  returns: number[];
}

/**
 * Runs `controller` for `episodes` full episodes of `env` seeded seed, seed + 1, … and records
 * every observation and the action taken in it.
 *
 * @param controller maps observations [B·S] to actions [B·D] (called with B = 1).
 * @param opts env (default "Pendulum-v1"), episodes, seed.
 */
export async function recordDemonstrations(
  controller: { act(obs: Float32Array): Float32Array },
  opts: { env?: string; episodes: number; seed: number },
): Promise<Demonstrations> {
  const env = await makeEnv(opts.env ?? "Pendulum-v1");
  const obsRows: Float32Array[] = [], actRows: Float32Array[] = [], returns: number[] = [];
  try {
    for (let e = 0; e < opts.episodes; e++) {
      let { obs } = env.reset({ seed: opts.seed + e });
      let total = 0;
      for (;;) {
        const action = controller.act(obs);
        obsRows.push(obs.slice());
        actRows.push(action.slice());
        const r = env.step(action);
        total += r.reward;
        obs = r.obs;
        if (r.terminated || r.truncated) break;
      }
      returns.push(total);
    }
  } finally {
    env.close();
  }
  const flat = (rows: Float32Array[]) => {
    const out = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
    let off = 0;
    for (const r of rows) out.set(r, (off += r.length) - r.length);
    return out;
  };
  return { obs: flat(obsRows), actions: flat(actRows), returns };
}
