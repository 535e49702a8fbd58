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
import { parseArgs } from "node:util";
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
import { Rng } from "../lib/rng.ts";
import { collectGroups, collectSteps, type EpisodeStats } from "../lib/rollout.ts";
import { lrSchedule } from "../lib/schedule.ts";
import { noGrad, Tensor } from "../lib/tensor.ts";
import { evaluate } from "./eval.ts";

export const algos = ["grpo", "ppo"] as const;

/** Every knob of a run; each is a `--kebab-case` flag. */
export interface Config {
  env: string;
  algo: string;
  seed: number;
  totalSteps: number;
  out: string;
  resume: string;
  // network
  hidden: string;
  activation: string;
  stateIndependentStd: boolean;
  initLogStd: number;
  // optimization
  lr: number;
  lrSchedule: string;
  epochs: number;
  minibatches: number;
  maxGradNorm: number;
  entCoef: number;
  gamma: number;
  normObs: boolean;
  // GRPO
  groupSize: number;
  groups: number;
  horizon: number;
  advMode: string;
  scaleRewards: string;
  dropZeroStd: boolean;
  epsLow: number;
  epsHigh: number;
  klCoef: number;
  klTarget: number;
  adaptiveKl: boolean;
  refCoef: number;
  refKl: string;
  // PPO
  numEnvs: number;
  rolloutSteps: number;
  gaeLambda: number;
  clip: number;
  vfCoef: number;
  normAdv: boolean;
  normReward: boolean;
  // bookkeeping
  checkpointEvery: number;
  evalEpisodes: number;
  quiet: boolean;
}

/** Flag help, in the order shown by --help. */
const help: Record<keyof Config, string> = {
  env: "environment id (Pendulum-v1, HalfCheetah-v5)",
  algo: `algorithm (${algos.join(", ")})`,
  seed: "seed of the policy init, action sampling, minibatch order and env resets",
  totalSteps: "environment-step budget",
  out:
    "run folder: args.json, metrics.csv/.jsonl, checkpoint.json (default runs/<env>_<algo>_s<seed>)",
  resume: "run folder to continue from its checkpoint.json",
  hidden: "hidden layer sizes, comma-separated",
  activation: "hidden nonlinearity (relu, tanh)",
  stateIndependentStd: "one log σ parameter per action dim instead of a log σ² head",
  initLogStd: "initial log σ",
  lr: "Adam learning rate α₀",
  lrSchedule: "learning-rate schedule (constant, linear, cosine)",
  epochs: "passes over each batch",
  minibatches: "minibatches per pass",
  maxGradNorm: "clip the global gradient norm to this (≤ 0: off)",
  entCoef: "entropy bonus c_H",
  gamma: "discount γ (GRPO: of the process-mode reward-to-go)",
  normObs: "normalize observations with running mean/std",
  groupSize: "GRPO: G members per group, all from one cloned start state",
  groups: "GRPO: groups per update (N = groups·G envs)",
  horizon: "GRPO: steps per member per update (capped by the episode end)",
  advMode: "GRPO: advantage mode (process, outcome)",
  scaleRewards: "GRPO: advantage scaling (group, batch, none)",
  dropZeroStd: "GRPO: drop groups with no reward spread (DAPO dynamic sampling)",
  epsLow: "GRPO: ratio clip below, 1 − ε_low",
  epsHigh: "GRPO: ratio clip above, 1 + ε_high",
  klCoef: "GRPO: initial β_old of the KL trust region to π_old (0: off)",
  klTarget: "GRPO: target d of the adaptive β_old",
  adaptiveKl: "GRPO: adapt β_old (halve below d/1.5, double above 1.5·d)",
  refCoef: "GRPO: β_ref of KL(π_θ‖π_ref) to the frozen initial policy (0: no reference)",
  refKl: "GRPO: reference KL estimator (k3, exact)",
  numEnvs: "PPO: parallel envs N",
  rolloutSteps: "PPO: steps per env per update T",
  gaeLambda: "PPO: GAE λ",
  clip: "PPO: ratio and value clip ε",
  vfCoef: "PPO: value-loss coefficient c_V",
  normAdv: "PPO: normalize advantages per minibatch",
  normReward:
    "PPO: scale rewards by the running std of the discounted return (Gymnasium NormalizeReward)",
  checkpointEvery: "save checkpoint.json every this many updates (and at the end)",
  evalEpisodes: "deterministic evaluation episodes at the end (0: skip)",
  quiet: "print nothing but errors",
};

