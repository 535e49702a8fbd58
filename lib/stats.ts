/**
 * Statistics for reporting RL results in the rliable style: point estimates over runs (mean, IQM),
 * stratified-bootstrap confidence intervals, normalized scores, performance profiles, the
 * probability of improvement, sample-efficiency curves and their area, and std helpers whose names
 * say which convention they use.
 *
 * Notation (as in the reference): M tasks, N runs (seeds) per task; x_{m,n} is the score of run n on
 * task m, itself a mean over E evaluation episodes. This file sees only numbers and a seeded
 * {@link Rng}: nothing of envs, policies or tensors.
 *
 * Reference: R. Agarwal et al., "Deep Reinforcement Learning at the Edge of the Statistical
 * Precipice" (NeurIPS 2021) and its library rliable; P. Henderson et al., "Deep Reinforcement
 * Learning that Matters" (AAAI 2018).
 *
 * @module
 */
import type { Rng } from "./rng.ts";

/** A point estimate with the bounds of its confidence interval: low ≤ high. */
export interface Interval {
  point: number;
  low: number;
  high: number;
}

/** Point estimates and pointwise CI bounds over a grid `x` (τ values, or env steps). */
export interface Band {
  x: number[];
  point: number[];
  low: number[];
  high: number[];
}

/** Options of every bootstrap in this file. */
export interface BootstrapOptions {
  /** Draws the resample indices: the same seed gives the same CI. */
  rng: Rng;
  /** R, the number of bootstrap resamples. Default 2000 (the reference asks R ≥ 2000). */
  resamples?: number;
  /** The CI's coverage 1 − α. Default 0.95: the 2.5th and 97.5th percentiles. */
  confidence?: number;
}

/** Reference scores of one task for {@link normalizeScores}, with where they come from. */
export interface ReferenceScores {
  /** r_m: the score of a uniform-random policy (measured, ≥ 100 episodes). */
  random: number;
  /** t_m: the target, e.g. a published baseline or the env's reward threshold. */
  reference: number;
  /** Where r_m and t_m come from, for the report. */
  source?: string;
}

function checkScores(name: string, xs: readonly number[]): void {
  if (xs.length === 0) throw new Error(`${name}: needs at least one score, got an empty array`);
  const i = xs.findIndex((x) => typeof x !== "number" || !Number.isFinite(x));
  if (i >= 0) throw new Error(`${name}: score ${i} is ${xs[i]}, expected a finite number`);
}

/**
 * The arithmetic mean of the scores.
 *
 * ```text
 * x̄ = (1/n) Σᵢ xᵢ          n: number of scores
 * ```
 *
 * @param xs [n] scores, n ≥ 1.
 * @example
 * ```ts
 * import { mean } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(mean([1, 2, 6]), 3);
 * ```
 * Reference: Agarwal et al. (2021), "Mean".
 */
