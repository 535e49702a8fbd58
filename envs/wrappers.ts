/**
 * Gymnasium-style wrappers that compose: each takes an {@link Env} and is one.
 *
 * A typical training stack, innermost first (record raw returns before normalizing them):
 *
 * ```ts
 * import { Pendulum } from "./pendulum.ts";
 * import { ClipAction, NormalizeObservation, NormalizeReward, RecordEpisodeStatistics } from "./wrappers.ts";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 * const env = new NormalizeReward(
 *   new NormalizeObservation(new ClipAction(new RecordEpisodeStatistics(new Pendulum()))),
 *   { gamma: 0.99 },
 * );
 * env.reset({ seed: 0 });
 * const r = env.step(new Float32Array([5])); // clipped to 2 before Pendulum sees it
 * ok(r.obs.every((x) => Math.abs(x) <= 10) && Number.isFinite(r.reward));
 * const clipped = new ClipAction(new Pendulum()), bare = new Pendulum();
 * clipped.reset({ seed: 0 }), bare.reset({ seed: 0 });
 * deepStrictEqual(clipped.step(new Float32Array([5])).obs, bare.step(new Float32Array([2])).obs);
 * ```
 *
 * Reference: Gymnasium `gymnasium/wrappers` (TimeLimit, ClipAction, NormalizeObservation,
 * NormalizeReward, RecordEpisodeStatistics) and `gymnasium/wrappers/utils.py` (RunningMeanStd).
 *
 * @module
 */
import {
  type Box,
  boxSpace,
  clipToBox,
  type Env,
  type ResetOptions,
  type ResetResult,
  type Space,
  type StepResult,
} from "./types.ts";
import { RewardScaler, RunningMeanStd, type RunningMeanStdStats } from "../lib/running_stats.ts";
import { checkMaxSteps } from "./checks.ts";

/** Passes every call through to the wrapped env; subclasses override what they change. */
export class Wrapper implements Env {
  /** The wrapped env. */
  readonly env: Env;
  constructor(env: Env) {
    this.env = env;
  }
  get id(): string {
    return this.env.id;
  }
  get observationSpace(): Box {
    return this.env.observationSpace;
  }
  get actionSpace(): Space {
    return this.env.actionSpace;
  }
  reset(opts?: ResetOptions): ResetResult {
    return this.env.reset(opts);
  }
  step(action: Float32Array): StepResult {
    return this.env.step(action);
  }
  getState(): Float64Array {
    return this.env.getState();
  }
  setState(state: Float64Array): void {
    this.env.setState(state);
  }
  close(): void {
    this.env.close();
  }
}

/** Appends `extra` to a state; the wrapper-owned words go last. */
function appendState(inner: Float64Array, extra: number[]): Float64Array {
  const out = new Float64Array(inner.length + extra.length);
  out.set(inner);
  out.set(extra, inner.length);
  return out;
}

/** Splits a state from {@link appendState}, checking it is long enough. */
function splitState(state: Float64Array, k: number, who: string): [Float64Array, Float64Array] {
  if (state.length < k) {
    throw new Error(`${who}.setState: state has length ${state.length}, expected at least ${k}`);
  }
  return [state.subarray(0, state.length - k), state.subarray(state.length - k)];
}

/**
 * Truncates an episode after `maxEpisodeSteps` steps: truncated ← truncated ∨ (t ≥ T_max).
 * The step counter t is appended to `getState()` so a restored env truncates at the same step.
 */