const base: Config = {
  env: "Pendulum-v1",
  algo: "grpo",
  seed: 1,
  totalSteps: 100_000,
  out: "",
  resume: "",
  hidden: "64,64",
  activation: "tanh",
  stateIndependentStd: false,
  initLogStd: 0,
  lr: 1e-3,
  lrSchedule: "linear",
  epochs: 10,
  minibatches: 32,
  maxGradNorm: 0.5,
  entCoef: 0,
  gamma: 0.99,
  normObs: false,
  groupSize: 8,
  groups: 8,
  horizon: 200,
  advMode: "process",
  scaleRewards: "group",
  dropZeroStd: false,
  epsLow: 0.2,
  epsHigh: 0.28,
  klCoef: 0,
  klTarget: 0.01,
  adaptiveKl: true,
  refCoef: 0,
  refKl: "k3",
  numEnvs: 4,
  rolloutSteps: 1024,
  gaeLambda: 0.95,
  clip: 0.2,
  vfCoef: 0.5,
  normAdv: true,
  normReward: true,
  checkpointEvery: 5,
  evalEpisodes: 10,
  quiet: false,
};

/** Per-env, per-algo presets over {@link base}. */
export const presets: Record<string, Partial<Config>> = {
  "Pendulum-v1/grpo": {
    totalSteps: 200_000,
    gamma: 0.9,
    groups: 8,
    groupSize: 8,
    lr: 1e-3,
    epochs: 10,
    minibatches: 32,
  },
  "Pendulum-v1/ppo": {
    totalSteps: 100_000,
    gamma: 0.9,
    numEnvs: 4,
    rolloutSteps: 1024,
    lr: 1e-3,
    epochs: 10,
    minibatches: 64,
  },
  "HalfCheetah-v5/grpo": {
    totalSteps: 1_000_000,
    hidden: "256,256",
    activation: "relu",
    normObs: true,
    gamma: 0.99,
    horizon: 1000,
    lr: 3e-4,
  },
  "HalfCheetah-v5/ppo": {
    totalSteps: 1_000_000,
    hidden: "256,256",
    activation: "relu",
    normObs: true,
    numEnvs: 1,
    rolloutSteps: 2048,
    lr: 3e-4,
    minibatches: 32,
  },
};

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** Parses CLI flags into a full config (base ← preset(env, algo) ← flags) and the flags alone. */
export function parseConfig(argv: string[]): { cfg: Config; flags: Partial<Config> } | "help" {
  const options = Object.fromEntries(
    Object.entries(base).map((
      [k, v],
    ) => [kebab(k), { type: typeof v === "boolean" ? "boolean" as const : "string" as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: { ...options, help: { type: "boolean", short: "h" } },
    allowNegative: true,
  });
  if (values.help) return "help";
  const flags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === "help" || v === undefined) continue;
    const key = camel(k) as keyof Config;
    if (typeof base[key] === "number") {
      const n = Number(v);
      if (!Number.isFinite(n)) throw new Error(`--${k} must be a number, got "${v}"`);
      flags[key] = n;
    } else flags[key] = v;
  }
  const env = (flags.env as string) ?? base.env, algo = (flags.algo as string) ?? base.algo;
  if (!(algos as readonly string[]).includes(algo)) {
    throw new Error(`Unknown algo "${algo}": valid ones are ${algos.join(", ")}`);
  }
  return {
    cfg: { ...base, ...presets[`${env}/${algo}`], ...flags } as Config,
    flags: flags as Partial<Config>,
  };
}