export function mean(xs: readonly number[]): number {
  checkScores("mean", xs);
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function sumSquaredDeviations(xs: readonly number[]): number {
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s;
}

/**
 * The population std: divides by n. It describes these n values, not a larger population.
 *
 * ```text
 * σ = √( (1/n) Σᵢ (xᵢ − x̄)² )
 * ```
 *
 * @param xs [n] scores, n ≥ 1 (σ = 0 at n = 1).
 * @example
 * ```ts
 * import { populationStd } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(populationStd([1, 3]), 1);
 * ```
 * Reference: Agarwal et al. (2021); the reference's "Spread: say which".
 */
export function populationStd(xs: readonly number[]): number {
  return Math.sqrt(sumSquaredDeviations(xs) / xs.length);
}

/**
 * The sample std: divides by n − 1 (Bessel's correction), the usual estimate of the spread across
 * seeds. It is √(n/(n−1)) times the population std: 22 % larger at n = 3, 12 % at n = 5.
 *
 * ```text
 * s = √( (1/(n−1)) Σᵢ (xᵢ − x̄)² )
 * ```
 *
 * @param xs [n] scores, n ≥ 2; one score has no sample std (print "n = 1" instead).
 * @example
 * ```ts
 * import { sampleStd } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(sampleStd([1, 3]), Math.SQRT2);
 * ```
 * Reference: the reference's "Spread: say which".
 */
export function sampleStd(xs: readonly number[]): number {
  if (xs.length < 2) {
    throw new Error(`sampleStd: needs n ≥ 2 scores, got ${xs.length} (print "n = 1" instead)`);
  }
  return Math.sqrt(sumSquaredDeviations(xs) / (xs.length - 1));
}

/**
 * The scores kept by a symmetric trimmed mean, sorted: ⌊p·n⌋ are dropped from each end, as
 * `scipy.stats.trim_mean(x, p)` (which rliable's IQM calls) does when p·n is fractional.
 *
 * ```text
 * k = ⌊p·n⌋,   kept = x₍ₖ₊₁₎ … x₍ₙ₋ₖ₎      x₍ᵢ₎: the i-th smallest score
 * ```
 *
 * @param xs [n] scores, n ≥ 1.
 * @param proportion p ∈ [0, 0.5): the fraction cut from each end. Default 0.25 (the IQM's).
 * @example
 * ```ts
 * import { trimmed } from "./stats.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(trimmed([9, 1, 5, 3, 7, 2]), [2, 3, 5, 7]); // n = 6: k = ⌊1.5⌋ = 1
 * ```
 * Reference: SciPy `scipy.stats.trim_mean`; rliable `metrics.aggregate_iqm`.
 */
export function trimmed(xs: readonly number[], proportion = 0.25): number[] {
  checkScores("trimmed", xs);
  if (!(proportion >= 0 && proportion < 0.5)) {
    throw new Error(`trimmed: proportion is ${proportion}, expected a number in [0, 0.5)`);
  }
  const k = Math.floor(proportion * xs.length);
  return Array.from(Float64Array.from(xs).sort().subarray(k, xs.length - k)); // numeric sort
}

/**
 * The interquartile mean: the mean of the middle 50 % of the scores, robust to outliers yet less
 * variable than the median.
 *
 * ```text
 * IQM(x) = mean(trimmed(x, 0.25)),   k = ⌊n/4⌋ dropped from each end
 * ```
 *
 * @param xs [n] scores, n ≥ 1 (with n < 4 nothing is trimmed: the IQM is the mean).
 * @example
 * ```ts
 * import { iqm } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(iqm([1, 2, 3, 4, 5, 6, 7, 1000]), 4.5); // mean of 3, 4, 5, 6
 * ```
 * Reference: Agarwal et al. (2021), "IQM"; rliable `metrics.aggregate_iqm`.
 */
export function iqm(xs: readonly number[]): number {
  return mean(trimmed(xs, 0.25));
}

/** The q-quantile of sorted values with linear interpolation (NumPy's default percentile). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q, lo = Math.floor(h), hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * The stratified bootstrap with percentile CIs, for any statistic of the strata returning K numbers.
 *
 * ```text
 * for r = 1 … R:  for each stratum m independently, draw N_m of its N_m items with replacement;
 *                 θ*_r = statistic(resampled strata) ∈ ℝᴷ
 * point_k = statistic(strata)_k
 * [low_k, high_k] = [Q_{α/2}(θ*_{·,k}), Q_{1−α/2}(θ*_{·,k})]   α = 1 − confidence
 * ```
 *
 * Q is the empirical quantile with linear interpolation (NumPy's default). A stratum is a task (its
 * runs), so every task keeps its N runs; with one stratum this is the ordinary bootstrap.
 *
 * @param strata [M][N_m] items (scores, or whole learning curves); every N_m ≥ 1.
 * @param statistic maps strata to K numbers; called R + 1 times.
 * @example
 * ```ts
 * import { stratifiedBootstrap } from "./stats.ts";
 * import { Rng } from "./rng.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const ci = stratifiedBootstrap([[0, 0], [1, 1]], (s) => [s[1][0] - s[0][0]], { rng: new Rng(0) });
 * deepStrictEqual(ci, { point: [1], low: [1], high: [1] }); // resampling stays inside each task
 * ```
 * Reference: Agarwal et al. (2021), "stratified bootstrap confidence intervals"; B. Efron and
 * R. Tibshirani, "An Introduction to the Bootstrap" (1993), the percentile method.
 */
export function stratifiedBootstrap<T>(
  strata: readonly (readonly T[])[],
  statistic: (strata: T[][]) => number[],
  opts: BootstrapOptions,
): { point: number[]; low: number[]; high: number[] } {
  const { rng, resamples: R = 2000, confidence = 0.95 } = opts;
  if (!(Number.isInteger(R) && R >= 1)) {
    throw new Error(`bootstrap: resamples is ${R}, expected an integer ≥ 1`);
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new Error(`bootstrap: confidence is ${confidence}, expected a number in (0, 1)`);
  }
  if (strata.length === 0 || strata.some((s) => s.length === 0)) {
    throw new Error(
      `bootstrap: needs ≥ 1 stratum, each with ≥ 1 item; got sizes [${
        strata.map((s) => s.length).join(", ")
      }]`,
    );
  }
  const point = statistic(strata.map((s) => [...s]));
  const K = point.length;
  const draws = Array.from({ length: K }, () => new Float64Array(R)); // θ*_{r,k}
  for (let r = 0; r < R; r++) {
    const theta = statistic(strata.map((s) => Array.from(s, () => s[rng.int(s.length)])));
    for (let k = 0; k < K; k++) draws[k][r] = theta[k];
  }
  const alpha = 1 - confidence;
  const low: number[] = [], high: number[] = [];
  for (const d of draws) {
    d.sort();
    low.push(quantileSorted(d, alpha / 2));
    high.push(quantileSorted(d, 1 - alpha / 2));
  }
  return { point, low, high };
}

/**
 * A statistic of the pooled scores of all tasks with its stratified-bootstrap CI: the normalized-
 * score IQM across tasks is `aggregate(normalized, iqm, opts)`.
 *
 * ```text
 * point = statistic(⋃ₘ {x_{m,1} … x_{m,N}}),   CI: {@link stratifiedBootstrap} over tasks
 * ```
 *
 * @param tasks [M][N] scores (normalize them first when M > 1: tasks have different scales).
 * @param statistic e.g. {@link iqm} or {@link mean}, applied to the M·N pooled scores.
 * @example
 * ```ts
 * import { aggregate, iqm } from "./stats.ts";
 * import { Rng } from "./rng.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const ci = aggregate([[0, 1, 2, 3], [4, 5, 6, 100]], iqm, { rng: new Rng(1) });
 * strictEqual(ci.point, 3.5); // pooled 0 1 | 2 3 4 5 | 6 100: k = ⌊8/4⌋ = 2 dropped from each end
 * ok(ci.low <= ci.point && ci.point <= ci.high);
 * ```
 * Reference: Agarwal et al. (2021); rliable `library.get_interval_estimates`.
 */
export function aggregate(
  tasks: readonly (readonly number[])[],
  statistic: (pooled: number[]) => number,
  opts: BootstrapOptions,
): Interval {
  tasks.forEach((t, m) => checkScores(`aggregate: task ${m}`, t));
  const r = stratifiedBootstrap(tasks, (s) => [statistic(s.flat())], opts);
  return { point: r.point[0], low: r.low[0], high: r.high[0] };
}

/**
 * One task's runs summarized: n, and the mean and IQM over runs, each with a bootstrap CI drawn
 * from the same resamples.
 *
 * ```text
 * mean = (1/N) Σₙ xₙ,   IQM = mean of the middle 50 %,   CIs: percentile bootstrap over runs
 * ```
 *
 * @param runs [N] per-run scores (each a mean over E ≥ 10 evaluation episodes).
 * @example
 * ```ts
 * import { taskSummary } from "./stats.ts";
 * import { Rng } from "./rng.ts";
 * import { ok, strictEqual } from "node:assert/strict";
 * const s = taskSummary([-150, -160, -170, -900], { rng: new Rng(2), resamples: 500 });
 * strictEqual(s.iqm.point, -165); // n = 4: drop −900 and −150
 * strictEqual(s.mean.point, -345);
 * ok(s.mean.low < s.mean.high);
 * ```
 * Reference: Agarwal et al. (2021), "per task".
 */
export function taskSummary(
  runs: readonly number[],
  opts: BootstrapOptions,
): { n: number; mean: Interval; iqm: Interval } {
  checkScores("taskSummary", runs);
  const r = stratifiedBootstrap([runs], ([s]) => [mean(s), iqm(s)], opts);
  const at = (k: number) => ({ point: r.point[k], low: r.low[k], high: r.high[k] });
  return { n: runs.length, mean: at(0), iqm: at(1) };
}

/**
 * Min–max normalized scores, task by task, so that tasks of different scales can be pooled.
 *
 * ```text
 * x̃_{m,n} = (x_{m,n} − r_m) / (t_m − r_m)      r_m: random-policy score, t_m: reference score
 * ```
 *
 * @param tasks [M][N] raw scores.
 * @param refs [M] reference scores, one per task, with t_m ≠ r_m.
 * @example
 * ```ts
 * import { normalizeScores } from "./stats.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const refs = [{ random: -1200, reference: -200, source: "random: measured; target: threshold" }];
 * deepStrictEqual(normalizeScores([[-1200, -700, -200]], refs), [[0, 0.5, 1]]);
 * ```
 * Reference: Agarwal et al. (2021), "normalized score".
 */
export function normalizeScores(
  tasks: readonly (readonly number[])[],
  refs: readonly ReferenceScores[],
): number[][] {
  if (tasks.length !== refs.length) {
    throw new Error(`normalizeScores: ${tasks.length} tasks but ${refs.length} reference scores`);
  }
  return tasks.map((xs, m) => {
    const { random: r, reference: t } = refs[m];
    if (!(Number.isFinite(r) && Number.isFinite(t) && t !== r)) {
      throw new Error(`normalizeScores: task ${m} has random ${r} and reference ${t}; need t ≠ r`);
    }
    checkScores(`normalizeScores: task ${m}`, xs);
    return xs.map((x) => (x - r) / (t - r));
  });
}

/**
 * The performance profile (score distribution): the fraction of all runs scoring above τ, at each
 * τ of a grid, with pointwise stratified-bootstrap bands.
 *
 * ```text
 * F(τ) = (1/(M·N)) Σₘ Σₙ 𝟙[x̃_{m,n} > τ]
 * ```
 *
 * @param tasks [M][N] normalized scores.
 * @param taus [T] thresholds τ.
 * @example
 * ```ts
 * import { performanceProfile } from "./stats.ts";
 * import { Rng } from "./rng.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const p = performanceProfile([[0.1, 0.5], [0.5, 0.9]], [0, 0.5, 1], { rng: new Rng(0) });
 * deepStrictEqual(p.point, [1, 0.25, 0]); // strictly above τ: 0.5 is not above 0.5
 * ```
 * Reference: Agarwal et al. (2021), "performance profiles"; rliable `plot_utils.plot_performance_profiles`.
 */
export function performanceProfile(
  tasks: readonly (readonly number[])[],
  taus: readonly number[],
  opts: BootstrapOptions,
): Band {
  tasks.forEach((t, m) => checkScores(`performanceProfile: task ${m}`, t));
  checkScores("performanceProfile: taus", taus);
  const fractions = (s: number[][]) => {
    const pooled = s.flat();
    return taus.map((tau) => pooled.filter((x) => x > tau).length / pooled.length);
  };
  return { x: [...taus], ...stratifiedBootstrap(tasks, fractions, opts) };
}

/**
 * P_m: the normalized Mann–Whitney U statistic of one task, ties counted as ½: the chance that a
 * random run of X beats a random run of Y.
 *
 * ```text
 * P_m = (1/(N_X·N_Y)) Σᵢ Σⱼ S(xᵢ, yⱼ),   S(a, b) = 1 if a > b, ½ if a = b, 0 if a < b
 * ```
 *
 * @param xs [N_X] scores of X on one task; @param ys [N_Y] scores of Y on it.
 * @example
 * ```ts
 * import { winRate } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(winRate([3, 1], [1, 2, 0]), 0.75); // (1 + 1 + 1) + (½ + 0 + 1) = 4.5 of 6 pairs
 * ```
 * Reference: Agarwal et al. (2021), "probability of improvement".
 */
export function winRate(xs: readonly number[], ys: readonly number[]): number {
  let s = 0;
  for (const x of xs) for (const y of ys) s += x > y ? 1 : x === y ? 0.5 : 0;
  return s / (xs.length * ys.length);
}

/**
 * The probability of improvement of X over Y: the chance that a random run of X beats a random run
 * of Y on the same task, averaged over tasks, with a CI that resamples X's and Y's runs
 * independently within each task.
 *
 * ```text
 * S(a, b) = 1 if a > b, ½ if a = b, 0 if a < b
 * P_m = (1/(N_X·N_Y)) Σᵢ Σⱼ S(x_{m,i}, y_{m,j})
 * P(X > Y) = (1/M) Σₘ P_m
 * ```
 *
 * P > 0.5 with the CI's low bound above 0.5: X is likely better; a CI containing 0.5: no detectable
 * difference. No normalization is needed: P_m depends only on the order of scores within a task.
 *
 * @param x [M][N_X] scores of algorithm X.
 * @param y [M][N_Y] scores of algorithm Y on the same M tasks.
 * @example
 * ```ts
 * import { probabilityOfImprovement } from "./stats.ts";
 * import { Rng } from "./rng.ts";
 * import { strictEqual } from "node:assert/strict";
 * const p = probabilityOfImprovement([[3, 1]], [[1, 2, 0]], { rng: new Rng(0) });
 * strictEqual(p.point, 0.75); // 3 beats all three (3); 1 ties 1 (½), loses to 2, beats 0 (1): 4.5 / 6
 * ```
 * Reference: Agarwal et al. (2021), "probability of improvement"; rliable
 * `metrics.probability_of_improvement`.
 */
export function probabilityOfImprovement(
  x: readonly (readonly number[])[],
  y: readonly (readonly number[])[],
  opts: BootstrapOptions,
): Interval {
  if (x.length !== y.length) {
    throw new Error(`probabilityOfImprovement: X has ${x.length} tasks, Y has ${y.length}`);
  }
  x.forEach((t, m) => checkScores(`probabilityOfImprovement: X task ${m}`, t));
  y.forEach((t, m) => checkScores(`probabilityOfImprovement: Y task ${m}`, t));
  const M = x.length;
  const p = (s: number[][]) => [mean(s.slice(0, M).map((xs, m) => winRate(xs, s[M + m])))];
  const r = stratifiedBootstrap([...x, ...y], p, opts); // 2M strata: X's and Y's runs apart
  return { point: r.point[0], low: r.low[0], high: r.high[0] };
}

/**
 * A sample-efficiency curve: at every env step of a shared grid, the IQM (or mean) of all runs'
 * scores there, with a band from resampling whole runs (curves) within each task.
 *
 * ```text
 * c(s_g) = statistic({ x̃_{m,n}(s_g) : all m, n }),   g = 0 … G−1
 * ```
 *
 * @param tasks [M][N][G] each run's evaluation score at each grid step (normalized when M > 1).
 * @param steps [G] the env-step grid, strictly increasing, the same for every run and algorithm.
 * @param opts bootstrap options; `statistic` defaults to {@link iqm}.
 * @example
 * ```ts
 * import { sampleEfficiencyCurve } from "./stats.ts";
 * import { Rng } from "./rng.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const runs = [[[0, 0.5, 1], [0, 0.5, 1]]]; // one task, two identical runs
 * const c = sampleEfficiencyCurve(runs, [0, 1000, 2000], { rng: new Rng(0) });
 * deepStrictEqual(c, { x: [0, 1000, 2000], point: [0, 0.5, 1], low: [0, 0.5, 1], high: [0, 0.5, 1] });
 * ```
 * Reference: Agarwal et al. (2021), "sample efficiency curves".
 */
export function sampleEfficiencyCurve(
  tasks: readonly (readonly (readonly number[])[])[],
  steps: readonly number[],
  opts: BootstrapOptions & { statistic?: (pooled: number[]) => number },
): Band {
  checkGrid("sampleEfficiencyCurve", steps);
  tasks.forEach((runs, m) =>
    runs.forEach((curve, n) => {
      if (curve.length !== steps.length) {
        throw new Error(
          `sampleEfficiencyCurve: task ${m} run ${n} has ${curve.length} grid points, the grid ` +
            `has ${steps.length}: evaluate every run on the same env-step grid`,
        );
      }
      checkScores(`sampleEfficiencyCurve: task ${m} run ${n}`, curve);
    })
  );
  const statistic = opts.statistic ?? iqm;
  const curve = (s: (readonly number[])[][]) =>
    steps.map((_, g) => statistic(s.flatMap((runs) => runs.map((c) => c[g]))));
  return { x: [...steps], ...stratifiedBootstrap(tasks, curve, opts) };
}

function checkGrid(name: string, steps: readonly number[]): void {
  checkScores(`${name}: steps`, steps);
  for (let g = 1; g < steps.length; g++) {
    if (!(steps[g] > steps[g - 1])) {
      throw new Error(
        `${name}: steps must increase, but step ${g} is ${steps[g]} after ${steps[g - 1]}`,
      );
    }
  }
}

/**
 * The area under a curve by the trapezoid rule; normalized, it is the curve's mean height over the
 * budget, free of the grid artefact of steps-to-threshold. For a CI, compute it per run and pass
 * the per-run areas to {@link taskSummary} or {@link aggregate}.
 *
 * ```text
 * AUC = Σ_{g=0}^{G−2} (s_{g+1} − s_g) · (v_g + v_{g+1}) / 2
 * normalized: AUC / (s_{G−1} − s_0)
 * ```
 *
 * @param steps [G] env steps, strictly increasing, G ≥ 2.
 * @param values [G] the score at each step.
 * @param opts `normalize` (default false): divide by the budget s_{G−1} − s_0.
 * @example
 * ```ts
 * import { auc } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(auc([0, 10, 30], [0, 1, 3]), 45); // 10·(0 + 1)/2 + 20·(1 + 3)/2
 * strictEqual(auc([0, 10, 30], [0, 1, 3], { normalize: true }), 1.5);
 * ```
 * Reference: Agarwal et al. (2021); the reference's "Sample efficiency".
 */
export function auc(
  steps: readonly number[],
  values: readonly number[],
  opts: { normalize?: boolean } = {},
): number {
  checkGrid("auc", steps);
  checkScores("auc: values", values);
  if (steps.length < 2 || values.length !== steps.length) {
    throw new Error(
      `auc: needs G ≥ 2 steps and as many values; ` +
        `got ${steps.length} steps and ${values.length} values`,
    );
  }
  let a = 0;
  for (let g = 0; g + 1 < steps.length; g++) {
    a += (steps[g + 1] - steps[g]) * (values[g] + values[g + 1]) / 2;
  }
  return opts.normalize ? a / (steps[steps.length - 1] - steps[0]) : a;
}

/**
 * Formats a mean with its std and the std's convention: "−180.3 ± 12.1 (sample std over 5 seeds)";
 * a single run prints "−180.3 (n = 1)", never "± 0.0".
 *
 * ```text
 * n ≥ 2:  x̄ ± s (sample std over n unit)   or   x̄ ± σ (population std over n unit)
 * n = 1:  x₁ (n = 1)
 * ```
 *
 * @param xs [n] scores, n ≥ 1.
 * @param opts `std`: which convention (required, so that every ± is labelled); `digits` (default 1);
 *   `unit` (default "runs").
 * @example
 * ```ts
 * import { formatMeanStd } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(formatMeanStd([1, 3], { std: "sample", unit: "seeds" }), "2.0 ± 1.4 (sample std over 2 seeds)");
 * strictEqual(formatMeanStd([1, 3], { std: "population" }), "2.0 ± 1.0 (population std over 2 runs)");
 * strictEqual(formatMeanStd([-180.25], { std: "sample" }), "-180.3 (n = 1)");
 * ```
 * Reference: the reference's "Spread: say which".
 */
export function formatMeanStd(
  xs: readonly number[],
  opts: { std: "sample" | "population"; digits?: number; unit?: string },
): string {
  const { std, digits = 1, unit = "runs" } = opts;
  if (std !== "sample" && std !== "population") {
    throw new Error(`formatMeanStd: std is "${std}", expected "sample" or "population"`);
  }
  const m = mean(xs).toFixed(digits);
  if (xs.length === 1) return `${m} (n = 1)`;
  const s = (std === "sample" ? sampleStd(xs) : populationStd(xs)).toFixed(digits);
  return `${m} ± ${s} (${std} std over ${xs.length} ${unit})`;
}

/**
 * Formats a point estimate with its CI: "0.82 [0.71, 0.90] (95 % bootstrap CI, n = 5 runs)"; a
 * single run prints "0.82 (n = 1)", since one run has no interval.
 *
 * ```text
 * n ≥ 2:  point [low, high] (100·(1 − α) % bootstrap CI, n = N unit)
 * n = 1:  point (n = 1)
 * ```
 *
 * @param interval the estimate, e.g. `taskSummary(...).iqm`.
 * @param opts `n` runs behind it (per task); `digits` (default 2); `unit` (default "runs");
 *   `confidence` (default 0.95, as in {@link BootstrapOptions}).
 * @example
 * ```ts
 * import { formatInterval } from "./stats.ts";
 * import { strictEqual } from "node:assert/strict";
 * const iv = { point: 0.8213, low: 0.71, high: 0.9 };
 * strictEqual(formatInterval(iv, { n: 5 }), "0.82 [0.71, 0.90] (95 % bootstrap CI, n = 5 runs)");
 * strictEqual(formatInterval(iv, { n: 1 }), "0.82 (n = 1)");
 * ```
 * Reference: Agarwal et al. (2021), reporting "IQM 0.82 [0.71, 0.90]".
 */
export function formatInterval(
  interval: Interval,
  opts: { n: number; digits?: number; unit?: string; confidence?: number },
): string {
  const { n, digits = 2, unit = "runs", confidence = 0.95 } = opts;
  if (!(Number.isInteger(n) && n >= 1)) {
    throw new Error(`formatInterval: n is ${n}, expected an integer ≥ 1`);
  }
  const f = (v: number) => v.toFixed(digits);
  if (n === 1) return `${f(interval.point)} (n = 1)`;
  const pct = +(100 * confidence).toFixed(1);
  return `${f(interval.point)} [${f(interval.low)}, ${
    f(interval.high)
  }] (${pct} % bootstrap CI, n = ${n} ${unit})`;
}
