/**
 * Pendulum-v1: swing a frictionless pendulum up and hold it upright, exactly as Gymnasium defines it.
 *
 * Reference: Gymnasium `gymnasium/envs/classic_control/pendulum.py` (Pendulum-v1);
 * /work/shared/reference/envs.md.
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps, reseed } from "./checks.ts";
import type { Box, Env, EnvOptions, Info, ResetOptions, ResetResult, StepResult } from "./types.ts";

const MAX_SPEED = 8;
const MAX_TORQUE = 2;
const DT = 0.05;
const M = 1;
const L = 1;
const F32_0_001 = Math.fround(0.001); // the float32 constant numpy uses in 0.001·u² (u is float32)
const F32_3 = Math.fround(3 / (M * L ** 2)); // 3/(m·l²) as the float32 factor of 3·u

/**
 * angle_normalize(x) = ((x + π) mod 2π) − π with floor-mod, so the result lies in [−π, π).
 * Like numpy, 2π is added only to a negative fmod remainder (no second rounding for x + π ≥ 0).
 *
 * @example
 * ```ts
 * import { angleNormalize } from "./pendulum.ts";
 * import { ok } from "node:assert/strict";
 * ok(Math.abs(angleNormalize(-3 * Math.PI / 2) - Math.PI / 2) < 1e-12);
 * ```
 */
export function angleNormalize(x: number): number {
  const twoPi = 2 * Math.PI;
  let m = (x + Math.PI) % twoPi; // fmod: keeps the sign of the dividend
  if (m < 0) m += twoPi; // floor-mod as numpy's npy_divmod does; ((a % b) + b) % b would round twice
  return m - Math.PI;
}

/** Options for {@link Pendulum}. */
export interface PendulumOptions extends EnvOptions {
  /** Gravity g (default 10). */
  g?: number;
  /** Truncate after this many steps (default 200; `Infinity` disables the limit). */
  maxEpisodeSteps?: number;
}

/**
 * Gymnasium Pendulum-v1 with its 200-step time limit built in.
 *
 * ```text
 * u      = clip(a, −2, 2)                                       (float32)
 * cost   = angle_normalize(θ)² + 0.1·θ̇² + 0.001·u²              (old θ, θ̇; 0.001·u² in float32)
 * θ̇'     = clip(θ̇ + (3g/(2l)·sin θ + 3/(m·l²)·u)·dt, −8, 8)     (3·u in float32)
 * θ'     = θ + θ̇'·dt                                            (semi-implicit Euler, θ never wrapped)
 * obs    = [cos θ', sin θ', θ̇']  (float32),  reward = −cost ∈ [−16.2736044, 0]
 * ```
 * θ is the angle (0 upright), θ̇ its rate, a the action [1], g = 10, m = l = 1, dt = 0.05.
 * State: `getState()` = [θ, θ̇, elapsedSteps] (Float64Array [3]).
 *
 * @example
 * ```ts
 * import { Pendulum } from "./pendulum.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = new Pendulum();
 * env.reset({ seed: 1 });
 * const { reward, truncated } = env.step(new Float32Array([0.5]));
 * strictEqual(reward <= 0 && !truncated, true);
 * ```
 *
 * Reference: Gymnasium Pendulum-v1 (Farama Foundation).
 */
export class Pendulum implements Env {
  readonly id = "Pendulum-v1";
  readonly observationSpace: Box = {
    shape: [3],
    low: new Float32Array([-1, -1, -MAX_SPEED]),
    high: new Float32Array([1, 1, MAX_SPEED]),
  };
  readonly actionSpace: Box = {
    shape: [1],
    low: new Float32Array([-MAX_TORQUE]),
    high: new Float32Array([MAX_TORQUE]),
  };
  readonly g: number;
  readonly maxEpisodeSteps: number;
  #rng: Rng;
  #th = 0;
  #thdot = 0;
  #elapsed = 0;
  #ready = false;
  #closed = false;

  /** @param options `g` (default 10), `maxEpisodeSteps` (default 200), `rng` (default `new Rng(0)`). */
  constructor(options: PendulumOptions = {}) {
    const { g = 10, maxEpisodeSteps = 200, rng = new Rng(0) } = options;
    if (!Number.isFinite(g)) {
      throw new Error(`Pendulum-v1: option g is ${g}, expected a finite number`);
    }
    this.g = g;
    this.maxEpisodeSteps = checkMaxSteps("Pendulum-v1", maxEpisodeSteps, { allowInfinity: true });
    this.#rng = rng;
  }

