/**
 * One GRPO update, top to bottom: collect G-member groups from shared start states → group-relative
 * advantages → epochs of the clipped objective (with the KL terms) → adapt β_old.
 *
 * ```text
 * Â_i,t = (r̃_i,t − mean_g r̃) / std_g r̃           r̃: the reward-to-go (process) or return (outcome)
 * L = −mean min(r·Â, clip(r, 1 − ε_low, 1 + ε_high)·Â) + β_old·KL(π_old‖π_θ) + β_ref·KL(π_θ‖π_ref) − c_H·H
 * β_old ← β_old/2 if KL < d/1.5;  2·β_old if KL > 1.5·d                    (with --adaptive-kl)
 * ```
 *
 * Reference: Shao et al., DeepSeekMath (arXiv 2402.03300) §4.1; Yu et al., DAPO (arXiv 2503.14476)
 * (ε_high, dynamic sampling); Schulman et al., PPO (arXiv 1707.06347) §4 (the adaptive KL penalty).
 *
 * @module
 */
import { gatherRows } from "./batch.ts";
import { adaptKlCoef, grpoLoss, type RefKl } from "./grpo.ts";
import { meanOf as mean, stdOf as std } from "./metrics.ts";
import { gatherDist, klDivergence } from "./distribution.ts";
import type { Policy } from "./policies.ts";
import { type AdvantageMode, groupAdvantages, type ScaleRewards } from "./returns.ts";
import { collectGroups, type StartState } from "./rollout.ts";
import type { RunningMeanStd } from "./running_stats.ts";
import { noGrad, Tensor } from "./tensor.ts";
import { optimizeEpochs, type TrainContext, type Trainer, type UpdateResult } from "./trainer.ts";

/** GRPO's own pieces besides the shared context. */
export interface GrpoPieces {
  /** π_ref: the initial policy, frozen (with --ref-coef). */
  reference?: Policy;
  /** π_ref's observation normalizer, frozen with its weights (with --norm-obs and --ref-coef). */
  refRms?: RunningMeanStd;
}

/** GRPO (critic-free, group-relative); see the module doc. */
export class GrpoTrainer implements Trainer {
  readonly stepsPerUpdate: number;
  readonly rewardLabel: string;
  /** β_old, adapted after every update. */
  klCoef: number;
  /** Where each group of the next update starts (undefined: a fresh reset). */
  starts: (StartState | undefined)[] | undefined;
  readonly #ctx: TrainContext;
  readonly #reference?: Policy;
  readonly #refRms?: RunningMeanStd;

  constructor(ctx: TrainContext, pieces: GrpoPieces = {}) {
    this.#ctx = ctx;
    this.#reference = pieces.reference;
    this.#refRms = pieces.refRms;
    this.klCoef = ctx.cfg.klCoef;
    this.stepsPerUpdate = ctx.N * ctx.cfg.horizon;
    this.rewardLabel = `${ctx.cfg.horizon}-step segment reward`;
  }

