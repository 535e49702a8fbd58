/**
 * Gymnasium-style wrappers that compose: each takes an {@link Env} and is one.
 *
 * A typical training stack, innermost first (record raw returns before normalizing them):
 *
 * ```ts
 * import { Pendulum } from "./pendulum.ts";
 * import { ClipAction, NormalizeObservation, NormalizeReward, RecordEpisodeStatistics } from "./wrappers.ts";
 * const env = new NormalizeReward(
 *   new NormalizeObservation(new ClipAction(new RecordEpisodeStatistics(new Pendulum()))),
 *   { gamma: 0.99 },
 * );
 * env.reset({ seed: 0 });
 * env.step(new Float32Array([5])); // clipped to 2 before Pendulum sees it
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
  type Env,
  type ResetOptions,
  type ResetResult,
  type Space,
  type StepResult,
} from "./types.ts";

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
    if (!(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps > 0)) {
      throw new Error(
        `TimeLimit: maxEpisodeSteps is ${maxEpisodeSteps}, expected a positive integer`,
      );
    }
    this.maxEpisodeSteps = maxEpisodeSteps;
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
    const { low, high } = boxSpace(this.env.actionSpace, "ClipAction");
    if (action.length !== low.length) return this.env.step(action); // let the env name the error
    for (let i = 0; i < action.length; i++) {
      const a = action[i];
      this.#buf[i] = a < low[i] ? low[i] : a > high[i] ? high[i] : a;
    }
    return this.env.step(this.#buf);
  }
}

/** The JSON-able statistics of a {@link RunningMeanStd}. */
export interface RunningMeanStdStats {
  mean: number[];
  var: number[];
  count: number;
}

/**
 * Running mean and (population) variance of vectors of size S, merged batch by batch with the
 * parallel algorithm of Chan et al. as Gymnasium's RunningMeanStd does:
 *
 * ```text
 * δ = μ_B − μ,  n' = n + n_B
 * μ' = μ + δ·n_B/n'
 * σ²' = (σ²·n + σ²_B·n_B + δ²·n·n_B/n') / n'
 * ```
 * μ, σ², n: current mean, variance, count (initially 0, 1, 1e-4); μ_B, σ²_B, n_B: the batch's.
 *
 * @example
 * ```ts
 * import { RunningMeanStd } from "./wrappers.ts";
 * import { ok } from "node:assert/strict";
 * const rms = new RunningMeanStd(1);
 * rms.update(new Float64Array([1, 2, 3, 4]));
 * ok(Math.abs(rms.mean[0] - 2.5) < 1e-4 && Math.abs(rms.var[0] - 1.25) < 1e-3);
 * ```
 *
 * Reference: Gymnasium `wrappers/utils.py` RunningMeanStd; Chan, Golub, LeVeque (1979).
 */
export class RunningMeanStd {
  readonly size: number;
  mean: Float64Array;
  var: Float64Array;
  count: number;
  #bMean: Float64Array;
  #bVar: Float64Array;

  /** @param size S, the vector size; `options.count` the initial pseudo-count (default 1e-4). */
  constructor(size: number, options: { count?: number } = {}) {
    this.size = size;
    this.mean = new Float64Array(size);
    this.var = new Float64Array(size).fill(1);
    this.count = options.count ?? 1e-4;
    this.#bMean = new Float64Array(size);
    this.#bVar = new Float64Array(size);
  }

