/**
 * Train a Gaussian MLP policy with GRPO (critic-free, group-relative) or PPO (GAE critic).
 *
 *   deno task train                                   # GRPO on Pendulum-v1 with its preset
 *   deno task train --algo ppo --seed 3 --out runs/ppo3
 *   deno task train --resume runs/ppo3                # continue exactly where a run stopped
 *
 * Reads top to bottom: config → env, policy, optimizer → (resume) → loop { rollout → advantages →
 * epochs × minibatches → log → checkpoint } → final evaluation.
 *
 * @module
 */
import { makeEnv } from "../envs/registry.ts";
import { VectorEnv } from "../envs/vector.ts";
import { RunningMeanStd } from "../envs/wrappers.ts";
import { forEachMinibatch, gatherRows } from "../lib/batch.ts";
import {
  checkpointPath,
  loadCheckpoint,
  paramsToRecord,
  restoreParams,
  saveRunCheckpoint,
} from "../lib/checkpoint.ts";
import { adaptKlCoef, grpoLoss, type RefKl } from "../lib/grpo.ts";
import { MetricsWriter, writeArgs } from "../lib/metrics.ts";
import type { Activation } from "../lib/nn.ts";
import { Adam, clipGradNorm } from "../lib/optim.ts";
import { GaussianMlpPolicy, ValueMlp } from "../lib/policy.ts";
import { ppoLoss } from "../lib/ppo.ts";
import { type AdvantageMode, gae, groupAdvantages, type ScaleRewards } from "../lib/returns.ts";
import { composeRewards, parseRewardSpec } from "../lib/rewards.ts";
import { Rng } from "../lib/rng.ts";
import { collectGroups, collectSteps, type EpisodeStats, type StartState } from "../lib/rollout.ts";
import { lrSchedule } from "../lib/schedule.ts";
import { noGrad, Tensor } from "../lib/tensor.ts";
import { evaluate } from "./eval.ts";
import { type Config, layerSizes, parseConfig, usage } from "./config.ts";
import { Progress } from "../lib/progress.ts";
import { type BackendName, setBackend, simdSupported } from "../lib/backend.ts";
import { startThreads, stopThreads } from "../lib/threads.ts";
import { DiagGaussian, kl } from "../lib/normal.ts";

const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
};
const std = (xs: ArrayLike<number>) => {
  const m = mean(xs);
  return Math.sqrt(mean(Array.from(xs, (x) => (x - m) ** 2)));
};

/** Stops a run whose loss or gradient became non-finite, naming the step and the term. */
export class NonFiniteError extends Error {}

function checkFinite(
  step: number,
  update: number,
  loss: number,
  gradNorm: number,
  terms: Record<string, number>,
): void {
  if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return;
  const bad = Object.entries({ loss, grad_norm: gradNorm, ...terms }).filter(([, v]) =>
    v === Infinity || v === -Infinity || Number.isNaN(v)
  );
  throw new NonFiniteError(
    `Non-finite ${
      bad.map(([k, v]) => `${k} = ${v}`).join(", ")
    } at global step ${step} (update ${update}); ` +
      `stopped before the optimizer step, the last good checkpoint is kept`,
  );
}

