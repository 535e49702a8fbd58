/**
 * MountainCar-v0 (three discrete pushes) and MountainCarContinuous-v0 (a continuous force): drive
 * an underpowered car up a hill by rocking it, exactly as Gymnasium defines them.
 *
 * Reference: Gymnasium `gymnasium/envs/classic_control/mountain_car.py` and
 * `continuous_mountain_car.py`; A. W. Moore, PhD thesis (1990); /work/shared/reference/envs-suite.md §5.
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { checkMaxSteps, reseed } from "./checks.ts";
import { checkBoxAction, checkState, discreteAction, resetBounds } from "./classic.ts";
import type {
  Box,
  Discrete,
  Env,
  EnvOptions,
  ResetOptions,
  ResetResult,
  StepResult,
} from "./types.ts";

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const FORCE = 0.001;
const GRAVITY = 0.0025;
const POWER = 0.0015; // MountainCarContinuous
const f32 = Math.fround;

/** Options for {@link MountainCar} and {@link MountainCarContinuous}. */
export interface MountainCarOptions extends EnvOptions {
  /** Truncate after this many steps (defaults 200 and 999; `Infinity` disables the limit). */
  maxEpisodeSteps?: number;
  /** The goal also needs velocity ≥ this (Gymnasium's `goal_velocity`, default 0). */
  goalVelocity?: number;
}

const observationSpace = (): Box => ({
  shape: [2],
  low: new Float32Array([MIN_POSITION, -MAX_SPEED]),
  high: new Float32Array([MAX_POSITION, MAX_SPEED]),
});

/** The shared part of both cars: options, reset, the time limit, closing. */
abstract class Car {
  abstract readonly id: string;
  readonly observationSpace: Box = observationSpace();
  readonly maxEpisodeSteps: number;
  readonly goalVelocity: number;
  protected p = 0; // position
  protected v = 0; // velocity
  protected elapsed = 0;
  protected ready = false;
  #rng: Rng;
  #closed = false;

  constructor(id: string, options: MountainCarOptions, defaultSteps: number) {
    const { maxEpisodeSteps = defaultSteps, goalVelocity = 0, rng = new Rng(0) } = options;
    this.maxEpisodeSteps = checkMaxSteps(id, maxEpisodeSteps, { allowInfinity: true });
    if (!Number.isFinite(goalVelocity)) {
      throw new Error(`${id}: option goalVelocity is ${goalVelocity}, expected a finite number`);
    }
    this.goalVelocity = goalVelocity;
    this.#rng = rng;
  }

