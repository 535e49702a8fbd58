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
import { RewardScaler, RunningMeanStd } from "../envs/wrappers.ts";
import { forEachMinibatch, gatherRows } from "../lib/batch.ts";
import {
  checkpointPath,
  loadCheckpoint,
  paramsToRecord,
  restoreParams,
  saveRunCheckpoint,
} from "../lib/checkpoint.ts";
import { type Checkpoint } from "../lib/checkpoint.ts";
import { freeRunDir, listenForStop, openRunFolder, StoppedError } from "../lib/run_folder.ts";
import { adaptKlCoef, grpoLoss, type RefKl } from "../lib/grpo.ts";
import { meanOf as mean, MetricsWriter, stdOf as std, writeArgs } from "../lib/metrics.ts";
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
import {
  checkCheckpointFits,
  type Config,
  layerSizes,
  notSaved,
  parseConfig,
  usage,
  validateConfig,
} from "./config.ts";
import { Progress } from "../lib/progress.ts";
import { type BackendName, setBackend, simdSupported } from "../lib/backend.ts";
import { startThreads, stopThreads } from "../lib/threads.ts";
import { DiagGaussian, kl } from "../lib/normal.ts";

/** Stops a run whose loss or gradient became non-finite, naming the step and the term. */
export class NonFiniteError extends Error {}

