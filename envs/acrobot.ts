/**
 * Acrobot-v1: swing a two-link pendulum, actuated at the elbow, until its tip rises one link
 * length above the pivot, exactly as Gymnasium defines it (the "book" dynamics, one RK4 step).
 *
 * Reference: Gymnasium `gymnasium/envs/classic_control/acrobot.py` (Acrobot-v1); R. S. Sutton and
 * A. G. Barto, "Reinforcement Learning: An Introduction" (1998), §11.3; /work/shared/reference/envs-suite.md §5.
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps, reseed } from "./checks.ts";
import { checkState, discreteAction, resetBounds } from "./classic.ts";
import type {
  Box,
  Discrete,
  Env,
  EnvOptions,
  ResetOptions,
  ResetResult,
  StepResult,
} from "./types.ts";

const ID = "Acrobot-v1";
const DT = 0.2;
const L1 = 1.0; // link 1 length
const M1 = 1.0, M2 = 1.0; // link masses
const LC1 = 0.5, LC2 = 0.5; // centre-of-mass positions
const I1 = 1.0, I2 = 1.0; // moments of inertia
const G = 9.8;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const TORQUES = [-1.0, 0.0, 1.0];
const STATE_NAMES = ["theta1", "theta2", "dtheta1", "dtheta2", "elapsedSteps"];

/** Options for {@link Acrobot}. */
export interface AcrobotOptions extends EnvOptions {
  /** Truncate after this many steps (default 500; `Infinity` disables the limit). */
  maxEpisodeSteps?: number;
}

/**
 * ds/dt of the augmented state s = [θ₁, θ₂, θ̇₁, θ̇₂, τ] under the "book" equations, into `out`.
 *
 * ```text
 * d₁  = m₁·lc₁² + m₂·(l₁² + lc₂² + 2·l₁·lc₂·cos θ₂) + I₁ + I₂
 * d₂  = m₂·(lc₂² + l₁·lc₂·cos θ₂) + I₂
 * φ₂  = m₂·lc₂·g·cos(θ₁ + θ₂ − π/2)
 * φ₁  = −m₂·l₁·lc₂·θ̇₂²·sin θ₂ − 2·m₂·l₁·lc₂·θ̇₂·θ̇₁·sin θ₂ + (m₁·lc₁ + m₂·l₁)·g·cos(θ₁ − π/2) + φ₂
 * θ̈₂  = (τ + d₂/d₁·φ₁ − m₂·l₁·lc₂·θ̇₁²·sin θ₂ − φ₂) / (m₂·lc₂² + I₂ − d₂²/d₁)
 * θ̈₁  = −(d₂·θ̈₂ + φ₁)/d₁
 * ```
 * The operations run in Gymnasium's order, so float64 results match it bit for bit (up to libm).
 */
function dsdt(s: Float64Array, out: Float64Array): void {
  const [theta1, theta2, dtheta1, dtheta2, a] = s;
  const cos2 = Math.cos(theta2), sin2 = Math.sin(theta2);
  const d1 = M1 * (LC1 * LC1) + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * cos2) + I1 + I2;
  const d2 = M2 * (LC2 * LC2 + L1 * LC2 * cos2) + I2;
  const phi2 = M2 * LC2 * G * Math.cos(theta1 + theta2 - Math.PI / 2.0);
  const phi1 = -M2 * L1 * LC2 * (dtheta2 * dtheta2) * sin2 -
    2 * M2 * L1 * LC2 * dtheta2 * dtheta1 * sin2 +
    (M1 * LC1 + M2 * L1) * G * Math.cos(theta1 - Math.PI / 2) + phi2;
  const ddtheta2 = (a + d2 / d1 * phi1 - M2 * L1 * LC2 * (dtheta1 * dtheta1) * sin2 - phi2) /
    (M2 * (LC2 * LC2) + I2 - (d2 * d2) / d1);
  out[0] = dtheta1;
  out[1] = dtheta2;
  out[2] = -(d2 * ddtheta2 + phi1) / d1;
  out[3] = ddtheta2;
  out[4] = 0.0;
}

/** Gymnasium's `wrap`: while x > M subtract M − m; while x < m add it. */
function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  while (x > M) x = x - diff;
  while (x < m) x = x + diff;
  return x;
}

/**
 * Gymnasium Acrobot-v1 with its 500-step time limit built in.
 *
 * ```text
 * τ          = [−1, 0, +1][a]
 * s'         = RK4(ds/dt, [θ₁, θ₂, θ̇₁, θ̇₂, τ], h = 0.2): one step, k₁…k₄, s + h/6·(k₁ + 2k₂ + 2k₃ + k₄)
 * θ₁', θ₂'   wrapped into [−π, π];  θ̇₁' clipped to ±4π, θ̇₂' to ±9π
 * terminated = −cos θ₁' − cos(θ₁' + θ₂') > 1,   reward = −1, or 0 on the terminating step
 * obs        = [cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂] (float32)
 * ```
 * θ₁ is the first link's angle from hanging down, θ₂ the second's relative to the first, a ∈ {0, 1, 2}.
 * State: `getState()` = [θ₁, θ₂, θ̇₁, θ̇₂, elapsedSteps]; reset draws U(−0.1, 0.1)⁴ cast to float32.
 *
 * @example
 * ```ts
 * import { Acrobot } from "./acrobot.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = new Acrobot();
 * env.reset({ seed: 0 });
 * strictEqual(env.step(new Float32Array([2])).reward, -1);
 * ```
 *
 * Reference: Gymnasium Acrobot-v1 (Farama Foundation).
 */