  update(at: { update: number; step: number }): UpdateResult {
    const { cfg, venv, policy, N, S, D } = this.#ctx, G = cfg.groupSize;
    const head: Record<string, number> = {};

    // ---- collect: N/G groups of G members, each group from one (fresh or visited) start state
    const ro = collectGroups(venv, policy, {
      rng: this.#ctx.rng.act,
      groupSize: G,
      horizon: cfg.horizon,
      seed: (cfg.seed * 1_000_003 + at.update * N) >>> 0, // derived seeds wrap mod 2³²
      starts: this.starts,
      independent: cfg.groupStart === "independent",
      record: Array.from(
        { length: cfg.groups },
        () => ({ member: this.#ctx.rng.start.int(N), t: this.#ctx.rng.start.int(cfg.horizon) }),
      ),
      transform: this.#ctx.transform,
      reward: this.#ctx.reward,
    });
    Object.assign(head, ro.rewardTerms);
    let v = 0; // the next update's groups: branch from a visited state with probability branchProb
    this.starts = Array.from(
      { length: cfg.groups },
      () => this.#ctx.rng.start.uniform() < cfg.branchProb ? ro.visited[v++] : undefined,
    );
    const t1 = performance.now();

    // ---- advantages: each member's reward against its group's
    const adv = groupAdvantages(ro.rewards, ro.running, {
      numEnvs: N,
      groupSize: G,
      mode: cfg.advMode as AdvantageMode,
      scaleRewards: cfg.scaleRewards as ScaleRewards,
      gamma: cfg.gamma,
    });
    const keep: number[] = []; // rows of running members (of kept groups)
    for (let k = 0; k < ro.running.length; k++) {
      if (ro.running[k] && !(cfg.dropZeroStd && adv.zeroStdGroup[Math.floor((k % N) / G)])) {
        keep.push(k);
      }
    }
    const B = keep.length;
    const obs = gatherRows(ro.obs, keep, S);
    const rawObs = this.#refRms && gatherRows(ro.raw, keep, S);
    const actions = gatherRows(ro.actions, keep, D);
    const logProbOld = gatherRows(ro.logProbs, keep, 1);
    const advantages = gatherRows(adv.advantages, keep, 1);
    const groupReturns = new Float64Array(N);
    for (let k = 0; k < ro.rewards.length; k++) groupReturns[k % N] += ro.rewards[k];
    head["reward"] = mean(groupReturns);
    head["reward_std"] = mean(
      Array.from({ length: cfg.groups }, (_, g) => std(groupReturns.subarray(g * G, (g + 1) * G))),
    );
    head["frac_reward_zero_std"] = adv.fracRewardZeroStd;
    const steps = ro.running.reduce((a, b) => a + b, 0);
    at = { ...at, step: at.step + steps }; // errors name the step count after this rollout
    const t2 = performance.now();

    // ---- epochs of the clipped objective
    if (B === 0) {
      this.#ctx.log(
        `update ${at.update + 1}: every group has zero reward std, ` +
          `so --drop-zero-std left no rows; update skipped`,
      );
    }
    const klCoef = this.klCoef;
    const oldDistAll = klCoef > 0 && B > 0
      ? noGrad(() => policy.forward(new Tensor(obs, [B, S])))
      : undefined;
    const reference = this.#reference, refRms = this.#refRms;
    const off = { kl_old: !(klCoef > 0), kl_ref: !(cfg.refCoef > 0), entropy: cfg.entCoef === 0 }; // NaN by design
    const stats = optimizeEpochs(this.#ctx, B, { at, off }, (idx) => {
      const mb = idx.length;
      const x = new Tensor(gatherRows(obs, idx, S), [mb, S]);
      const dist = policy.forward(x);
      const oldDist = oldDistAll && gatherDist(oldDistAll, idx);
      const xRef = refRms ? new Tensor(refRms.normalize(gatherRows(rawObs!, idx, S)), [mb, S]) : x;
      const refDist = reference && noGrad(() => reference.forward(xRef));
      return grpoLoss(dist, {
        actions: gatherRows(actions, idx, D),
        logProbOld: gatherRows(logProbOld, idx, 1),
        advantages: gatherRows(advantages, idx, 1),
        oldDist,
        refDist,
      }, {
        epsLow: cfg.epsLow,
        epsHigh: cfg.epsHigh,
        klCoef,
        refCoef: cfg.refCoef,
        refKl: cfg.refKl as RefKl,
        entCoef: cfg.entCoef,
      }) as unknown as { loss: Tensor; terms: Record<string, number> };
    });

    // ---- adapt β_old to the measured KL(π_old‖π_θ) over the whole batch
    if (oldDistAll) {
      const d = noGrad(() =>
        mean(klDivergence(oldDistAll, policy.forward(new Tensor(obs, [B, S]))).data)
      );
      head["kl_old"] = d;
      if (cfg.adaptiveKl) this.klCoef = adaptKlCoef(this.klCoef, d, cfg.klTarget);
    }
    const avg = (k: string) => (stats.sums[k] ?? NaN) / stats.count;
    const tail = {
      kl_beta: this.klCoef,
      kl: avg("kl_ref"),
      "clip_ratio/low": avg("clip_low"),
      "clip_ratio/high": avg("clip_high"),
    };
    return { head, tail, stats, B, steps, episodes: ro.episodes, t1, t2 };
  }

  state(): Record<string, unknown> {
    return {
      klCoef: this.klCoef,
      starts: this.starts?.map((s) =>
        s ? { state: Array.from(s.state), obs: Array.from(s.obs) } : null
      ),
    };
  }

  restore(extra: Record<string, unknown>): void {
    const { cfg, venv, S } = this.#ctx;
    const starts = extra.starts as ({ state: number[]; obs: number[] } | null)[] | undefined;
    checkSavedStarts(starts, cfg.groups, venv.stateSize, S);
    this.starts = starts?.map((s) =>
      s ? { state: Float64Array.from(s.state), obs: Float32Array.from(s.obs) } : undefined
    );
    this.klCoef = (extra.klCoef ?? extra.klBeta) as number; // klBeta: the name before 2026-12
  }
}

/** Checks a checkpoint's saved GRPO start states against this run's groups and env sizes. */
function checkSavedStarts(
  starts: ({ state: number[]; obs: number[] } | null)[] | undefined,
  groups: number,
  stateSize: number,
  S: number,
): void {
  if (!starts) return;
  const bad = starts.length !== groups
    ? `${starts.length} entries for --groups ${groups}`
    : starts.map((s, g) =>
      s && (s.state?.length !== stateSize || s.obs?.length !== S ||
          ![...s.state, ...s.obs].every(Number.isFinite))
        ? `group ${g}: expected ${stateSize} state and ${S} observation numbers`
        : ""
    ).find(Boolean);
  if (bad) throw new Error(`checkpoint's saved start states do not fit this run: ${bad}`);
}