  /** Merges a batch `x` [B, S] (row-major, B = x.length / S). */
  update(x: ArrayLike<number>): void {
    const S = this.size;
    if (x.length === 0 || x.length % S !== 0) {
      throw new Error(
        `RunningMeanStd.update: batch has ${x.length} values, expected a positive multiple of ${S}`,
      );
    }
    const B = x.length / S;
    const bm = this.#bMean.fill(0);
    const bv = this.#bVar.fill(0);
    for (let b = 0; b < B; b++) for (let j = 0; j < S; j++) bm[j] += x[b * S + j];
    for (let j = 0; j < S; j++) bm[j] /= B;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < S; j++) bv[j] += (x[b * S + j] - bm[j]) ** 2;
    }
    for (let j = 0; j < S; j++) bv[j] /= B;
    this.updateFromMoments(bm, bv, B);
  }

  /** Merges a batch given by its mean μ_B [S], variance σ²_B [S] and count n_B. */
  updateFromMoments(
    batchMean: ArrayLike<number>,
    batchVar: ArrayLike<number>,
    batchCount: number,
  ): void {
    const n = this.count;
    const total = n + batchCount;
    for (let j = 0; j < this.size; j++) {
      const delta = batchMean[j] - this.mean[j];
      const m2 = this.var[j] * n + batchVar[j] * batchCount +
        delta * delta * n * batchCount / total;
      this.mean[j] += delta * batchCount / total;
      this.var[j] = m2 / total;
    }
    this.count = total;
  }

  /**
   * z = clip((x − μ)/√(σ² + ε), −c, c) for a batch x [B, S] (row-major), as a new array; the
   * statistics are not updated.
   */
  normalize(x: ArrayLike<number>, opts: { epsilon?: number; clip?: number } = {}): Float32Array {
    const { epsilon = 1e-8, clip = 10 } = opts, S = this.size;
    const out = new Float32Array(x.length);
    for (let k = 0; k < x.length; k++) {
      const z = (x[k] - this.mean[k % S]) / Math.sqrt(this.var[k % S] + epsilon);
      out[k] = Math.min(Math.max(z, -clip), clip);
    }
    return out;
  }

  /** A JSON-able copy of the statistics. */
  stats(): RunningMeanStdStats {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  /** Restores statistics from {@link RunningMeanStd.stats}. */
  setStats(s: RunningMeanStdStats): void {
    const S = this.size;
    if (!s || s.mean?.length !== S || s.var?.length !== S || !(s.count > 0)) {
      throw new Error(
        `RunningMeanStd.setStats: got mean/var of lengths ${s?.mean?.length}/${s?.var?.length} and count ${s?.count}, expected ${S}/${S} and count > 0`,
      );
    }
    this.mean.set(s.mean);
    this.var.set(s.var);
    this.count = s.count;
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

/**
 * Scales rewards by the running standard deviation of the discounted return, as Gymnasium does:
 *
 * ```text
 * R ← γ·R·(1 − terminated) + r                (R is not reset on truncation or reset, as in Gymnasium)
 * σ² ← running variance of R                  (updated while training)
 * r' = clip(r / √(σ² + ε), −c, c)             c = clip (default 10)
 * ```
 * γ = `gamma` (default 0.99). The mean is not subtracted (openai/baselines#538).
 *
 * Reference: Gymnasium `NormalizeReward` (stateful_reward.py), plus SB3's ±10 clip.
 */
export class NormalizeReward extends Wrapper {
  training: boolean;
  readonly gamma: number;
  readonly epsilon: number;
  readonly clip: number;
  readonly rms: RunningMeanStd = new RunningMeanStd(1);
  #ret = 0;
  #one = new Float64Array(1);
  /** @param options `gamma` (default 0.99) plus {@link NormalizeOptions}. */
  constructor(env: Env, options: NormalizeOptions & { gamma?: number } = {}) {
    super(env);
    this.gamma = options.gamma ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? 10;
    this.training = options.training ?? true;
  }
  override step(action: Float32Array): StepResult {
    const r = this.env.step(action);
    this.#ret = this.#ret * this.gamma * (r.terminated ? 0 : 1) + r.reward;
    if (this.training) {
      this.#one[0] = this.#ret;
      this.rms.update(this.#one);
    }
    const z = r.reward / Math.sqrt(this.rms.var[0] + this.epsilon);
    r.reward = Math.min(Math.max(z, -this.clip), this.clip);
    return r;
  }
  stats(): NormalizeRewardStats {
    return { ...this.rms.stats(), ret: this.#ret };
  }
  setStats(s: NormalizeRewardStats): void {
    if (!Number.isFinite(s?.ret)) {
      throw new Error(`NormalizeReward.setStats: ret is ${s?.ret}, expected a finite number`);
    }
    this.rms.setStats(s);
    this.#ret = s.ret;
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