function usage(): string {
  const lines = Object.entries(help).map(([k, h]) => {
    const d = base[k as keyof Config];
    return `  --${kebab(k).padEnd(24)} ${h} [default: ${d === "" ? "none" : d}]`;
  });
  const pre = Object.entries(presets).map(([k, p]) =>
    `  ${k}: ${Object.entries(p).map(([a, b]) => `${kebab(a)}=${b}`).join(" ")}`
  );
  return `Usage: deno task train [flags]\n\nFlags (presets override the defaults; flags override presets):\n${
    lines.join("\n")
  }\n\nPresets:\n${pre.join("\n")}\n`;
}

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
  terms: Record<string, number>,
  gradNorm: number,
): void {
  for (const [k, v] of Object.entries({ ...terms, grad_norm: gradNorm })) {
    if (Number.isNaN(v) && k !== "grad_norm" && !["kl_old", "kl_ref", "entropy"].includes(k)) {
      continue;
    }
    if (!Number.isFinite(v) && !(Number.isNaN(v) && ["kl_old", "kl_ref", "entropy"].includes(k))) {
      throw new NonFiniteError(
        `Non-finite ${k} = ${v} at global step ${step} (update ${update}); the last good checkpoint is kept`,
      );
    }
  }
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

  // ---- env, policy, critic, optimizer
  const isGrpo = cfg.algo === "grpo";
  const N = isGrpo ? cfg.groups * cfg.groupSize : cfg.numEnvs;
  const envRngs = Array.from({ length: N }, (_, i) => new Rng(cfg.seed * 7919 + i));
  const envs = await Promise.all(envRngs.map((rng) => makeEnv(cfg.env, { rng })));
  const venv = new VectorEnv(envs, { autoreset: !isGrpo });
  const S = venv.observationSpace.shape[0], D = venv.actionSpace.shape[0];
  const initRng = new Rng(cfg.seed);
  const hidden = cfg.hidden.split(",").map(Number);
  const policy = new GaussianMlpPolicy(S, D, {
    rng: initRng,
    hidden,
    activation: cfg.activation as Activation,
    stateIndependentStd: cfg.stateIndependentStd,
    initLogStd: cfg.initLogStd,
  });
  const critic = isGrpo
    ? undefined
    : new ValueMlp(S, { rng: initRng, hidden, activation: cfg.activation as Activation });
  const reference = isGrpo && cfg.refCoef > 0
    ? new GaussianMlpPolicy(S, D, {
      rng: new Rng(cfg.seed),
      hidden,
      activation: cfg.activation as Activation,
      stateIndependentStd: cfg.stateIndependentStd,
      initLogStd: cfg.initLogStd,
    })
    : undefined; // π_ref = the initial policy, frozen (same seed ⇒ same init)
  const params = [...policy.parameters(), ...(critic?.parameters() ?? [])];
  const optimizer = new Adam(params, { lr: cfg.lr, eps: 1e-5 });
  const schedule = lrSchedule({ kind: cfg.lrSchedule, lr: cfg.lr });
  const actRng = new Rng(cfg.seed + 1), batchRng = new Rng(cfg.seed + 2);
  const obsRms = cfg.normObs ? new RunningMeanStd(S) : undefined;
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
    };
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
    return Float32Array.from(
      o,
      (x, k) =>
        Math.max(-10, Math.min(10, (x - obsRms.mean[k % S]) / Math.sqrt(obsRms.var[k % S] + 1e-8))),
    );
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
        ...Object.fromEntries(envRngs.map((r, i) => [`env${i}`, r.state()])),
      },
      extra: {
        klBeta,
        envStates: isGrpo ? undefined : envs.map((e) => Array.from(e.getState())),
        lastObs: lastObs && Array.from(lastObs),
        discounted: Array.from(discounted),
      },
    });

  const start = performance.now();
  const startStep = globalStep;
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
          transform,
        });
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
        });
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
        checkFinite(globalStep, update, { loss: loss.item(), ...terms }, gradNorm);
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
        "time/rollout_sps": Math.round(stepsOf(B, isGrpo) / ((t1 - t0) / 1000)),
        "time/advantage_ms": t2 - t1,
        "time/update_ms": t3 - t2,
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
      metrics.write(row);
      log(
        `step ${globalStep} update ${update}/${totalUpdates} return ${
          row["charts/episodic_return"].toFixed(1)
        } SPS ${row.SPS}`,
      );
      if (update % cfg.checkpointEvery === 0 || update === totalUpdates) await save();
    }
  } finally {
    venv.close();
  }

  // ---- final deterministic evaluation on fresh seeds
  if (cfg.evalEpisodes <= 0) return { evalMean: NaN, evalStd: NaN, params, out };
  const ev = await evaluate(policy, {
    env: cfg.env,
    episodes: cfg.evalEpisodes,
    seed: 10_000 + cfg.seed,
    transform: obsRms ? (o) => transform(o, false) : undefined,
  });
  log(`eval over ${cfg.evalEpisodes} episodes: ${ev.mean.toFixed(1)} ± ${ev.std.toFixed(1)}`);
  await Deno.writeTextFile(
    `${out}/eval.json`,
    JSON.stringify({ step: globalStep, ...ev }, null, 1),
  );
  return { evalMean: ev.mean, evalStd: ev.std, params, out };
}

function stepsOf(B: number, _isGrpo: boolean): number {
  return B;
}

import type { DiagGaussian } from "../lib/normal.ts";
import { DiagGaussian as Dist, kl } from "../lib/normal.ts";
function sliceDist(d: DiagGaussian, idx: Uint32Array, D: number): DiagGaussian {
  const mu = new Tensor(gatherRows(d.mean.data as Float32Array, idx, D), [idx.length, D]);
  const v = d.logVar.size === D
    ? d.logVar
    : new Tensor(gatherRows(d.logVar.data as Float32Array, idx, D), [idx.length, D]);
  return new Dist(mu, v);
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