export class TimeLimit extends Wrapper {
  readonly maxEpisodeSteps: number;
  #elapsed = 0;
  /** @param options `maxEpisodeSteps` (required, a positive integer). */
  constructor(env: Env, options: { maxEpisodeSteps: number }) {
    super(env);
    const { maxEpisodeSteps } = options;
    this.maxEpisodeSteps = checkMaxSteps("TimeLimit", maxEpisodeSteps);
  }
  override reset(opts?: ResetOptions): ResetResult {
    this.#elapsed = 0;
    return this.env.reset(opts);
  }
  override step(action: Float32Array): StepResult {
    const r = this.env.step(action);
    this.#elapsed++;
    if (this.#elapsed >= this.maxEpisodeSteps) r.truncated = true;
    return r;
  }
  /** [...inner state, t]. */
  override getState(): Float64Array {
    return appendState(this.env.getState(), [this.#elapsed]);
  }
  override setState(state: Float64Array): void {
    const [inner, [t]] = splitState(state, 1, "TimeLimit");
    this.env.setState(inner);
    this.#elapsed = t;
  }
}

/**
 * Clips each action element to the action space before stepping: a'ᵢ = clip(aᵢ, lowᵢ, highᵢ).
 * Non-finite values pass through so the env still rejects them.
 */
export class ClipAction extends Wrapper {
  #buf: Float32Array;
  constructor(env: Env) {
    super(env);
    this.#buf = new Float32Array(boxSpace(env.actionSpace, "ClipAction").low.length);
  }
  override step(action: Float32Array): StepResult {
    const box = boxSpace(this.env.actionSpace, "ClipAction");
    if (action.length !== box.low.length) return this.env.step(action); // let the env name the error
    return this.env.step(clipToBox(action, box, this.#buf));
  }
}

/** Options shared by the normalizing wrappers. */
export interface NormalizeOptions {
  /** ε in √(σ² + ε) (default 1e-8). */
  epsilon?: number;
  /** Output clipped to [−clip, clip] (default 10, as SB3's VecNormalize; `Infinity` disables). */
  clip?: number;
  /** Update the statistics (default true); set false to freeze them at evaluation. */
  training?: boolean;
}

/**
 * Normalizes observations with running statistics, updated on every reset and step while `training`:
 *
 * ```text
 * o' = clip((o − μ) / √(σ² + ε), −c, c)      μ, σ² [S] running mean/variance of o, c = clip
 * ```
 * Output is float32 [S]. `stats()`/`setStats()` save and restore μ, σ², n for checkpoints.
 *
 * Reference: Gymnasium `NormalizeObservation` (plus SB3's ±10 clip).
 */
export class NormalizeObservation extends Wrapper {
  /** Freeze (false) or continue (true) the statistics. */
  training: boolean;
  readonly epsilon: number;
  readonly clip: number;
  readonly rms: RunningMeanStd;
  constructor(env: Env, options: NormalizeOptions = {}) {
    super(env);
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? 10;
    this.training = options.training ?? true;
    this.rms = new RunningMeanStd(env.observationSpace.low.length);
  }
  override reset(opts?: ResetOptions): ResetResult {
    const r = this.env.reset(opts);
    return { obs: this.normalize(r.obs), info: r.info };
  }
  override step(action: Float32Array): StepResult {
    const r = this.env.step(action);
    r.obs = this.normalize(r.obs);
    return r;
  }
  /** Updates the statistics with `obs` [S] if training, then returns the normalized copy. */
  normalize(obs: Float32Array): Float32Array {
    if (this.training) this.rms.update(obs);
    return this.rms.normalize(obs, { epsilon: this.epsilon, clip: this.clip });
  }
  stats(): RunningMeanStdStats {
    return this.rms.stats();
  }
  setStats(s: RunningMeanStdStats): void {
    this.rms.setStats(s);
  }
}

/** The JSON-able statistics of {@link NormalizeReward}: the return's RunningMeanStd and R. */
export interface NormalizeRewardStats extends RunningMeanStdStats {
  /** The running discounted return R. */
  ret: number;
}

/** Scales rewards by the running standard deviation of the discounted return: {@link RewardScaler} with N = 1. */
export class NormalizeReward extends Wrapper {
  training: boolean;
  readonly scaler: RewardScaler;
  #one = new Float64Array(1);
  /** @param options `gamma` (default 0.99) plus {@link NormalizeOptions}. */
  constructor(env: Env, options: NormalizeOptions & { gamma?: number } = {}) {
    super(env);
    this.scaler = new RewardScaler(1, options);
    this.training = options.training ?? true;
  }
  get rms(): RunningMeanStd {
    return this.scaler.rms;
  }
  override step(action: Float32Array): StepResult {
    const r = this.env.step(action);
    this.#one[0] = r.reward;
    this.scaler.scale(this.#one, [r.terminated ? 1 : 0], this.training);
    r.reward = this.#one[0];
    return r;
  }
  stats(): NormalizeRewardStats {
    return { ...this.rms.stats(), ret: this.scaler.returns[0] };
  }
  setStats(s: NormalizeRewardStats): void {
    if (!Number.isFinite(s?.ret)) {
      throw new Error(`NormalizeReward.setStats: ret is ${s?.ret}, expected a finite number`);
    }
    this.rms.setStats(s);
    this.scaler.returns[0] = s.ret;
  }
}

/**
 * Accumulates the episode return Σ r and length; on the step that ends an episode (terminated or
 * truncated) adds `info.episode_return` and `info.episode_length`. Both counters are appended to
 * `getState()`.
 *
 * Reference: Gymnasium `RecordEpisodeStatistics` (info["episode"]["r"], ["l"]).
 */
export class RecordEpisodeStatistics extends Wrapper {
  #return = 0;
  #length = 0;
  override reset(opts?: ResetOptions): ResetResult {
    this.#return = 0;
    this.#length = 0;
    return this.env.reset(opts);
  }
  override step(action: Float32Array): StepResult {
    const r = this.env.step(action);
    this.#return += r.reward;
    this.#length++;
    if (r.terminated || r.truncated) {
      r.info = { ...r.info, episode_return: this.#return, episode_length: this.#length };
      this.#return = 0;
      this.#length = 0;
    }
    return r;
  }
  /** [...inner state, episode return so far, episode length so far]. */
  override getState(): Float64Array {
    return appendState(this.env.getState(), [this.#return, this.#length]);
  }
  override setState(state: Float64Array): void {
    const [inner, [ret, len]] = splitState(state, 2, "RecordEpisodeStatistics");
    this.env.setState(inner);
    this.#return = ret;
    this.#length = len;
  }
}
