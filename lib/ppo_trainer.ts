/**
 * One PPO update, top to bottom: roll out T steps of N autoresetting envs → scale the rewards →
 * GAE → epochs of the clipped objective with a value loss.
 *
 * ```text
 * δ_t = r_t + γ·V(s_{t+1})·(1 − terminated_t) − V(s_t)      Â_t = Σ_k (γλ)^k δ_{t+k}   R_t = Â_t + V(s_t)
 * L = −mean min(r·Â, clip(r, 1 ± ε)·Â) + c_V·L_V − c_H·H    Â normalized per minibatch (--norm-adv)
 * ```
 *
 * Reference: Schulman et al., PPO (arXiv 1707.06347); GAE (arXiv 1506.02438); CleanRL
 * `ppo_continuous_action.py`.
 *
 * @module
 */
import { gatherRows } from "./batch.ts";
import { meanOf as mean, stdOf as std } from "./metrics.ts";
import type { ValueMlp } from "./policy.ts";
import { ppoLoss } from "./ppo.ts";
import { gae } from "./returns.ts";
import { collectSteps } from "./rollout.ts";
import { RewardScaler } from "./running_stats.ts";
import { Tensor } from "./tensor.ts";
import type { VectorSnapshot } from "./vector_env.ts";
import { optimizeEpochs, type TrainContext, type Trainer, type UpdateResult } from "./trainer.ts";

/** PPO with a GAE critic; see the module doc. */
export class PpoTrainer implements Trainer {
  readonly stepsPerUpdate: number;
  readonly rewardLabel = "mean step reward";
  /** Rewards ÷ the running std of the discounted return (with --norm-reward). */
  readonly rewardScaler?: RewardScaler;
  /** The raw observations to continue from, [N, S]. */
  lastObs: Float32Array;
  readonly #ctx: TrainContext;
  readonly #critic: ValueMlp;

  /** Resets the N envs with seed·7919 (member i: + i). */
  constructor(ctx: TrainContext, critic: ValueMlp) {
    const { cfg, N } = ctx;
    this.#ctx = ctx;
    this.#critic = critic;
    this.stepsPerUpdate = N * cfg.rolloutSteps;
    this.rewardScaler = cfg.normReward ? new RewardScaler(N, { gamma: cfg.gamma }) : undefined;
    this.lastObs = ctx.venv.reset({ seed: (cfg.seed * 7919) >>> 0 }).obs.slice();
  }

  update(at: { update: number; step: number }): UpdateResult {
    const { cfg, venv, policy, N, S, D } = this.#ctx, critic = this.#critic;
    const head: Record<string, number> = {};

    // ---- rollout: T steps of N envs, with V(s_t) and the bootstrap values
    const ro = collectSteps(venv, policy, critic, this.lastObs, {
      rng: this.#ctx.rng.act,
      steps: cfg.rolloutSteps,
      transform: this.#ctx.transform,
      reward: this.#ctx.reward,
    });
    Object.assign(head, ro.rewardTerms);
    head["reward"] = mean(ro.rewards);
    const t1 = performance.now();
    this.lastObs = ro.lastObs;

    // ---- advantages: scaled rewards → GAE
    for (let t = 0; this.rewardScaler && t < ro.T; t++) { // r ← clip(r/√(Var[R] + ε), ±10), Gymnasium's
      this.rewardScaler.scale(
        ro.rewards.subarray(t * N, (t + 1) * N),
        ro.terminated.subarray(t * N, (t + 1) * N),
      );
    }
    const { advantages, returns } = gae(
      ro.rewards,
      ro.values,
      ro.nextValues,
      ro.terminated,
      ro.dones,
      { numEnvs: N, gamma: cfg.gamma, lambda: cfg.gaeLambda },
    );
    const B = ro.T * N, valuesOld = ro.values;
    const varR = std(returns) ** 2;
    head["losses/explained_variance"] = varR > 0
      ? 1 - std(Array.from(returns, (r, k) => r - valuesOld[k])) ** 2 / varR
      : NaN;
    at = { ...at, step: at.step + B }; // errors name the step count after this rollout
    const t2 = performance.now();

    // ---- epochs of the clipped objective and the value loss
    const stats = optimizeEpochs(this.#ctx, B, { at }, (idx) => {
      const mb = idx.length;
      const x = new Tensor(gatherRows(ro.obs, idx, S), [mb, S]);
      let adv = gatherRows(advantages, idx, 1);
      const dist = policy.forward(x);
      if (cfg.normAdv && mb > 1) { // Â ← (Â − mean)/(std + 1e-8), the population std (÷ n; CleanRL's torch .std() divides by n − 1)
        const m = mean(adv), s = std(adv);
        adv = adv.map((v) => (v - m) / (s + 1e-8));
      }
      return ppoLoss(dist, critic.forward(x), {
        actions: gatherRows(ro.actions, idx, D),
        logProbOld: gatherRows(ro.logProbs, idx, 1),
        advantages: adv,
        returns: gatherRows(returns, idx, 1),
        valuesOld: gatherRows(valuesOld, idx, 1),
      }, {
        clip: cfg.clip,
        clipValue: cfg.clipValue,
        halfValueLoss: cfg.halfValueLoss,
        entCoef: cfg.entCoef,
        vfCoef: cfg.vfCoef,
      }) as unknown as { loss: Tensor; terms: Record<string, number> };
    });
    const avg = (k: string) => (stats.sums[k] ?? NaN) / stats.count;
    const tail = { "losses/value_loss": avg("value_loss"), "losses/clipfrac": avg("clipfrac") };
    return { head, tail, stats, B, steps: B, episodes: ro.episodes, t1, t2 };
  }

  state(snap: VectorSnapshot): Record<string, unknown> {
    return {
      envStates: snap.states.map((s) => Array.from(s)),
      lastObs: Array.from(this.lastObs),
      discounted: Array.from(this.rewardScaler?.returns ?? new Float64Array(this.#ctx.N)),
      episodes: { returns: snap.returns, lengths: snap.lengths },
    };
  }

  restore(extra: Record<string, unknown>): void {
    const { envStates, lastObs, discounted, episodes } = extra as {
      envStates?: number[][];
      lastObs?: number[];
      discounted: number[];
      episodes?: { returns: number[]; lengths: number[] }; // absent before 2026-12-02: zeros
    };
    this.#ctx.venv.restore({
      ...episodes,
      states: envStates?.map((s) => Float64Array.from(s)),
    });
    this.rewardScaler?.returns.set(discounted);
    if (lastObs) this.lastObs = Float32Array.from(lastObs);
  }
}