export class Acrobot implements Env {
  readonly id = ID;
  readonly observationSpace: Box = {
    shape: [6],
    low: new Float32Array([-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2]),
    high: new Float32Array([1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2]),
  };
  readonly actionSpace: Discrete = { kind: "discrete", n: 3 };
  readonly maxEpisodeSteps: number;
  #rng: Rng;
  #s = new Float64Array(4); // [θ₁, θ₂, θ̇₁, θ̇₂]
  #y = new Float64Array(5); // RK4 scratch: augmented state and the four slopes
  #k = [1, 2, 3, 4].map(() => new Float64Array(5));
  #elapsed = 0;
  #ready = false;
  #closed = false;

  /** @param options `maxEpisodeSteps` (default 500), `rng` (default `new Rng(0)`). */
  constructor(options: AcrobotOptions = {}) {
    const { maxEpisodeSteps = 500, rng = new Rng(0) } = options;
    this.maxEpisodeSteps = checkMaxSteps(ID, maxEpisodeSteps, { allowInfinity: true });
    this.#rng = rng;
  }

  /** Draws [θ₁, θ₂, θ̇₁, θ̇₂] ~ U(low, high)⁴ (defaults ∓0.1), each rounded to float32. */
  reset(opts: ResetOptions = {}): ResetResult {
    this.#check("reset");
    const [low, high] = resetBounds(ID, opts, -0.1, 0.1);
    reseed(this.#rng, opts.seed);
    for (let i = 0; i < 4; i++) this.#s[i] = Math.fround(this.#rng.uniform(low, high));
    this.#elapsed = 0;
    this.#ready = true;
    return { obs: this.#obs(), info: {} };
  }

  /** Applies torque [−1, 0, +1][a] for 0.2 s (one RK4 step), action [1] ∈ {0, 1, 2}. */
  step(action: Float32Array): StepResult {
    this.#check("step");
    if (!this.#ready) throw new Error(`${ID}.step: called before reset() or setState()`);
    const a = discreteAction(ID, action, 3);
    const s = this.#s, y = this.#y, [k1, k2, k3, k4] = this.#k;
    const y0 = Float64Array.of(s[0], s[1], s[2], s[3], TORQUES[a]);
    const dt = DT, dt2 = dt / 2.0; // one step over [0, 0.2]
    dsdt(y0, k1);
    for (let i = 0; i < 5; i++) y[i] = y0[i] + dt2 * k1[i];
    dsdt(y, k2);
    for (let i = 0; i < 5; i++) y[i] = y0[i] + dt2 * k2[i];
    dsdt(y, k3);
    for (let i = 0; i < 5; i++) y[i] = y0[i] + dt * k3[i];
    dsdt(y, k4);
    for (let i = 0; i < 4; i++) {
      s[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
    }
    s[0] = wrap(s[0], -Math.PI, Math.PI);
    s[1] = wrap(s[1], -Math.PI, Math.PI);
    s[2] = Math.min(Math.max(s[2], -MAX_VEL_1), MAX_VEL_1);
    s[3] = Math.min(Math.max(s[3], -MAX_VEL_2), MAX_VEL_2);
    this.#elapsed++;
    const terminated = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
    return {
      obs: this.#obs(),
      reward: terminated ? 0.0 : -1.0,
      terminated,
      truncated: this.#elapsed >= this.maxEpisodeSteps,
      info: {},
    };
  }

  /** [θ₁, θ₂, θ̇₁, θ̇₂, elapsedSteps], a fresh Float64Array [5]. */
  getState(): Float64Array {
    this.#check("getState");
    return Float64Array.of(...this.#s, this.#elapsed);
  }

  /** Restores a state from {@link Acrobot.getState} exactly. */
  setState(state: Float64Array): void {
    this.#check("setState");
    checkState(ID, state, STATE_NAMES, { 4: [0, Infinity] });
    this.#s.set(state.subarray(0, 4));
    this.#elapsed = state[4];
    this.#ready = true;
  }

  /** Marks the env closed (it holds no native memory). */
  close(): void {
    this.#closed = true;
  }

  #obs(): Float32Array {
    const [t1, t2, d1, d2] = this.#s;
    return Float32Array.of(Math.cos(t1), Math.sin(t1), Math.cos(t2), Math.sin(t2), d1, d2);
  }

  #check(what: string): void {
    if (this.#closed) throw new Error(`${ID}.${what}: the env is closed`);
  }
}
