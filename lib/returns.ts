/**
 * Advantage estimators: GAE for PPO, and GRPO's group-relative advantages.
 *
 * All arrays are time-major [T, N]: element t·N + i is step t of env (or group member) i.
 *
 * Reference: Schulman et al., "High-Dimensional Continuous Control Using GAE" (2016);
 * Shao et al., DeepSeekMath (arXiv 2402.03300) §4.1.2–4.1.3; Liu et al., Dr. GRPO (arXiv 2503.20783);
 * Yu et al., DAPO (arXiv 2503.14476).
 *
 * @module
 */

/**
 * Generalized advantage estimation.
 *
 * ```text
 * δ_t = r_t + γ·V(s_{t+1})·(1 − terminated_t) − V(s_t)
 * Â_t = δ_t + γλ·(1 − done_t)·Â_{t+1},   R_t = Â_t + V(s_t)
 * ```
 * `nextValues[t·N+i]` is V(s_{t+1}) of the same episode: for a truncated step it is V(s_T) of the
 * final observation, so truncated episodes bootstrap instead of counting as terminal.
 *
 * @param rewards r, [T, N] @param values V(s_t), [T, N] @param nextValues V(s_{t+1}), [T, N]
 * @param terminated [T, N] 1 at terminal steps @param dones [T, N] 1 where the episode ended (terminated or truncated)
 * @returns advantages Â and returns R, each [T, N]
 * @example
 * ```ts
 * import { gae } from "./returns.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * // λ = 0: Â = δ = r + γV' − V
 * const { advantages } = gae([1, 1], [0, 0], [2, 0], [0, 1], [0, 1], { numEnvs: 1, gamma: 0.5, lambda: 0 });
 * deepStrictEqual(Array.from(advantages), [2, 1]);
 * ```
 */
export function gae(
  rewards: ArrayLike<number>,
  values: ArrayLike<number>,
  nextValues: ArrayLike<number>,
  terminated: ArrayLike<number>,
  dones: ArrayLike<number>,
  opts: { numEnvs: number; gamma: number; lambda: number },
): { advantages: Float32Array; returns: Float32Array } {
  const { numEnvs: N, gamma, lambda } = opts;
  const n = rewards.length;
  for (
    const [name, a] of [
      ["values", values],
      ["nextValues", nextValues],
      ["terminated", terminated],
      ["dones", dones],
    ] as const
  ) {
    if (a.length !== n) {
      throw new Error(`gae: ${name} has length ${a.length}, expected ${n} like rewards`);
    }
  }
  if (n % N !== 0) throw new Error(`gae: ${n} rewards do not divide into numEnvs = ${N} columns`);
  const advantages = new Float32Array(n), returns = new Float32Array(n);
  for (let i = 0; i < N; i++) {
    let next = 0;
    for (let k = n - N + i; k >= 0; k -= N) {
      const delta = rewards[k] + gamma * nextValues[k] * (1 - terminated[k]) - values[k];
      next = delta + gamma * lambda * (1 - dones[k]) * next;
      advantages[k] = next;
      returns[k] = next + values[k];
    }
  }
  return { advantages, returns };
}

/** How group rewards are scaled after centring (TRL's `scale_rewards`). */
export type ScaleRewards = "group" | "batch" | "none";
/** Outcome: one z-score per trajectory. Process: per-step normalization, then reward-to-go. */
export type AdvantageMode = "outcome" | "process";

/** Options for {@link groupAdvantages}. */
export interface GroupAdvantageOptions {
  /** N, the number of members (columns of the [T, N] arrays). */
  numEnvs: number;
  /** G, the group size; members g·G … g·G + G − 1 form group g. Must be ≥ 2. */
  groupSize: number;
  /** Default "process". */
  mode?: AdvantageMode;
  /**
   * Default "group" (divide by the group's std); "batch" divides by the pooled std of the
   * group-centred values (not TRL's std of raw rewards); "none" is Dr. GRPO.
   */
  scaleRewards?: ScaleRewards;
  /** Discount of the process-mode reward-to-go. Default 1 (the paper's plain sum). */
  gamma?: number;
  /** A std at or below this counts as "no spread": those advantages are 0. Default 1e-6. */
  stdTol?: number;
}

/** The result of {@link groupAdvantages}. */
export interface GroupAdvantages {
  /** Â, [T, N]; 0 where the member had stopped. */
  advantages: Float32Array;
  /** [N/G] 1 where a group had no spread at all (every slot zero-std): DAPO drops these. */
  zeroStdGroup: Uint8Array;
  /** Fraction of the normalized slots (groups in outcome mode, (group, t) pairs in process mode) with no spread. */
  fracRewardZeroStd: number;
}

