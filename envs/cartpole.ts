/**
 * CartPole-v1: balance a pole on a cart pushed left or right, exactly as Gymnasium defines it.
 *
 * Reference: Gymnasium `gymnasium/envs/classic_control/cartpole.py` (CartPole-v1); A. G. Barto,
 * R. S. Sutton and C. W. Anderson (1983); /work/shared/reference/envs-suite.md §5.
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

const ID = "CartPole-v1";
const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const THETA_THRESHOLD = 12 * 2 * Math.PI / 360; // 12° in radians
const X_THRESHOLD = 2.4;
const STATE_NAMES = ["x", "x_dot", "theta", "theta_dot", "elapsedSteps", "stepsBeyondTerminated"];

/** Options for {@link CartPole}. */
export interface CartPoleOptions extends EnvOptions {
  /** Truncate after this many steps (default 500; `Infinity` disables the limit). */
  maxEpisodeSteps?: number;
  /** Gymnasium's `sutton_barto_reward`: 0 per step and −1 on termination (default false). */
  suttonBartoReward?: boolean;
}

/**
 * Gymnasium CartPole-v1 with its 500-step time limit built in.
 *
 * ```text
 * F     = +10 if a = 1 else −10
 * temp  = (F + m_p·l·θ̇²·sin θ) / (m_c + m_p)
 * θ̈     = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ/(m_c + m_p)))
 * ẍ     = temp − m_p·l·θ̈·cos θ/(m_c + m_p)
 * x' = x + τ·ẋ,  ẋ' = ẋ + τ·ẍ,  θ' = θ + τ·θ̇,  θ̇' = θ̇ + τ·θ̈            (explicit Euler, float64)
 * terminated = |x'| > 2.4 ∨ |θ'| > 12°,   reward = 1 (also on the terminating step; 0 after it)
 * ```
 * x is the cart position, θ the pole angle (0 upright), g = 9.8, m_c = 1, m_p = 0.1, l = 0.5
 * (half the pole), τ = 0.02, a ∈ {0, 1} the action. obs = [x, ẋ, θ, θ̇] (float32).
 * State: `getState()` = [x, ẋ, θ, θ̇, elapsedSteps, stepsBeyondTerminated] (−1: not terminated).
 *
 * @example
 * ```ts
 * import { CartPole } from "./cartpole.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = new CartPole();
 * env.reset({ seed: 0 });
 * strictEqual(env.step(new Float32Array([1])).reward, 1);
 * ```
 *
 * Reference: Gymnasium CartPole-v1 (Farama Foundation).
 */
export class CartPole implements Env {
  readonly id = ID;
  readonly observationSpace: Box = {
    shape: [4],
    low: new Float32Array([-X_THRESHOLD * 2, -Infinity, -THETA_THRESHOLD * 2, -Infinity]),
    high: new Float32Array([X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity]),
  };
  readonly actionSpace: Discrete = { kind: "discrete", n: 2 };
  readonly maxEpisodeSteps: number;
  readonly suttonBartoReward: boolean;
  #rng: Rng;
  #s = new Float64Array(4); // [x, ẋ, θ, θ̇]
  #elapsed = 0;
  #beyond = -1; // Gymnasium's steps_beyond_terminated, −1 for None
  #ready = false;
  #closed = false;

  /** @param options `maxEpisodeSteps` (default 500), `suttonBartoReward` (false), `rng` (`new Rng(0)`). */
  constructor(options: CartPoleOptions = {}) {
    const { maxEpisodeSteps = 500, suttonBartoReward = false, rng = new Rng(0) } = options;
    this.maxEpisodeSteps = checkMaxSteps(ID, maxEpisodeSteps, { allowInfinity: true });
    this.suttonBartoReward = suttonBartoReward;
    this.#rng = rng;
  }

  /** Draws [x, ẋ, θ, θ̇] ~ U(low, high)⁴ (options `low`, `high`; defaults ∓0.05) from the env's Rng. */
  reset(opts: ResetOptions = {}): ResetResult {
    this.#check("reset");
    const [low, high] = resetBounds(ID, opts, -0.05, 0.05);
    reseed(this.#rng, opts.seed);
    for (let i = 0; i < 4; i++) this.#s[i] = this.#rng.uniform(low, high);
    this.#elapsed = 0;
    this.#beyond = -1;
    this.#ready = true;
    return { obs: Float32Array.from(this.#s), info: {} };
  }

  /** Pushes the cart for τ = 0.02 s with action [1] ∈ {0: left, 1: right}; see the class doc. */
  step(action: Float32Array): StepResult {
    this.#check("step");
    if (!this.#ready) throw new Error(`${ID}.step: called before reset() or setState()`);
    const a = discreteAction(ID, action, 2);
    const s = this.#s;
    const [x, xDot, theta, thetaDot] = s;
    const force = a === 1 ? FORCE_MAG : -FORCE_MAG;
    const cosTheta = Math.cos(theta), sinTheta = Math.sin(theta);
    const temp = (force + POLEMASS_LENGTH * (thetaDot * thetaDot) * sinTheta) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sinTheta - cosTheta * temp) /
      (LENGTH * (4.0 / 3.0 - MASS_POLE * (cosTheta * cosTheta) / TOTAL_MASS));
    const xAcc = temp - POLEMASS_LENGTH * thetaAcc * cosTheta / TOTAL_MASS;
    s[0] = x + TAU * xDot;
    s[1] = xDot + TAU * xAcc;
    s[2] = theta + TAU * thetaDot;
    s[3] = thetaDot + TAU * thetaAcc;
    this.#elapsed++;
    const terminated = s[0] < -X_THRESHOLD || s[0] > X_THRESHOLD || s[2] < -THETA_THRESHOLD ||
      s[2] > THETA_THRESHOLD;
    const sb = this.suttonBartoReward;
    let reward: number;
    if (!terminated) reward = sb ? 0 : 1;
    else if (this.#beyond === -1) {
      this.#beyond = 0;
      reward = sb ? -1 : 1;
    } else {
      this.#beyond++;
      reward = sb ? -1 : 0;
    }
    return {
      obs: Float32Array.from(s),
      reward,
      terminated,
      truncated: this.#elapsed >= this.maxEpisodeSteps,
      info: {},
    };
  }

  /** [x, ẋ, θ, θ̇, elapsedSteps, stepsBeyondTerminated], a fresh Float64Array [6]. */
  getState(): Float64Array {
    this.#check("getState");
    return Float64Array.of(...this.#s, this.#elapsed, this.#beyond);
  }

  /** Restores a state from {@link CartPole.getState} exactly. */
  setState(state: Float64Array): void {
    this.#check("setState");
    checkState(ID, state, STATE_NAMES, { 4: [0, Infinity], 5: [-1, Infinity] });
    this.#s.set(state.subarray(0, 4));
    this.#elapsed = state[4];
    this.#beyond = state[5];
    this.#ready = true;
  }

  /** Marks the env closed (it holds no native memory). */
  close(): void {
    this.#closed = true;
  }

  #check(what: string): void {
    if (this.#closed) throw new Error(`${ID}.${what}: the env is closed`);
  }
}