  /**
   * Draws θ ~ U(−x_init, x_init) and θ̇ ~ U(−y_init, y_init) (defaults π and 1) from the env's Rng;
   * `seed` first reseeds it in place to the state of `new Rng(seed)` (the caller keeps the same object).
   */
  reset(opts: ResetOptions = {}): ResetResult {
    this.#check("reset");
    const xInit = opts.options?.x_init ?? Math.PI;
    const yInit = opts.options?.y_init ?? 1;
    if (!Number.isFinite(xInit) || !Number.isFinite(yInit)) {
      throw new Error(
        `Pendulum-v1.reset: x_init = ${xInit}, y_init = ${yInit}; expected finite numbers`,
      );
    }
    reseed(this.#rng, opts.seed);
    this.#th = this.#rng.uniform(-xInit, xInit);
    this.#thdot = this.#rng.uniform(-yInit, yInit);
    this.#elapsed = 0;
    this.#ready = true;
    return { obs: this.#obs(), info: {} };
  }

  /** Advances one dt = 0.05 under torque `action` [1]; see the class doc for the formulas. */
  step(action: Float32Array): StepResult {
    this.#check("step");
    if (!this.#ready) throw new Error("Pendulum-v1.step: called before reset() or setState()");
    if (action.length !== 1) {
      throw new Error(`Pendulum-v1.step: action has length ${action.length}, expected 1`);
    }
    if (!Number.isFinite(action[0])) {
      throw new Error(`Pendulum-v1.step: action[0] is ${action[0]}; actions must be finite`);
    }
    const th = this.#th;
    const thdot = this.#thdot;
    const u = Math.fround(Math.min(Math.max(action[0], -MAX_TORQUE), MAX_TORQUE));
    const an = angleNormalize(th);
    const ctrlCost = Math.fround(F32_0_001 * Math.fround(u * u)); // float32: 0.001·u²
    const cost = an * an + 0.1 * (thdot * thdot) + ctrlCost; // x*x, not x ** 2: V8 pow can be 1 ulp off
    const torqueTerm = Math.fround(F32_3 * u); // float32: 3/(m·l²)·u
    let newThdot = thdot + ((3 * this.g) / (2 * L) * Math.sin(th) + torqueTerm) * DT;
    newThdot = Math.min(Math.max(newThdot, -MAX_SPEED), MAX_SPEED);
    this.#th = th + newThdot * DT;
    this.#thdot = newThdot;
    this.#elapsed++;
    const info: Info = {};
    return {
      obs: this.#obs(),
      reward: -cost,
      terminated: false,
      truncated: this.#elapsed >= this.maxEpisodeSteps,
      info,
    };
  }

  /** [θ, θ̇, elapsedSteps], a fresh Float64Array [3]. */
  getState(): Float64Array {
    this.#check("getState");
    return new Float64Array([this.#th, this.#thdot, this.#elapsed]);
  }

  /** Restores [θ, θ̇, elapsedSteps] exactly (including the time-limit counter). */
  setState(state: Float64Array): void {
    this.#check("setState");
    if (state.length !== 3) {
      throw new Error(
        `Pendulum-v1.setState: state has length ${state.length}, expected 3 [th, thdot, elapsedSteps]`,
      );
    }
    const [th, thdot, elapsed] = state;
    if (
      !Number.isFinite(th) || !Number.isFinite(thdot) ||
      !(Number.isInteger(elapsed) && elapsed >= 0)
    ) {
      throw new Error(
        `Pendulum-v1.setState: state is [${th}, ${thdot}, ${elapsed}], expected finite th, thdot and an integer elapsedSteps ≥ 0`,
      );
    }
    this.#th = th;
    this.#thdot = thdot;
    this.#elapsed = elapsed;
    this.#ready = true;
  }

  /** Marks the env closed (it holds no native memory). */
  close(): void {
    this.#closed = true;
  }

  #obs(): Float32Array {
    return new Float32Array([Math.cos(this.#th), Math.sin(this.#th), this.#thdot]);
  }

  #check(what: string): void {
    if (this.#closed) throw new Error(`Pendulum-v1.${what}: the env is closed`);
  }
}