/**
 * GRPO's group-relative advantages with population std.
 *
 * ```text
 * outcome:  R_i = Σ_t r_{i,t},  Â_{i,t} = (R_i − mean_g R) / std_g R                  for every t
 * process:  r̃_{i,t} = (r_{i,t} − mean_{j∈g, running at t} r_{j,t}) / std_{j∈g, running at t} r_{j,t}
 *           Â_{i,t} = Σ_{t' ≥ t} γ^{t'−t}·r̃_{i,t'}
 * ```
 * std is the population std (÷ n). A group (or slot) whose std ≤ `stdTol` gets r̃ = 0.
 * With `scaleRewards` "batch", the divisor is the population std of all group-centred values in
 * the batch (the pooled within-group std), and flat groups still get 0. This is not TRL's "batch",
 * which divides by the (n − 1) std of the raw rewards across the batch (+ 1e-4) and zeroes nothing.
 * With "none", nothing is divided (Dr. GRPO).
 *
 * @param rewards r, [T, N] @param running [T, N] 1 while the member's episode was still going
 * @example
 * ```ts
 * import { groupAdvantages } from "./returns.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * // T = 1, one group of two: returns 3 and 1 → z-scores +1 and −1
 * const { advantages } = groupAdvantages([3, 1], [1, 1], { numEnvs: 2, groupSize: 2, mode: "outcome" });
 * deepStrictEqual(Array.from(advantages), [1, -1]);
 * ```
 */
export function groupAdvantages(
  rewards: ArrayLike<number>,
  running: ArrayLike<number>,
  opts: GroupAdvantageOptions,
): GroupAdvantages {
  const {
    numEnvs: N,
    groupSize: G,
    mode = "process",
    scaleRewards = "group",
    gamma = 1,
    stdTol = 1e-6,
  } = opts;
  if (!(Number.isInteger(G) && G >= 2)) {
    throw new Error(`GRPO needs groupSize G ≥ 2 to compare members, got ${G}`);
  }
  if (running.length !== rewards.length) {
    throw new Error(
      `groupAdvantages: running has length ${running.length}, expected ${rewards.length} like rewards`,
    );
  }
  if (!["outcome", "process"].includes(mode)) {
    throw new Error(`Unknown advantage mode "${mode}": valid ones are outcome, process`);
  }
  if (!["group", "batch", "none"].includes(scaleRewards)) {
    throw new Error(`Unknown scaleRewards "${scaleRewards}": valid ones are group, batch, none`);
  }
  // Lay every normalized quantity out as [slots, N]: one slot (the return) in outcome mode, T in process mode.
  const n = rewards.length;
  if (!(N > 0 && N % G === 0 && n % N === 0)) {
    throw new Error(
      `groupAdvantages: ${n} rewards as [T, N = ${N}] do not form groups of G = ${G}`,
    );
  }
  const T = n / N, numGroups = N / G;
  const slots = mode === "outcome" ? 1 : T;
  const x = new Float64Array(slots * N), valid = new Uint8Array(slots * N);
  for (let k = 0; k < n; k++) {
    if (!running[k]) continue;
    const slot = mode === "outcome" ? k % N : k;
    x[slot] += rewards[k];
    valid[slot] = 1;
  }
  // Centre within each (group, slot); record each std.
  const std = new Float64Array(slots * numGroups), counts = new Uint32Array(slots * numGroups);
  let batchSq = 0, batchCount = 0;
  for (let s = 0; s < slots; s++) {
    for (let g = 0; g < numGroups; g++) {
      let sum = 0, count = 0;
      for (let j = g * G; j < (g + 1) * G; j++) if (valid[s * N + j]) sum += x[s * N + j], count++;
      if (!count) continue;
      const mean = sum / count;
      let sq = 0;
      for (let j = g * G; j < (g + 1) * G; j++) {
        if (!valid[s * N + j]) continue;
        x[s * N + j] -= mean;
        sq += x[s * N + j] ** 2;
      }
      std[s * numGroups + g] = Math.sqrt(sq / count);
      counts[s * numGroups + g] = count;
      batchSq += sq;
      batchCount += count;
    }
  }
  const batchStd = Math.sqrt(batchSq / Math.max(batchCount, 1));
  // Scale, zeroing slots with no spread.
  const zeroStdGroup = new Uint8Array(numGroups).fill(1);
  let zeroSlots = 0, totalSlots = 0;
  for (let s = 0; s < slots; s++) {
    for (let g = 0; g < numGroups; g++) {
      if (!counts[s * numGroups + g]) continue;
      totalSlots++;
      const sd = std[s * numGroups + g];
      const flat = sd <= stdTol;
      if (flat) zeroSlots++;
      else zeroStdGroup[g] = 0;
      const div = scaleRewards === "group" ? sd : scaleRewards === "batch" ? batchStd : 1;
      for (let j = g * G; j < (g + 1) * G; j++) {
        if (valid[s * N + j]) {
          x[s * N + j] = flat ? 0 : x[s * N + j] / div;
        }
      }
    }
  }
  // Spread to steps: outcome copies Â_i to every step; process sums the reward-to-go backwards.
  const advantages = new Float32Array(n);
  for (let i = 0; i < N; i++) {
    let togo = 0;
    for (let k = n - N + i; k >= 0; k -= N) {
      if (!running[k]) continue;
      togo = mode === "outcome" ? x[i] : x[k] + gamma * togo;
      advantages[k] = togo;
    }
  }
  return { advantages, zeroStdGroup, fracRewardZeroStd: totalSlots ? zeroSlots / totalSlots : 0 };
}
