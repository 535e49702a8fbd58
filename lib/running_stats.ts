/**
 * Running statistics shared by the observation and reward normalizers: {@link RunningMeanStd} (a
 * mean and variance merged batch by batch) and {@link RewardScaler} (rewards ÷ the running std of
 * the discounted return). The trainers and the envs' wrappers (envs/wrappers.ts) both use them, so
 * they sit below both.
 *
 * Reference: Gymnasium `wrappers/utils.py` (RunningMeanStd) and `NormalizeReward`.
 *
 * @module
 */

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
 * import { RunningMeanStd } from "./running_stats.ts";
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

/**
 * Scales N parallel reward streams by the running standard deviation of their discounted returns,
 * as Gymnasium's NormalizeReward (and its vector version) does — the one implementation, used by
 * NormalizeReward (envs/wrappers.ts, N = 1) and by PPO's `--norm-reward` (N envs):
 *
 * ```text
 * R_i ← γ·R_i·(1 − terminated_i) + r_i        (R is not reset on truncation or reset, as in Gymnasium)
 * σ² ← running variance of R                  (the N values R_i merged per step, while training)
 * r'_i = clip(r_i / √(σ² + ε), −c, c)         c = clip (default 10, as SB3's VecNormalize)
 * ```
 * γ = `gamma` (default 0.99). The mean is not subtracted (openai/baselines#538).
 *
 * @example
 * ```ts
 * import { RewardScaler } from "./running_stats.ts";
 * import { ok } from "node:assert/strict";
 * const s = new RewardScaler(2, { gamma: 0.5 });
 * const r = new Float64Array([2, 4]);
 * s.scale(r, [0, 0]); // R = [2, 4]: σ² ≈ 1 (the batch's variance, merged with the prior 1)
 * ok(Math.abs(r[0] - 2 / Math.sqrt(s.rms.var[0] + 1e-8)) < 1e-12 && s.returns[1] === 4);
 * ```
 *
 * Reference: Gymnasium `NormalizeReward` (wrappers/stateful_reward.py, wrappers/vector/stateful_reward.py).
 */
export class RewardScaler {
  readonly gamma: number;
  readonly epsilon: number;
  readonly clip: number;
  readonly rms: RunningMeanStd = new RunningMeanStd(1);
  /** R_i, the running discounted returns [N]. */
  readonly returns: Float64Array;
  /** @param n N, the number of streams @param options `gamma` (default 0.99), ε, c */
  constructor(n: number, options: { gamma?: number; epsilon?: number; clip?: number } = {}) {
    this.returns = new Float64Array(n);
    this.gamma = options.gamma ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    this.clip = options.clip ?? 10;
  }
  /** Scales one step's rewards [N] in place; `training` (default true) updates σ². */
  scale(rewards: Float64Array, terminated: ArrayLike<number>, training = true): void {
    const R = this.returns;
    for (let i = 0; i < R.length; i++) {
      R[i] = R[i] * this.gamma * (terminated[i] ? 0 : 1) + rewards[i];
    }
    if (training) this.rms.update(R);
    const sd = Math.sqrt(this.rms.var[0] + this.epsilon);
    for (let i = 0; i < R.length; i++) {
      rewards[i] = Math.min(Math.max(rewards[i] / sd, -this.clip), this.clip);
    }
  }
}