/** Runs training; returns the final evaluation (mean ± std of the deterministic return). */
export async function main(
  argv: string[] = [],
): Promise<{ evalMean: number; evalStd: number; params: Tensor[]; out: string }> {
  const parsed = parseConfig(argv);
  if (parsed === "help") {
    console.log(usage());
    return { evalMean: NaN, evalStd: NaN, params: [], out: "" };
  }
  let cfg = parsed.cfg;
  const resumed = cfg.resume ? await loadCheckpoint(checkpointPath(cfg.resume)) : undefined;
  if (resumed) cfg = { ...(resumed.args as unknown as Config), ...parsed.flags }; // the saved run, then any flags given now
  const out = cfg.out || cfg.resume || `runs/${cfg.env}_${cfg.algo}_s${cfg.seed}`;
  const log = (s: string) => cfg.quiet || console.log(s);
  cfg.backend ??= "ts"; // a run saved before --backend existed used ts
  if (cfg.backend !== "ts" && cfg.backend !== "wasm") {
    throw new Error(`--backend must be ts or wasm, got "${cfg.backend}"`);
  }
  if (cfg.backend === "wasm" && !simdSupported()) {
    console.log("notice: this runtime lacks WebAssembly SIMD; --backend wasm falls back to ts");
    cfg.backend = "ts";
  }
  setBackend(cfg.backend as BackendName);

  // ---- env, policy, critic, optimizer
  const isGrpo = cfg.algo === "grpo";
  const reward = cfg.reward ? composeRewards(parseRewardSpec(cfg.reward, cfg.env)) : undefined; // validated up front
  const N = isGrpo ? cfg.groups * cfg.groupSize : cfg.numEnvs;
  const envRngs = Array.from({ length: N }, (_, i) => new Rng(cfg.seed * 7919 + i));
  const envs = await Promise.all(envRngs.map((rng) => makeEnv(cfg.env, { rng })));
  const venv = new VectorEnv(envs, { autoreset: !isGrpo });
  const S = venv.observationSpace.shape[0], D = venv.actionSpace.shape[0];
  const initRng = new Rng(cfg.seed);
  const hidden = layerSizes("hidden", cfg.hidden);
  const policy = new GaussianMlpPolicy(S, D, {
    rng: initRng,
    hidden,
    activation: cfg.activation as Activation,
    stateIndependentStd: cfg.stateIndependentStd,
    initLogStd: cfg.initLogStd,
  });
  const critic = isGrpo ? undefined : new ValueMlp(S, {
    rng: initRng,
    hidden: cfg.criticHidden ? layerSizes("critic-hidden", cfg.criticHidden) : hidden, // older runs: unset
    activation: cfg.activation as Activation,
  });
  const initCkpt = cfg.init ? await loadCheckpoint(cfg.init) : undefined;
  if (initCkpt) restoreParams(policy.parameters(), initCkpt.params, { allowExtra: true }); // start from a trained policy
  const reference = isGrpo && cfg.refCoef > 0 ? policy.clone() : undefined; // π_ref: the initial policy, frozen
  const params = [...policy.parameters(), ...(critic?.parameters() ?? [])];
  const optimizer = new Adam(params, { lr: cfg.lr, eps: 1e-5 });
  const schedule = lrSchedule({ kind: cfg.lrSchedule, lr: cfg.lr });
  const actRng = new Rng(cfg.seed + 1),
    batchRng = new Rng(cfg.seed + 2),
    startRng = new Rng(cfg.seed + 3);
  let starts: (StartState | undefined)[] | undefined; // GRPO: where each group of the next update starts
  const obsRms = cfg.normObs ? new RunningMeanStd(S) : undefined;
  const initObs =
    (initCkpt?.normalizers as { obs?: ReturnType<RunningMeanStd["stats"]> } | undefined)?.obs;
  if (obsRms && initObs) obsRms.setStats(initObs); // the init policy's inputs were normalized with these
  const retRms = !isGrpo && cfg.normReward ? new RunningMeanStd(1) : undefined;
  let discounted = new Float64Array(N); // per-env γ-discounted return, for reward scaling
  const stepsPerUpdate = isGrpo ? N * cfg.horizon : N * cfg.rolloutSteps;
  const totalUpdates = Math.max(1, Math.ceil(cfg.totalSteps / stepsPerUpdate));
  let globalStep = 0, update = 0, klBeta = cfg.klCoef;
  let lastObs: Float32Array | undefined = isGrpo
    ? undefined
    : venv.reset({ seed: cfg.seed * 7919 }).obs.slice();

  if (resumed) {
    restoreParams(params, resumed.params);
    optimizer.setState(resumed.optimizer as ReturnType<Adam["state"]>);
    actRng.setState(resumed.rng.act);
    batchRng.setState(resumed.rng.batch);
    startRng.setState(resumed.rng.start);
    envRngs.forEach((r, i) => r.setState(resumed.rng[`env${i}`]));
    const norms = resumed.normalizers as Record<string, ReturnType<RunningMeanStd["stats"]>>;
    if (obsRms) obsRms.setStats(norms.obs);
    if (retRms) retRms.setStats(norms.ret);
    ({ step: globalStep, update } = resumed);
    const extra = resumed.extra as {
      klBeta: number;
      envStates?: number[][];
      lastObs?: number[];
      discounted: number[];
      starts?: ({ state: number[]; obs: number[] } | null)[];
    };
    starts = extra.starts?.map((s) =>
      s ? { state: Float64Array.from(s.state), obs: Float32Array.from(s.obs) } : undefined
    );
    klBeta = extra.klBeta;
    discounted = Float64Array.from(extra.discounted);
    if (extra.envStates) extra.envStates.forEach((s, i) => envs[i].setState(Float64Array.from(s)));
    if (extra.lastObs) lastObs = Float32Array.from(extra.lastObs);
    log(`resumed ${out} at step ${globalStep} (update ${update})`);
  } else {
    await Deno.mkdir(out, { recursive: true });
    writeArgs(out, cfg as unknown as Record<string, unknown>);
  }
  const metrics = new MetricsWriter(out, { resumeStep: resumed ? globalStep : undefined });
  const transform = (o: Float32Array, upd: boolean) => {
    if (!obsRms) return o;
    if (upd) obsRms.update(o);
    return obsRms.normalize(o); // clip((o − μ)/√(σ² + 1e-8), ±10)
  };

  const save = () =>
    saveRunCheckpoint(out, {
      step: globalStep,
      update,
      args: cfg as unknown as Record<string, unknown>,
      params: paramsToRecord(params),
      optimizer: optimizer.state(),
      normalizers: { obs: obsRms?.stats() ?? null, ret: retRms?.stats() ?? null },
      rng: {
        act: actRng.state(),
        batch: batchRng.state(),
        start: startRng.state(),
        ...Object.fromEntries(envRngs.map((r, i) => [`env${i}`, r.state()])),
      },
      extra: {
        klBeta,
        envStates: isGrpo ? undefined : envs.map((e) => Array.from(e.getState())),
        lastObs: lastObs && Array.from(lastObs),
        discounted: Array.from(discounted),
        starts: starts?.map((s) =>
          s ? { state: Array.from(s.state), obs: Array.from(s.obs) } : null
        ),
      },
    });

  const evalNow = () =>
    evaluate(policy, {
      env: cfg.env,
      episodes: cfg.evalEpisodes,
      seed: 10_000 + cfg.seed,
      transform: obsRms ? (o) => transform(o, false) : undefined,
    });

  await startThreads(cfg.threads);
  const start = performance.now();
  const startStep = globalStep;
  let trainSeconds = 0; // rollout + advantage + update time of this process; evaluation excluded
  const progress = cfg.quiet
    ? undefined
    : new Progress(totalUpdates * stepsPerUpdate, { startStep });
  try {
    while (update < totalUpdates) {
      optimizer.lr = schedule(update, totalUpdates);
      const t0 = performance.now();
      let episodes: EpisodeStats;
      let B: number,
        obs: Float32Array,
        actions: Float32Array,
        logProbOld: Float32Array,
        advantages: Float32Array;
      let returns: Float32Array | undefined, valuesOld: Float32Array | undefined;
      const row: Record<string, number> = {};

      // ---- rollout and advantages
      let t1: number;
      if (isGrpo) {
        const ro = collectGroups(venv, policy, {
          rng: actRng,
          groupSize: cfg.groupSize,
          horizon: cfg.horizon,
          seed: cfg.seed * 1_000_003 + update * N,
          starts,
          record: Array.from(
            { length: cfg.groups },
            () => ({ member: startRng.int(N), t: startRng.int(cfg.horizon) }),
          ),
          transform,
          reward,
        });
        Object.assign(row, ro.rewardTerms);
        let v = 0; // the next update's groups: branch from a visited state with probability branchProb
        starts = Array.from(
          { length: cfg.groups },
          () => startRng.uniform() < cfg.branchProb ? ro.visited[v++] : undefined,
        );
        t1 = performance.now();
        episodes = ro.episodes;
        const adv = groupAdvantages(ro.rewards, ro.running, {
          numEnvs: N,
          groupSize: cfg.groupSize,
          mode: cfg.advMode as AdvantageMode,
          scaleRewards: cfg.scaleRewards as ScaleRewards,
          gamma: cfg.gamma,
        });
        const keep: number[] = []; // rows of running members (of kept groups)
        for (let k = 0; k < ro.running.length; k++) {
          if (
            ro.running[k] &&
            !(cfg.dropZeroStd && adv.zeroStdGroup[Math.floor((k % N) / cfg.groupSize)])
          ) keep.push(k);
        }
        B = keep.length;
        obs = gatherRows(ro.obs, keep, S);
        actions = gatherRows(ro.actions, keep, D);
        logProbOld = gatherRows(ro.logProbs, keep, 1);
        advantages = gatherRows(adv.advantages, keep, 1);
        const groupReturns = new Float64Array(N);
        for (let k = 0; k < ro.rewards.length; k++) groupReturns[k % N] += ro.rewards[k];
        row["reward"] = mean(groupReturns);
        row["reward_std"] = mean(
          Array.from(
            { length: cfg.groups },
            (_, g) => std(groupReturns.subarray(g * cfg.groupSize, (g + 1) * cfg.groupSize)),
          ),
        );
        row["frac_reward_zero_std"] = adv.fracRewardZeroStd;
        globalStep += ro.running.reduce((a, b) => a + b, 0);
      } else {
        const ro = collectSteps(venv, policy, critic!, lastObs!, {
          rng: actRng,
          steps: cfg.rolloutSteps,
          transform,
          reward,
        });
        Object.assign(row, ro.rewardTerms);
        row["reward"] = mean(ro.rewards);
        t1 = performance.now();
        lastObs = ro.lastObs;
        episodes = ro.episodes;
        if (retRms) { // r ← r / √(Var[G] + ε), G_t = γ·G_{t−1} + r_t
          for (let t = 0; t < ro.T; t++) {
            for (let i = 0; i < N; i++) {
              discounted[i] = discounted[i] * cfg.gamma + ro.rewards[t * N + i];
            }
            retRms.update(discounted);
            const scale = 1 / Math.sqrt(retRms.var[0] + 1e-8);
            for (let i = 0; i < N; i++) {
              ro.rewards[t * N + i] *= scale;
              if (ro.dones[t * N + i]) discounted[i] = 0;
            }
          }
        }
        const g = gae(ro.rewards, ro.values, ro.nextValues, ro.terminated, ro.dones, {
          numEnvs: N,
          gamma: cfg.gamma,
          lambda: cfg.gaeLambda,
        });
        B = ro.T * N;
        ({ obs, actions, logProbs: logProbOld } = ro);
        advantages = g.advantages;
        returns = g.returns;
        valuesOld = ro.values;
        const varR = std(returns) ** 2;
        row["losses/explained_variance"] = varR > 0
          ? 1 - std(Array.from(returns, (r, k) => r - valuesOld![k])) ** 2 / varR
          : NaN;
        globalStep += B;
      }
      const t2 = performance.now();

      // ---- epochs × minibatches
      const sums: Record<string, number> = {};
      let count = 0, maxKl = 0, gradNormSum = 0;
      const oldDistAll = isGrpo && klBeta > 0
        ? noGrad(() => policy.forward(new Tensor(obs, [B, S])))
        : undefined;
      forEachMinibatch(B, {
        epochs: cfg.epochs,
        minibatches: Math.min(cfg.minibatches, B),
        rng: batchRng,
        reuseBuffers: true, // nothing computed in a minibatch outlives it
      }, (idx) => {
        const mb = idx.length;
        const x = new Tensor(gatherRows(obs, idx, S), [mb, S]);
        const a = gatherRows(actions, idx, D), lpOld = gatherRows(logProbOld, idx, 1);
        let adv = gatherRows(advantages, idx, 1);
        optimizer.zeroGrad();
        const dist = policy.forward(x);
        let loss: Tensor, terms: Record<string, number>;
        if (isGrpo) {
          const oldDist = oldDistAll && sliceDist(oldDistAll, idx, D);
          const refDist = reference && noGrad(() => reference.forward(x));
          ({ loss, terms } = grpoLoss(dist, {
            actions: a,
            logProbOld: lpOld,
            advantages: adv,
            oldDist,
            refDist,
          }, {
            epsLow: cfg.epsLow,
            epsHigh: cfg.epsHigh,
            klOldCoef: klBeta,
            refCoef: cfg.refCoef,
            refKl: cfg.refKl as RefKl,
            entCoef: cfg.entCoef,
          }) as unknown as { loss: Tensor; terms: Record<string, number> });
        } else {
          if (cfg.normAdv && mb > 1) {
            const m = mean(adv), s = std(adv);
            adv = adv.map((v) => (v - m) / (s + 1e-8));
          }
          const values = critic!.forward(x);
          ({ loss, terms } = ppoLoss(dist, values, {
            actions: a,
            logProbOld: lpOld,
            advantages: adv,
            returns: gatherRows(returns!, idx, 1),
            valuesOld: gatherRows(valuesOld!, idx, 1),
          }, { clip: cfg.clip, entCoef: cfg.entCoef, vfCoef: cfg.vfCoef }) as unknown as {
            loss: Tensor;
            terms: Record<string, number>;
          });
        }
        loss.backward();
        const gradNorm = clipGradNorm(params, cfg.maxGradNorm > 0 ? cfg.maxGradNorm : Infinity);
        checkFinite(globalStep, update, loss.item(), gradNorm, terms);
        optimizer.step();
        for (const [k, v] of Object.entries(terms)) sums[k] = (sums[k] ?? 0) + v;
        maxKl = Math.max(maxKl, terms.approx_kl);
        gradNormSum += gradNorm;
        count++;
      });
      if (oldDistAll) {
        const d = noGrad(() => mean(klOldAll(oldDistAll, policy, obs, B, S)));
        row["kl_old"] = d;
        if (cfg.adaptiveKl) klBeta = adaptKlCoef(klBeta, d, cfg.klTarget);
      }
      update++;
      const t3 = performance.now();
      trainSeconds += (t3 - t0) / 1000;

      // ---- log
      const avg = (k: string) => (sums[k] ?? NaN) / count;
      Object.assign(row, {
        global_step: globalStep,
        update,
        "charts/episodic_return": mean(episodes.returns),
        "charts/episodic_length": mean(episodes.lengths),
        "charts/learning_rate": optimizer.lr,
        "losses/policy_loss": avg("policy_loss"),
        "losses/entropy": avg("entropy"),
        "losses/approx_kl": avg("approx_kl"),
        "losses/approx_kl_max": maxKl,
        grad_norm: gradNormSum / count,
        SPS: Math.round((globalStep - startStep) / ((performance.now() - start) / 1000)),
        "time/rollout_sps": Math.round(B / ((t1 - t0) / 1000)),
        "time/advantage_sps": Math.round(B / ((t2 - t1) / 1000)),
        "time/update_sps": Math.round(B / ((t3 - t2) / 1000)),
        "time/train_s": trainSeconds,
        "charts/eval_return": NaN, // a CSV column from the first row on; set below when evaluated
      });
      if (isGrpo) {
        Object.assign(row, {
          kl_beta: klBeta,
          kl: avg("kl_ref"),
          "clip_ratio/low": avg("clip_low"),
          "clip_ratio/high": avg("clip_high"),
        });
      } else {
        Object.assign(row, {
          "losses/value_loss": avg("value_loss"),
          "losses/clipfrac": avg("clipfrac"),
        });
      }
      if (
        cfg.evalEvery > 0 && cfg.evalEpisodes > 0 &&
        (update % cfg.evalEvery === 0 || update === totalUpdates)
      ) {
        row["charts/eval_return"] = (await evalNow()).mean;
      }
      metrics.write(row);
      progress?.update(globalStep, {
        recentReturn: [row["charts/eval_return"], row["charts/episodic_return"]].find(
          Number.isFinite,
        ),
        reward: row["reward"],
      });
      if (update % cfg.checkpointEvery === 0 || update === totalUpdates) await save();
    }
  } finally {
    stopThreads();
    venv.close();
    progress?.finish();
  }

  // ---- final deterministic evaluation on fresh seeds
  if (cfg.evalEpisodes <= 0) return { evalMean: NaN, evalStd: NaN, params, out };
  const ev = await evalNow();
  log(`eval over ${cfg.evalEpisodes} episodes: ${ev.mean.toFixed(1)} ± ${ev.std.toFixed(1)}`);
  await Deno.writeTextFile(
    `${out}/eval.json`,
    JSON.stringify({ step: globalStep, ...ev }, null, 1),
  );
  return { evalMean: ev.mean, evalStd: ev.std, params, out };
}

function sliceDist(d: DiagGaussian, idx: Uint32Array, D: number): DiagGaussian {
  const mu = new Tensor(gatherRows(d.mean.data as Float32Array, idx, D), [idx.length, D]);
  const v = d.logVar.size === D
    ? d.logVar
    : new Tensor(gatherRows(d.logVar.data as Float32Array, idx, D), [idx.length, D]);
  return new DiagGaussian(mu, v);
}
function klOldAll(
  old: DiagGaussian,
  policy: GaussianMlpPolicy,
  obs: Float32Array,
  B: number,
  S: number,
): Float32Array {
  return kl(old, policy.forward(new Tensor(obs, [B, S]))).data as Float32Array;
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    console.error(`train: ${(err as Error).message}`);
    Deno.exit(err instanceof NonFiniteError ? 3 : 1);
  }
}
