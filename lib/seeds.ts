/**
 * Evaluation env seeds: disjoint across runs, and disjoint from the seeds training uses.
 *
 * Training seeds its envs below 2³¹: lib/train.ts uses s·7919 + i (PPO members) and
 * s·1 000 003 + u·N + i (GRPO groups) for run seed s, update u and member i < N, which stays below
 * 2³¹ for s ≤ 2000 and up to 10⁸ env steps. Evaluation takes the upper half, [2³¹, 2³²), in blocks
 * of 1024 episodes, one block per run. lib/rng.ts takes seeds as uint32, so the whole range
 * is distinct seeds.
 *
 * @module
 */

/** The first evaluation seed, 2³¹; training seeds stay below it. */
export const EVAL_SEED_BASE = 2 ** 31;
/** Episodes an evaluation can draw distinct seeds for, per run seed: 1024. */
export const EVAL_MAX_EPISODES = 1024;

/**
 * The env seed of evaluation episode `episode` of the run seeded `runSeed`: one block of 1024 seeds
 * per run seed, above every training seed, so no two runs share an evaluation episode.
 *
 * ```text
 * evalSeed(s, e) = 2³¹ + (1024·s + e) mod 2³¹,    s ∈ [0, 2³²), e ∈ [0, 1024)  →  [2³¹, 2³²)
 * ```
 *
 * Distinct (s, e) with s < 2²¹ give distinct seeds; larger run seeds (any uint32 is a valid
 * `--seed`) wrap onto the same range and may share episodes with another run.
 * lib/train.ts evaluates with s = 10 000 + its --seed.
 *
 * @param runSeed s, an integer in [0, 2³²) naming the run's evaluation stream.
 * @param episode e, the 0-based episode index, an integer in [0, 1024).
 * @example
 * ```ts
 * import { evalSeed } from "./seeds.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(evalSeed(0, 0), 2 ** 31);
 * strictEqual(evalSeed(3, 9), 2 ** 31 + 3 * 1024 + 9);
 * ```
 * Reference: R. Agarwal et al. (NeurIPS 2021) and grpo-ts docs/protocol.md: evaluation seeds differ
 * between runs, else runs are correlated and the spread across seeds understates the uncertainty.
 */
export function evalSeed(runSeed: number, episode: number): number {
  if (!(Number.isInteger(runSeed) && runSeed >= 0 && runSeed < 2 ** 32)) {
    throw new Error(`evalSeed: run seed is ${runSeed}, expected an integer in [0, 2³²)`);
  }
  if (!(Number.isInteger(episode) && episode >= 0 && episode < EVAL_MAX_EPISODES)) {
    throw new Error(
      `evalSeed: episode is ${episode}, expected an integer in [0, ${EVAL_MAX_EPISODES})`,
    );
  }
  return EVAL_SEED_BASE + (runSeed * EVAL_MAX_EPISODES + episode) % EVAL_SEED_BASE; // exact: < 2⁵³
}