  /** Draws position ~ U(low, high) (defaults −0.6, −0.4) and sets velocity 0. */
  reset(opts: ResetOptions = {}): ResetResult {
    this.check("reset");
    const [low, high] = resetBounds(this.id, opts, -0.6, -0.4);
    reseed(this.#rng, opts.seed);
    this.p = this.#rng.uniform(low, high);
    this.v = 0;
    this.elapsed = 0;
    this.afterReset();
    this.ready = true;
    return { obs: Float32Array.of(this.p, this.v), info: {} };
  }

  /** Marks the env closed (it holds no native memory). */
  close(): void {
    this.#closed = true;
  }

  protected afterReset(): void {}

  protected check(what: string): void {
    if (this.#closed) throw new Error(`${this.id}.${what}: the env is closed`);
    if (what === "step" && !this.ready) {
      throw new Error(`${this.id}.step: called before reset() or setState()`);
    }
  }
}

/**
 * Gymnasium MountainCar-v0 with its 200-step time limit built in (float64 throughout).
 *
 * ```text
 * v' = clip(v + (a − 1)·0.001 + cos(3p)·(−0.0025), −0.07, 0.07)
 * p' = clip(p + v', −1.2, 0.6);   v' = 0 if p' = −1.2 and v' < 0      (the left wall)
 * terminated = p' ≥ 0.5 ∧ v' ≥ goal_velocity,   reward = −1 (also on the terminating step)
 * ```
 * p is the position, v the velocity, a ∈ {0: push left, 1: none, 2: push right}. obs = [p, v] (float32).
 * State: `getState()` = [p, v, elapsedSteps].
 *
 * @example
 * ```ts
 * import { MountainCar } from "./mountain_car.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = new MountainCar();
 * env.reset({ seed: 0 });
 * strictEqual(env.step(new Float32Array([2])).reward, -1);
 * ```
 *
 * Reference: Gymnasium MountainCar-v0 (Farama Foundation).
 */
export class MountainCar extends Car implements Env {
  readonly id = "MountainCar-v0";
  readonly actionSpace: Discrete = { kind: "discrete", n: 3 };

  /** @param options `maxEpisodeSteps` (default 200), `goalVelocity` (0), `rng` (`new Rng(0)`). */
  constructor(options: MountainCarOptions = {}) {
    super("MountainCar-v0", options, 200);
  }

  /** One step under action [1] ∈ {0, 1, 2}; see the class doc. */
  step(action: Float32Array): StepResult {
    this.check("step");
    const a = discreteAction(this.id, action, 3);
    let v = this.v + ((a - 1) * FORCE + Math.cos(3 * this.p) * -GRAVITY);
    v = Math.min(Math.max(v, -MAX_SPEED), MAX_SPEED);
    const p = Math.min(Math.max(this.p + v, MIN_POSITION), MAX_POSITION);
    if (p === MIN_POSITION && v < 0) v = 0;
    [this.p, this.v] = [p, v];
    this.elapsed++;
    const terminated = p >= 0.5 && v >= this.goalVelocity;
    return {
      obs: Float32Array.of(p, v),
      reward: -1.0,
      terminated,
      truncated: this.elapsed >= this.maxEpisodeSteps,
      info: {},
    };
  }

  /** [p, v, elapsedSteps], a fresh Float64Array [3]. */
  getState(): Float64Array {
    this.check("getState");
    return Float64Array.of(this.p, this.v, this.elapsed);
  }

  /** Restores a state from {@link MountainCar.getState} exactly. */
  setState(state: Float64Array): void {
    this.check("setState");
    checkState(this.id, state, ["position", "velocity", "elapsedSteps"], { 2: [0, Infinity] });
    [this.p, this.v, this.elapsed] = state;
    this.ready = true;
  }
}

/**
 * Gymnasium MountainCarContinuous-v0 with its 999-step time limit built in.
 *
 * ```text
 * F  = clip(a, −1, 1)
 * v' = clip(v + F·0.0015 − 0.0025·cos(3p), −0.07, 0.07)
 * p' = clip(p + v', −1.2, 0.6);   v' = 0 if p' = −1.2 and v' < 0      (the left wall)
 * terminated = p' ≥ 0.45 ∧ v' ≥ goal_velocity
 * reward     = 100·[terminated] − 0.1·a²                                (a unclipped)
 * ```
 * p is the position, v the velocity, a the action [1]. The state is stored as float32 after each
 * step (the obs is that state); as under NumPy ≥ 2, arithmetic with a float32 operand runs in
 * float32 (Python constants adopt float32), while the first step after reset reads float64 p, v.
 * State: `getState()` = [p, v, elapsedSteps, stateIsFloat32 (0 after reset, 1 after a step)].
 *
 * @example
 * ```ts
 * import { MountainCarContinuous } from "./mountain_car.ts";
 * import { ok } from "node:assert/strict";
 * const env = new MountainCarContinuous();
 * env.reset({ seed: 0 });
 * ok(Math.abs(env.step(new Float32Array([0.5])).reward + 0.025) < 1e-12);
 * ```
 *
 * Reference: Gymnasium MountainCarContinuous-v0 (Farama Foundation).
 */
export class MountainCarContinuous extends Car implements Env {
  readonly id = "MountainCarContinuous-v0";
  readonly actionSpace: Box = {
    shape: [1],
    low: new Float32Array([-1]),
    high: new Float32Array([1]),
  };
  #f32 = false; // the state is a float32 array (after a step), not reset's float64 one

  /** @param options `maxEpisodeSteps` (default 999), `goalVelocity` (0), `rng` (`new Rng(0)`). */
  constructor(options: MountainCarOptions = {}) {
    super("MountainCarContinuous-v0", options, 999);
  }

  /** One step under force [1]; see the class doc for the formulas and the float32 rules. */
  step(action: Float32Array): StepResult {
    this.check("step");
    checkBoxAction(this.id, action, 1);
    const a = action[0], s32 = this.#f32;
    // Each value's NumPy type decides its arithmetic: s32/vF32/pF32 mark a float32, else float64.
    const clipped = a < -1 || a > 1; // min(max(a, −1.0), 1.0) returns a Python float only when it clips
    const force = clipped ? (a < -1 ? -1.0 : 1.0) : a;
    const cosTerm = 0.0025 * Math.cos(s32 ? f32(3 * this.p) : 3 * this.p); // a Python float
    const accel = clipped ? force * POWER - cosTerm : f32(f32(force * f32(POWER)) - f32(cosTerm));
    let v: number, vF32: boolean;
    if (s32) [v, vF32] = [f32(this.v + (clipped ? f32(accel) : accel)), true];
    else [v, vF32] = [this.v + accel, false];
    if (v > (vF32 ? f32(MAX_SPEED) : MAX_SPEED)) [v, vF32] = [MAX_SPEED, false];
    if (v < (vF32 ? f32(-MAX_SPEED) : -MAX_SPEED)) [v, vF32] = [-MAX_SPEED, false];
    let p = s32 ? f32(this.p + (vF32 ? v : f32(v))) : this.p + v, pF32 = s32;
    if (p > (pF32 ? f32(MAX_POSITION) : MAX_POSITION)) [p, pF32] = [MAX_POSITION, false];
    if (p < (pF32 ? f32(MIN_POSITION) : MIN_POSITION)) [p, pF32] = [MIN_POSITION, false];
    if (p === (pF32 ? f32(MIN_POSITION) : MIN_POSITION) && v < 0) v = 0;
    const goal = pF32 ? f32(0.45) : 0.45, goalV = vF32 ? f32(this.goalVelocity) : this.goalVelocity;
    const terminated = p >= goal && v >= goalV;
    const reward = (terminated ? 100.0 : 0) - a * a * 0.1;
    [this.p, this.v, this.#f32] = [f32(p), f32(v), true];
    this.elapsed++;
    return {
      obs: Float32Array.of(this.p, this.v),
      reward,
      terminated,
      truncated: this.elapsed >= this.maxEpisodeSteps,
      info: {},
    };
  }

  /** [p, v, elapsedSteps, stateIsFloat32], a fresh Float64Array [4]. */
  getState(): Float64Array {
    this.check("getState");
    return Float64Array.of(this.p, this.v, this.elapsed, this.#f32 ? 1 : 0);
  }

  /** Restores a state from {@link MountainCarContinuous.getState} exactly. */
  setState(state: Float64Array): void {
    this.check("setState");
    const names = ["position", "velocity", "elapsedSteps", "stateIsFloat32"];
    checkState(this.id, state, names, { 2: [0, Infinity], 3: [0, 1] });
    if (state[3] === 1 && (f32(state[0]) !== state[0] || f32(state[1]) !== state[1])) {
      throw new Error(
        `${this.id}.setState: state is [${state}]; with stateIsFloat32 = 1, position and velocity must be float32 values`,
      );
    }
    [this.p, this.v, this.elapsed] = state;
    this.#f32 = state[3] === 1;
    this.ready = true;
  }

  protected override afterReset(): void {
    this.#f32 = false;
  }
}