function checkFinite(
  step: number,
  update: number,
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
    } at global step ${step} (update ${update}); ` +
      `stopped before the optimizer step, the last good checkpoint is kept`,
  );
}

/** What {@link main} returns: the final evaluation (mean ± std of the deterministic return). */
type TrainResult = { evalMean: number; evalStd: number; params: Tensor[]; out: string };

/** Runs training; returns the final evaluation. Releases the run folder's lock however it ends. */
export async function main(argv: string[] = []): Promise<TrainResult> {
  const cleanup: (() => void)[] = [];
  try {
    return await run(argv, cleanup);
  } finally {
    for (const f of cleanup.reverse()) f();
  }
}

async function run(argv: string[], cleanup: (() => void)[]): Promise<TrainResult> {
  const parsed = parseConfig(argv);
  if (parsed === "help") {
    console.log(usage());
    return { evalMean: NaN, evalStd: NaN, params: [], out: "" };
  }
  const { cfg, resumed } = await effectiveConfig(parsed); // validated; cfg.out is the run folder
  const out = cfg.out;
  const log = (s: string) => cfg.quiet || console.log(s);
  warnThreads(cfg.threads);
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
  const envRngs = Array.from({ length: N }, (_, i) => new Rng((cfg.seed * 7919 + i) >>> 0));
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
    init: cfg.orthoInit === false ? "uniform" : "orthogonal", // runs saved before the flag: orthogonal
  });
  const critic = isGrpo ? undefined : new ValueMlp(S, {
    rng: initRng,
    hidden: cfg.criticHidden ? layerSizes("critic-hidden", cfg.criticHidden) : hidden, // older runs: unset
    activation: cfg.activation as Activation,
    init: cfg.orthoInit === false ? "uniform" : "orthogonal",
  });
  const initCkpt = cfg.init ? await loadCheckpoint(cfg.init) : undefined;
  if (initCkpt) checkCheckpointFits(initCkpt.args, cfg, "init");
  if (initCkpt) restoreParams(policy.parameters(), initCkpt.params, { allowExtra: true }); // start from a trained policy
  const reference = isGrpo && cfg.refCoef > 0 ? policy.clone() : undefined; // π_ref: the initial policy, frozen
  const params = [...policy.parameters(), ...(critic?.parameters() ?? [])];
  const optimizer = new Adam(params, { lr: cfg.lr, eps: 1e-5 });
  const schedule = lrSchedule({ kind: cfg.lrSchedule, lr: cfg.lr });
  const actRng = new Rng((cfg.seed + 1) >>> 0),
    batchRng = new Rng((cfg.seed + 2) >>> 0),
    startRng = new Rng((cfg.seed + 3) >>> 0);
  let starts: (StartState | undefined)[] | undefined; // GRPO: where each group of the next update starts
  const obsRms = cfg.normObs ? new RunningMeanStd(S) : undefined;
  const initObs =
    (initCkpt?.normalizers as { obs?: ReturnType<RunningMeanStd["stats"]> } | undefined)?.obs;
  if (obsRms && initObs) obsRms.setStats(initObs); // the init policy's inputs were normalized with these
  const refRms = reference && obsRms ? new RunningMeanStd(S) : undefined; // π_ref's normalizer, frozen with its weights
  refRms?.setStats(obsRms!.stats());
  const rewardScaler = !isGrpo && cfg.normReward
    ? new RewardScaler(N, { gamma: cfg.gamma })
    : undefined;
  const stepsPerUpdate = isGrpo ? N * cfg.horizon : N * cfg.rolloutSteps;
  const totalUpdates = Math.max(1, Math.ceil(cfg.totalSteps / stepsPerUpdate));
  let globalStep = 0, update = 0, klCoef = cfg.klCoef; // β_old, adapted
  let lastObs: Float32Array | undefined = isGrpo
    ? undefined
    : venv.reset({ seed: (cfg.seed * 7919) >>> 0 }).obs.slice();

  let trainSeconds = 0; // rollout + advantage + update time, summed over resumes; evaluation excluded
  if (resumed) {
    restoreParams(params, resumed.params);
    optimizer.setState(resumed.optimizer as ReturnType<Adam["state"]>);
    actRng.setState(resumed.rng.act);
    batchRng.setState(resumed.rng.batch);
    startRng.setState(resumed.rng.start);
    envRngs.forEach((r, i) => r.setState(resumed.rng[`env${i}`]));
    const norms = resumed.normalizers as Record<string, ReturnType<RunningMeanStd["stats"]>>;
    if (obsRms) obsRms.setStats(norms.obs);
    if (rewardScaler) rewardScaler.rms.setStats(norms.ret);
    ({ step: globalStep, update } = resumed);
    const extra = resumed.extra as {
      klCoef?: number;
      klBeta?: number; // the name before 2026-12
      envStates?: number[][];
      lastObs?: number[];
      discounted: number[];
      starts?: ({ state: number[]; obs: number[] } | null)[];
      trainSeconds?: number;
    };
    checkSavedStarts(extra.starts, cfg.groups, envs[0].getState().length, S);
    trainSeconds = extra.trainSeconds ?? 0;
    starts = extra.starts?.map((s) =>
      s ? { state: Float64Array.from(s.state), obs: Float32Array.from(s.obs) } : undefined
    );
    klCoef = extra.klCoef ?? extra.klBeta!;
    rewardScaler?.returns.set(extra.discounted);
    if (extra.envStates) extra.envStates.forEach((s, i) => envs[i].setState(Float64Array.from(s)));
    if (extra.lastObs) lastObs = Float32Array.from(extra.lastObs);
  }
  // Everything is validated: only now does the folder change.
  const lock = openRunFolder(out, { resume: !!resumed, overwrite: cfg.overwrite });
  cleanup.push(() => lock.release());
  if (lock.tookOver) console.error(`train: ${lock.tookOver}`);
  writeArgs(out, savedArgs(cfg));
  log(`run folder ${out}${resumed ? `: resumed at step ${globalStep} (update ${update})` : ""}`);
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
      args: savedArgs(cfg),
      params: paramsToRecord(params),
      optimizer: optimizer.state(),
      normalizers: { obs: obsRms?.stats() ?? null, ret: rewardScaler?.rms.stats() ?? null },
      rng: {
        act: actRng.state(),
        batch: batchRng.state(),
        start: startRng.state(),
        ...Object.fromEntries(envRngs.map((r, i) => [`env${i}`, r.state()])),
      },
      extra: {
        klCoef,
        envStates: isGrpo ? undefined : envs.map((e) => Array.from(e.getState())),
        lastObs: lastObs && Array.from(lastObs),
        discounted: Array.from(rewardScaler?.returns ?? new Float64Array(N)),
        starts: starts?.map((s) =>
          s ? { state: Array.from(s.state), obs: Array.from(s.obs) } : null
        ),
        trainSeconds,
      },
    });

  const evalNow = () =>
    evaluate(policy, {
      env: cfg.env,
      episodes: cfg.evalEpisodes,
      seed: (10_000 + cfg.seed) >>> 0,
      transform: obsRms ? (o) => transform(o, false) : undefined,
    });

  await startThreads(cfg.threads);
  const start = performance.now();
  const startStep = globalStep;
  const stop = listenForStop();
  const progress = cfg.quiet ? undefined : new Progress(totalUpdates * stepsPerUpdate, {
    startStep,
    rewardLabel: isGrpo ? `${cfg.horizon}-step segment reward` : "mean step reward",
  });
  try {
    while (update < totalUpdates) {
      optimizer.lr = schedule(update, totalUpdates);
      const t0 = performance.now();
      let episodes: EpisodeStats;
      let B: number,
        obs: Float32Array,
        rawObs: Float32Array | undefined,
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
          seed: (cfg.seed * 1_000_003 + update * N) >>> 0, // derived seeds wrap mod 2³²
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
        rawObs = refRms && gatherRows(ro.raw, keep, S);
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
        for (let t = 0; rewardScaler && t < ro.T; t++) { // r ← clip(r/√(Var[R] + ε), ±10), Gymnasium's
          rewardScaler.scale(
            ro.rewards.subarray(t * N, (t + 1) * N),
            ro.terminated.subarray(t * N, (t + 1) * N),
          );
        }
        const g = gae(ro.rewards, ro.values, ro.nextValues, ro.terminated, ro.dones, {
          numEnvs: N,
          gamma: cfg.gamma,
          lambda: cfg.gaeLambda,
        });
        B = ro.T * N;
        ({ obs, actions, logProbs: logProbOld } = ro);
        rawObs = undefined;
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
      if (B === 0) {
        log(
          `update ${
            update + 1
          }: every group has zero reward std, so --drop-zero-std left no rows; update skipped`,
        );
      }
      const oldDistAll = isGrpo && klCoef > 0 && B > 0
        ? noGrad(() => policy.forward(new Tensor(obs, [B, S])))
        : undefined;
      if (B > 0) {
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
            const xRef = refRms
              ? new Tensor(refRms.normalize(gatherRows(rawObs!, idx, S)), [mb, S])
              : x;
            const refDist = reference && noGrad(() => reference.forward(xRef));
            ({ loss, terms } = grpoLoss(dist, {
              actions: a,
              logProbOld: lpOld,
              advantages: adv,
              oldDist,
              refDist,
            }, {
              epsLow: cfg.epsLow,
              epsHigh: cfg.epsHigh,
              klCoef,
              refCoef: cfg.refCoef,
              refKl: cfg.refKl as RefKl,
              entCoef: cfg.entCoef,
            }) as unknown as { loss: Tensor; terms: Record<string, number> });
          } else {
            if (cfg.normAdv && mb > 1) { // Â ← (Â − mean)/(std + 1e-8), the population std (÷ n; CleanRL's torch .std() divides by n − 1)
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
            }, {
              clip: cfg.clip,
              clipValue: cfg.clipValue,
              halfValueLoss: cfg.halfValueLoss,
              entCoef: cfg.entCoef,
              vfCoef: cfg.vfCoef,
            }) as unknown as {
              loss: Tensor;
              terms: Record<string, number>;
            });
          }
          loss.backward();
          const gradNorm = clipGradNorm(params, cfg.maxGradNorm > 0 ? cfg.maxGradNorm : Infinity);
          const off: Record<string, boolean> = isGrpo // terms switched off are NaN by design
            ? { kl_old: !(klCoef > 0), kl_ref: !(cfg.refCoef > 0), entropy: cfg.entCoef === 0 }
            : {};
          checkFinite(globalStep, update, loss.item(), gradNorm, terms, off);
          optimizer.step();
          for (const [k, v] of Object.entries(terms)) sums[k] = (sums[k] ?? 0) + v;
          maxKl = Math.max(maxKl, terms.approx_kl);
          gradNormSum += gradNorm;
          count++;
        });
      }
      if (oldDistAll) {
        const d = noGrad(() => mean(klOldAll(oldDistAll, policy, obs, B, S)));
        row["kl_old"] = d;
        if (cfg.adaptiveKl) klCoef = adaptKlCoef(klCoef, d, cfg.klTarget);
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
          kl_beta: klCoef,
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
      const saved = update % cfg.checkpointEvery === 0 || update === totalUpdates;
      await stopOnSignal(stop, { step: globalStep, saved, save, progress, out });
    }
  } finally {
    stop.dispose();
    stopThreads();
    venv.close();
    progress?.finish();
  }

  // ---- final deterministic evaluation on fresh seeds
  const ev = cfg.evalEpisodes > 0 ? await evalNow() : undefined;
  if (ev) {
    log(`eval over ${cfg.evalEpisodes} episodes: ${ev.mean.toFixed(1)} ± ${ev.std.toFixed(1)}`);
    await Deno.writeTextFile(
      `${out}/eval.json`,
      JSON.stringify({ step: globalStep, ...ev }, null, 1),
    );
  }
  log(`run folder ${out}: done at step ${globalStep}`);
  return { evalMean: ev?.mean ?? NaN, evalStd: ev?.std ?? NaN, params, out };
}

/** The config as saved in args.json and checkpoints: without the flags that never stick. */
function savedArgs(cfg: Config): Record<string, unknown> {
  const args: Record<string, unknown> = { ...cfg };
  for (const k of notSaved) delete args[k];
  return args;
}

/**
 * The run's config: flags over the preset, or on `--resume DIR` flags over the checkpoint's args,
 * validated, with `out` resolved (DIR itself on resume; else a default name that holds no run).
 */
async function effectiveConfig(
  parsed: { cfg: Config; flags: Partial<Config> },
): Promise<{ cfg: Config; resumed?: Checkpoint }> {
  const dir = parsed.cfg.resume;
  if (!dir) {
    const cfg = parsed.cfg;
    validateConfig(cfg);
    const out = cfg.out || freeRunDir(`runs/${cfg.env}_${cfg.algo}_s${cfg.seed}`);
    return { cfg: { ...cfg, out } };
  }
  if (parsed.flags.out && parsed.flags.out !== dir) {
    throw new Error(
      `--out ${parsed.flags.out} with --resume ${dir}: a run resumes in its own folder; ` +
        `copy ${dir} to ${parsed.flags.out} and resume that`,
    );
  }
  if (parsed.flags.overwrite) throw new Error(`--overwrite with --resume ${dir}: choose one`);
  const resumed = await loadCheckpoint(checkpointPath(dir));
  const saved = { ...(resumed.args as unknown as Config) };
  for (const k of notSaved) delete saved[k];
  const cfg = { ...parsed.cfg, ...saved, ...parsed.flags, resume: dir, out: dir } as Config;
  validateConfig(cfg);
  checkCheckpointFits(resumed.args, cfg, "resume");
  return { cfg, resumed };
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

/** Warns when --threads exceeds the cores: more threads than cores only adds contention. */
function warnThreads(threads: number): void {
  const cores = navigator.hardwareConcurrency;
  if (threads <= cores) return;
  console.error(
    `train: warning: --threads ${threads} is above this machine's ${cores} cores; ` +
      `it runs slower and uses more memory than --threads ${cores}`,
  );
}

/**
 * Between updates: if SIGINT / SIGTERM came, writes the checkpoint (unless this update just did),
 * prints `stopping: checkpoint at step N written to DIR` and throws {@link StoppedError}, whose
 * exit code is 130 or 143. Yields to the event loop first so that the signal listener can run.
 */
async function stopOnSignal(
  stop: ReturnType<typeof listenForStop>,
  o: {
    step: number;
    saved: boolean;
    save: () => Promise<string>;
    progress?: Progress;
    out: string;
  },
): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  const signal = stop.requested();
  if (!signal) return;
  if (!o.saved) await o.save();
  o.progress?.finish();
  const msg = `stopping: checkpoint at step ${o.step} written to ${o.out}`;
  console.error(msg);
  throw new StoppedError(`${msg} (${signal.signal})`, signal.exitCode);
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
    if (err instanceof StoppedError) Deno.exit(err.exitCode); // the message is already printed
    console.error(`train: ${(err as Error).message}`);
    Deno.exit(err instanceof NonFiniteError ? 3 : 1);
  }
}
