/**
 * What the two trainers (lib/grpo_trainer.ts, lib/ppo_trainer.ts) share, written once: the run's
 * pieces they update ({@link TrainContext}), the epochs × minibatches of an objective with gradient
 * clipping and a finite check ({@link optimizeEpochs}), and what one update reports
 * ({@link UpdateResult}). lib/train.ts builds the context, calls a trainer once per update, and
 * does the rest (schedule, metrics, evaluation, checkpoints).
 *
 * @module
 */
import { forEachMinibatch } from "./batch.ts";
import type { Config } from "./config.ts";
import { type Adam, clipGradNorm } from "./optim.ts";
import type { Policy } from "./policies.ts";
import type { ComposedReward } from "./rewards.ts";
import type { Rng } from "./rng.ts";
import type { RewardScaler } from "./running_stats.ts";
import type { EpisodeStats, ObsTransform } from "./rollout.ts";
import type { Tensor } from "./tensor.ts";
import type { VectorEnvLike, VectorSnapshot } from "./vector_env.ts";

/** The pieces of a run that a trainer reads and updates. */
export interface TrainContext {
  cfg: Config;
  /** The N members, stepped in lockstep (GRPO: no autoreset), in this thread or in workers. */
  venv: VectorEnvLike;
  policy: Policy;
  /** Every trained parameter: the policy's, then the critic's (PPO). */
  params: Tensor[];
  optimizer: Adam;
  /** act: action sampling; batch: minibatch order; start: GRPO's branch and record draws. */
  rng: { act: Rng; batch: Rng; start: Rng };
  /** Raw observations → policy inputs (running normalization with `--norm-obs`). */
  transform: ObsTransform;
  /** The training reward when `--reward` is given; else the env's own. */
  reward?: ComposedReward;
  /** S observation size, D action size, N members. */
  S: number;
  D: number;
  N: number;
  /** Notices for the user (e.g. a skipped update). */
  log: (message: string) => void;
}

/** What the epochs of one update add up, for the metrics. */
export interface EpochStats {
  /** Σ over minibatches of each loss term. */
  sums: Record<string, number>;
  /** Minibatches run. */
  count: number;
  /** The largest minibatch approx_kl. */
  maxKl: number;
  /** Σ over minibatches of the gradient norm before clipping. */
  gradNormSum: number;
}

/** What one update of a trainer reports to the loop. */
export interface UpdateResult {
  /** Algorithm metrics logged before the common ones (reward terms, reward, …). */
  head: Record<string, number>;
  /** Algorithm metrics logged after them (GRPO: kl_beta, clip ratios; PPO: value loss, clipfrac). */
  tail: Record<string, number>;
  stats: EpochStats;
  /** Rows trained on. */
  B: number;
  /** Env steps taken. */
  steps: number;
  episodes: EpisodeStats;
  /** `performance.now()` when the rollout ended and when the advantages were ready. */
  t1: number;
  t2: number;
}

/** A trainer: one update at a time, with the state a checkpoint must keep. */
export interface Trainer {
  /** Env steps per update (GRPO members that end early take fewer). */
  readonly stepsPerUpdate: number;
  /** What the `reward` metric is, for progress displays. */
  readonly rewardLabel: string;
  /** PPO's reward scaler (--norm-reward), whose statistics a checkpoint keeps. */
  readonly rewardScaler?: RewardScaler;
  /** Collect → advantages → epochs; `at` names the update for error messages. */
  update(at: { update: number; step: number }): UpdateResult;
  /** The checkpoint's `extra` (without trainSeconds), given the env members' snapshot. */
  state(snap: VectorSnapshot): Record<string, unknown>;
  /** Restores {@link Trainer.state} from a checkpoint's `extra`. */
  restore(extra: Record<string, unknown>): void;
}

/** Stops a run whose loss or gradient became non-finite, naming the step and the term. */
export class NonFiniteError extends Error {}

/** Throws {@link NonFiniteError} unless loss and gradient norm are finite; `off` terms are NaN by design. */
export function checkFinite(
  at: { step: number; update: number },
  loss: number,
  gradNorm: number,
  terms: Record<string, number>,
  off: Record<string, boolean> = {},
): void {
  if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return;
  const bad = Object.entries({ loss, grad_norm: gradNorm, ...terms }).filter(([k, v]) =>
    (v === Infinity || v === -Infinity || Number.isNaN(v)) && !off[k]
  );
  throw new NonFiniteError(
    `Non-finite ${
      bad.map(([k, v]) => `${k} = ${v}`).join(", ")
    } at global step ${at.step} (update ${at.update}); ` +
      `stopped before the optimizer step, the last good checkpoint is kept`,
  );
}

/**
 * `epochs` passes over B rows in shuffled minibatches; per minibatch: zero the gradients, build the
 * loss, backpropagate, clip the global gradient norm to `maxGradNorm` (≤ 0: off), check that all
 * is finite, step the optimizer.
 *
 * @param objective the loss of the rows `idx` and its logged terms (must include approx_kl).
 */
export function optimizeEpochs(
  ctx: TrainContext,
  B: number,
  opts: { at: { step: number; update: number }; off?: Record<string, boolean> },
  objective: (idx: Uint32Array) => { loss: Tensor; terms: Record<string, number> },
): EpochStats {
  const { cfg, params, optimizer } = ctx;
  const stats: EpochStats = { sums: {}, count: 0, maxKl: 0, gradNormSum: 0 };
  if (B === 0) return stats;
  forEachMinibatch(B, {
    epochs: cfg.epochs,
    minibatches: Math.min(cfg.minibatches, B),
    rng: ctx.rng.batch,
    reuseBuffers: true, // nothing computed in a minibatch outlives it
  }, (idx) => {
    optimizer.zeroGrad();
    const { loss, terms } = objective(idx);
    loss.backward();
    const gradNorm = clipGradNorm(params, cfg.maxGradNorm > 0 ? cfg.maxGradNorm : Infinity, {
      simd: optimizer.simd, // wasm with --backend wasm, as the optimizer
    });
    checkFinite(opts.at, loss.item(), gradNorm, terms, opts.off);
    optimizer.step();
    for (const [k, v] of Object.entries(terms)) stats.sums[k] = (stats.sums[k] ?? 0) + v;
    stats.maxKl = Math.max(stats.maxKl, terms.approx_kl);
    stats.gradNormSum += gradNorm;
    stats.count++;
  });
  return stats;
}
