/**
 * The training config of `train()` (lib/train.ts): every field is also a `--kebab-case` flag of
 * `deno task train`, with per-env, per-algo presets. Precedence: defaults ← preset(env, algo) ←
 * the fields given (the flags).
 *
 * ```ts
 * import { configFor, presets } from "./config.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(presets["HalfCheetah-v5"].grpo.hidden, "256,256");
 * const cfg = configFor({ env: "Pendulum-v1", algo: "ppo", seed: 3 });
 * strictEqual(cfg.lr, presets["Pendulum-v1"].ppo.lr);
 * ```
 *
 * @module
 */

/** The algorithms, by name. */
export const algos = ["grpo", "ppo"] as const;
/** An algorithm name. */
export type Algo = typeof algos[number];

/** Every knob of a run; each is a `--kebab-case` flag. */
export interface Config {
  env: string;
  algo: string;
  seed: number;
  totalSteps: number;
  out: string;
  resume: string;
  overwrite: boolean;
  reward: string;
  init: string;
  // network
  hidden: string;
  activation: string;
  stateIndependentStd: boolean;
  initLogStd: number;
  orthoInit: boolean;
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
  branchProb: number;
  groupStart: string;
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
  criticHidden: string;
  numEnvs: number;
  rolloutSteps: number;
  gaeLambda: number;
  clip: number;
  vfCoef: number;
  clipValue: boolean;
  halfValueLoss: boolean;
  normAdv: boolean;
  normReward: boolean;
  // bookkeeping
  checkpointEvery: number;
  evalEpisodes: number;
  evalEvery: number;
  evalEverySteps: number;
  threads: number;
  envWorkers: number;
  backend: string;
  quiet: boolean;
}

/** What each field means: the flag help, in the order shown by --help. */
export const configHelp: Record<keyof Config, string> = {
  env: "environment id (see Environments below)",
  algo: `algorithm (${algos.join(", ")})`,
  seed:
    "seed of the policy init, action sampling, minibatch order and env resets; training and evaluation env seeds are disjoint for seeds ≤ 2000 (lib/seeds.ts)",
  totalSteps:
    "environment-step budget: training runs whole updates until the env steps it actually took reach it (PPO: num-envs·rollout-steps per update; GRPO: up to groups·group-size·horizon, fewer when members' episodes end early, so terminating envs run more updates); the lr schedule spans the updates still needed if each is full",
  out:
    "run folder: args.json, metrics.csv/.jsonl, checkpoint.json, run.lock (default runs/<env>_<algo>_s<seed>, then -2, -3, … if that holds a run); a folder holding a run is refused without --resume or --overwrite",
  resume: "run folder to continue from its checkpoint.json, written in place",
  overwrite: "replace the run in --out (its checkpoint and metrics are deleted)",
  init:
    "checkpoint whose policy (and observation statistics) the run starts from; with --ref-coef it is also π_ref (saved in the run's checkpoints: --resume does not read it)",
  reward:
    "training reward as name:weight terms, e.g. forward:1,ctrl:0.1,upright:5 (default: the env's own reward; charts/episodic_return always reports it)",
  hidden: "hidden layer sizes, comma-separated",
  activation: "hidden nonlinearity (relu, tanh)",
  stateIndependentStd: "one log σ parameter per action dim instead of a log σ² head",
  initLogStd: "initial log σ",
  orthoInit:
    "orthogonal init with CleanRL's gains (√2 hidden, 0.01 policy heads, 1 value head); off: PyTorch's U(±1/√fan_in), as SB3's ortho_init=False",
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
  branchProb:
    "GRPO: chance that a group branches from a state visited in the previous update (TRPO vine) instead of a fresh reset",
  groupStart:
    "GRPO: shared (a group's G members start from one cloned state: a fresh reset or a --branch-prob branch) or independent (each member its own fresh reset, so a group is G unrelated episodes; needs --branch-prob 0)",
  advMode: "GRPO: advantage mode (process, outcome)",
  scaleRewards:
    "GRPO: advantage scaling (group: ÷ the group's std; batch: ÷ the pooled std of the group-centred values, not TRL's std of raw rewards; none: Dr. GRPO)",
  dropZeroStd: "GRPO: drop groups with no reward spread (DAPO dynamic sampling)",
  epsLow: "GRPO: ratio clip below, 1 − ε_low",
  epsHigh: "GRPO: ratio clip above, 1 + ε_high",
  klCoef: "GRPO: initial β_old of the KL trust region to π_old (0: off)",
  klTarget: "GRPO: target d of the adaptive β_old",
  adaptiveKl: "GRPO: adapt β_old (halve below d/1.5, double above 1.5·d)",
  refCoef: "GRPO: β_ref of KL(π_θ‖π_ref) to the frozen initial policy (0: no reference)",
  refKl: "GRPO: reference KL estimator (k3, exact)",
  criticHidden: "PPO: the critic's hidden layer sizes (default: --hidden)",
  numEnvs: "PPO: parallel envs N",
  rolloutSteps: "PPO: steps per env per update T",
  gaeLambda: "PPO: GAE λ",
  clip: "PPO: ratio and value clip ε",
  vfCoef: "PPO: value-loss coefficient c_V",
  clipValue: "PPO: clip the value update to ±ε around V_old (CleanRL clip_vloss; SB3 default: off)",
  halfValueLoss:
    "PPO: the ½ in L_V = ½·mean(V − R)² (CleanRL; SB3 has none, so its c_V is twice ours)",
  normAdv:
    "PPO: normalize advantages per minibatch, (Â − mean)/(std + 1e-8) with the population std (÷ n; CleanRL and SB3 divide by n − 1)",
  normReward:
    "PPO: scale rewards by the running std of the discounted return, clipped to ±10 (Gymnasium NormalizeReward: the return resets on termination only)",
  checkpointEvery: "save checkpoint.json every this many updates (and at the end)",
  evalEpisodes:
    "deterministic evaluation episodes, at the end and every --eval-every updates (0: skip)",
  evalEvery: "evaluate every this many updates into charts/eval_return (0: only at the end)",
  evalEverySteps:
    "evaluate on the env-step grid 0, D, 2D, …, total-steps (D: this; 0: only at the end), each point at the end of the first update reaching it, into results.json and charts/eval_return",
  threads: "threads sharing each large matmul (bit-identical results for any count)",
  envWorkers:
    "Web Workers stepping the env members (0: this thread; bit-identical results for any count); pays for many members of a costly env, as GRPO's 64 on MuJoCo, not for PPO's 1–8 (docs/speed.md); not with --reward",
  backend:
    "matrix products: wasm (WebAssembly SIMD; falls back to ts with a notice where SIMD is missing) or ts (scalar TypeScript, the reference); their numbers differ in the last bits",
  quiet: "print nothing but errors (never saved: a resumed run prints unless given again)",
};

/** The defaults, under every preset. */
export const defaults: Config = {
  env: "Pendulum-v1",
  algo: "grpo",
  seed: 1,
  totalSteps: 100_000,
  out: "",
  resume: "",
  overwrite: false,
  reward: "",
  init: "",
  hidden: "64,64",
  activation: "tanh",
  stateIndependentStd: false,
  initLogStd: 0,
  orthoInit: true,
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
  branchProb: 0,
  groupStart: "shared",
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
  criticHidden: "",
  numEnvs: 4,
  rolloutSteps: 1024,
  gaeLambda: 0.95,
  clip: 0.2,
  vfCoef: 0.5,
  clipValue: true,
  halfValueLoss: true,
  normAdv: true,
  normReward: true,
  checkpointEvery: 5,
  evalEpisodes: 10,
  evalEvery: 0,
  evalEverySteps: 0,
  threads: 1,
  envWorkers: 0,
  backend: "wasm",
  quiet: false,
};

/** Presets by env id and algorithm, as {@link presetFor} reads them. */
export type Presets = Record<string, Partial<Record<Algo, Partial<Config>>>>;

// The SB3 zoo's MuJoCo policy (policy_kwargs: 256-256 ReLU, state-independent log σ from −2) and its
// VecNormalize (observations and rewards), one env of 512 steps, a constant lr; ortho_init=False
// there, orthogonal here. Its c_V multiplies a loss without the ½ (ours has one: --no-half-value-loss).
const zooMujocoPpo = {
  hidden: "256,256",
  activation: "relu",
  stateIndependentStd: true,
  initLogStd: -2,
  normObs: true,
  numEnvs: 1,
  rolloutSteps: 512,
  lrSchedule: "constant",
  // a checkpoint every 20,480 steps, not every 2,560: at 5 updates the 9 MB saves took 1–2 min of
  // a 1M run (docs/speed.md); a stop or crash loses at most ~30 s of training, and grid points save too
  checkpointEvery: 40,
} satisfies Partial<Config>;
// SB3's PPO defaults (64-64 tanh, state-independent log σ from 0, 1 env × 2048 steps, 64-row
// minibatches, 10 epochs, lr 3e-4 constant) with the zoo's `normalize: true`.
const sb3Ppo = {
  stateIndependentStd: true,
  normObs: true,
  numEnvs: 1,
  rolloutSteps: 2048,
  minibatches: 32,
  epochs: 10,
  lr: 3e-4,
  lrSchedule: "constant",
} satisfies Partial<Config>;
// The HalfCheetah-v5 GRPO preset's network and optimizer, which the MuJoCo GRPO presets adapt.
const cheetahGrpo = {
  hidden: "256,256",
  activation: "relu",
  stateIndependentStd: true,
  initLogStd: -1,
  normObs: true,
  gamma: 0.98,
  groups: 8,
  groupSize: 8,
  horizon: 64,
  branchProb: 0.9,
  lr: 3e-4,
  epochs: 10,
  minibatches: 32,
} satisfies Partial<Config>;
// HalfCheetah's over whole 1000-step episodes, 2 groups of 8 each from one fresh cloned reset, at
// 1M steps: what the MuJoCo equal-budget searches chose on Hopper, Walker2d, Swimmer and Ant.
const wholeGrpo = {
  ...cheetahGrpo,
  totalSteps: 1_000_000,
  horizon: 1000,
  branchProb: 0,
  groups: 2,
  evalEvery: 5,
} satisfies Partial<Config>;
// CartPole's first GRPO preset (outcome advantages over 32-step vine branches), which the
// MountainCar presets start from.
const balanceGrpo = {
  advMode: "outcome",
  groups: 16,
  groupSize: 8,
  horizon: 32,
  branchProb: 0.9,
  epochs: 10,
  minibatches: 4,
} satisfies Partial<Config>;

/** Per-env, per-algo presets over {@link defaults}: `presets["HalfCheetah-v5"].grpo`. */
export const presets = {
  // Pendulum: both algorithms on one small network (32-32 ReLU) — a fraction of the cost of 64-64
  // tanh for the same return (docs/speed.md).
  "Pendulum-v1": {
    // GRPO's γ is the default 0.99: best of 13 trials × seeds 1–10 (docs/tuning/pendulum.md).
    grpo: {
      totalSteps: 150_000,
      hidden: "32,32",
      activation: "relu",
      stateIndependentStd: true,
      groups: 16,
      groupSize: 8,
      horizon: 32,
      branchProb: 0.9,
      lr: 5e-3,
      epochs: 6,
      minibatches: 8,
      evalEvery: 5,
    },
    // PPO's γ 0.99 and 16 minibatches: best of 13 trials × seeds 1–10 (docs/tuning/pendulum.md).
    ppo: {
      totalSteps: 100_000,
      hidden: "32,32",
      activation: "relu",
      stateIndependentStd: true,
      numEnvs: 4,
      rolloutSteps: 1024,
      lr: 1e-3,
      epochs: 10,
      minibatches: 16,
      evalEvery: 5,
    },
  },
  "HalfCheetah-v5": {
    // 6 epochs (the `grpo-fast` flags, 1M steps in 3:01 here, docs/speed.md), the equal-budget
    // search's choice on seeds 1–3: 3822.5 ± 266.2 against 10 epochs' 2985.4 ± 1575.2 (mean ± sample
    // std, docs/tuning/halfcheetah.md). Rollouts on 2 env workers: the same numbers; 1.06–1.43×
    // rollout steps/s here (docs/speed.md).
    grpo: { totalSteps: 1_000_000, ...cheetahGrpo, epochs: 6, threads: 2, envWorkers: 2 },
    // Zoo-like: the SB3 zoo's tuned HalfCheetah PPO hyperparameters (its published 5819 ± 664 at 1M
    // steps), but not the zoo's training: here the value update is clipped (SB3: not; add
    // --no-clip-value), L_V carries a ½ (SB3: none; --no-half-value-loss), init is orthogonal (the zoo
    // entry sets ortho_init=False; --no-ortho-init), and the advantage std divides by n (SB3: n − 1).
    // 17:42 per 1M here, measured (docs/speed.md); the `ppo-fast` flags (scripts/variants.ts) take 3:20.
    ppo: {
      totalSteps: 1_000_000,
      ...zooMujocoPpo,
      minibatches: 8,
      epochs: 20,
      lr: 2.0633e-5,
      gamma: 0.98,
      gaeLambda: 0.92,
      clip: 0.1,
      entCoef: 0.000401762,
      vfCoef: 0.58096,
      maxGradNorm: 0.8,
      threads: 2,
    },
  },
  "CartPole-v1": {
    // The SB3 zoo's tuned CartPole PPO (hyperparams/ppo.yml: 8 envs × 32 steps, 20 epochs, lr 1e-3
    // linear; its clip_range is linear too, here constant 0.2), with 4 minibatches of 64 rows instead
    // of one of 256: best of 8 trials × seeds 1–10 (docs/tuning/cartpole.md).
    ppo: {
      numEnvs: 8,
      rolloutSteps: 32,
      minibatches: 4,
      epochs: 20,
      lr: 1e-3,
      gamma: 0.98,
      gaeLambda: 0.8,
      normReward: false,
    },
    // Ours: outcome advantages (CartPole pays 1 per step, so process mode sees no spread) over whole
    // episodes, 4 groups of 8 from fresh cloned resets: best of 8 trials × seeds 1–10, where the
    // earlier 32-step vine branches came last but one (docs/tuning/cartpole.md).
    grpo: {
      advMode: "outcome",
      groups: 4,
      groupSize: 8,
      horizon: 500,
      branchProb: 0,
      epochs: 10,
      minibatches: 4,
      evalEvery: 3,
    },
  },
  "Acrobot-v1": {
    // The SB3 zoo's Acrobot PPO (16 envs × 256 steps, 4 epochs, normalized observations and
    // rewards, SB3's default lr 3e-4), on the issue's 200k-step budget, with 16 minibatches of 256
    // rows instead of the zoo's 64 of 64: best of 4 trials × seeds 1–10 (docs/tuning/acrobot.md).
    ppo: {
      totalSteps: 200_000,
      numEnvs: 16,
      rolloutSteps: 256,
      minibatches: 16,
      epochs: 4,
      lr: 3e-4,
      lrSchedule: "constant",
      gaeLambda: 0.94,
      normObs: true,
      evalEvery: 3,
    },
    // Ours: outcome advantages over whole episodes (a 500-step horizon) from fresh resets.
    grpo: {
      totalSteps: 200_000,
      advMode: "outcome",
      groups: 8,
      groupSize: 8,
      horizon: 500,
      epochs: 10,
      minibatches: 16,
      evalEvery: 2,
    },
  },
  "MountainCar-v0": {
    // The SB3 zoo's MountainCar PPO (16 envs × 16 steps, 4 minibatches, 4 epochs, normalized
    // observations and rewards), with 10 epochs instead of the zoo's 4: the equal-budget search
    // chose them (docs/tuning/mountaincar.md, −100.3 against −112.9 with 4).
    ppo: {
      totalSteps: 1_000_000,
      numEnvs: 16,
      rolloutSteps: 16,
      minibatches: 4,
      epochs: 10,
      lr: 3e-4,
      lrSchedule: "constant",
      gaeLambda: 0.98,
      normObs: true,
      evalEvery: 200,
    },
    // Ours: whole 200-step episodes from fresh resets, trained on the env's −1 per step plus
    // energy shaping (lib/rewards.ts `mountainCarTerms`: Φ(s′) − Φ(s), Φ the car's mechanical
    // energy, weight 100), with outcome advantages (each episode scored by its shaped return) and a
    // constant lr. On the env's reward alone every member earns −200 until one reaches the flag by
    // chance, so no group has any spread: −200 throughout 200k steps (docs/envs.md). Outcome rather
    // than process advantages: best of 3 trials × seeds 1–10 (docs/tuning/mountaincar.md).
    grpo: {
      ...balanceGrpo,
      totalSteps: 1_000_000,
      horizon: 200,
      branchProb: 0,
      minibatches: 16,
      reward: "time:1,energy:100",
      lrSchedule: "constant",
    },
  },
  "MountainCarContinuous-v0": {
    // SB3 zoo ppo.yml MountainCarContinuous-v0: normalize, n_envs 1, n_steps 8, batch 256 (> the
    // 8-step rollout: one minibatch), gamma 0.9999, lr 7.77e-5, ent 0.00429, clip 0.1, 10 epochs,
    // λ 0.9, max_grad_norm 5, vf 0.19, 20k steps, use_sde with log_std_init −3.29, ortho_init False.
    // Differences: no gSDE here, so log σ starts at 0 (−3.29 without gSDE's state-dependent noise
    // never leaves the valley), 100k steps, and max_grad_norm 0.5 (SB3's default): the equal-budget
    // search's choice, best of 4 trials on seeds 1–10 at 200k steps, 92.67 ± 2.20 against the zoo's
    // 5 at 68.32 ± 60.99 (mean ± sample std; one seed at −99.9, docs/tuning/mountaincarcontinuous.md).
    ppo: {
      ...sb3Ppo,
      totalSteps: 100_000,
      rolloutSteps: 8,
      minibatches: 1,
      gamma: 0.9999,
      lr: 7.77e-5,
      entCoef: 0.00429,
      clip: 0.1,
      gaeLambda: 0.9,
      maxGradNorm: 0.5,
      vfCoef: 0.19,
      evalEvery: 500,
    },
    // Ours: outcome advantages over whole 999-step episodes from fresh resets, with a
    // state-independent σ, normalized observations (raw velocities are within ±0.07) and unscaled
    // advantages (Dr. GRPO): ÷ the group's std would blow a group's small control-cost differences
    // up to the size of another group's flag bonus. With neither change the policy learned to stop
    // pushing (−0.3 at 222k); with the first two alone it reached 90 one update later (docs/envs.md).
    grpo: {
      ...balanceGrpo,
      totalSteps: 200_000,
      horizon: 999,
      branchProb: 0,
      stateIndependentStd: true,
      normObs: true,
      scaleRewards: "none",
      // The equal-budget search's choice, best of 4 trials on seeds 1–10 at 200k steps: lr 3e-3 and
      // 8 groups, 97.37 ± 0.82 against 4 groups at 74.67 ± 39.42 (mean ± sample std; 2 seeds at 0,
      // docs/tuning/mountaincarcontinuous.md).
      lr: 3e-3,
      groups: 8,
    },
  },
  "InvertedPendulum-v5": {
    // SB3 zoo ppo.yml InvertedPendulum-v3: normalize, n_envs 1, n_steps 32, batch 64 (> the rollout:
    // one minibatch), gamma 0.999, lr 2.22425e-4, ent 1.37976e-7, clip 0.4, 5 epochs, λ 0.9,
    // max_grad_norm 0.3, vf 0.19816, SB3's 64-64 tanh policy. Differences: v5 not v3, 100k steps,
    // and a linearly decaying lr (the zoo's is constant): at 1M the constant lr ended below 1000 on 2
    // of 3 training seeds, the linear one on none (docs/tuning/invertedpendulum.md).
    ppo: {
      ...sb3Ppo,
      lrSchedule: "linear",
      rolloutSteps: 32,
      minibatches: 1,
      gamma: 0.999,
      lr: 2.22425e-4,
      entCoef: 1.37976e-7,
      clip: 0.4,
      epochs: 5,
      gaeLambda: 0.9,
      maxGradNorm: 0.3,
      vfCoef: 0.19816,
      evalEvery: 100,
    },
    // Ours: CartPole's outcome advantages (reward 1 per step alive) over 128-step branches, with a
    // state-independent σ, normalized observations and a constant lr. CartPole's own 32-step
    // branches plateaued at eval 115–132 (docs/envs.md, smoke runs): the cart's slow drift, which
    // ends episodes after ~120 steps, is invisible within 32.
    grpo: {
      ...balanceGrpo,
      horizon: 128,
      groups: 8,
      minibatches: 8,
      stateIndependentStd: true,
      normObs: true,
      lrSchedule: "constant",
      evalEvery: 4,
    },
  },
  "InvertedDoublePendulum-v5": {
    // SB3's PPO defaults, 300k steps: the equal-budget search's choice on seeds 1–3, 7353.6 ± 1003.0
    // against the zoo's InvertedDoublePendulum-v3 entry's 6267.1 ± 1905.0 (mean ± sample std,
    // docs/tuning/inverteddoublependulum.md; the entry: n_steps 128, batch 512, γ 0.98, lr 1.55e-4,
    // clip 0.4, λ 0.8, vf 0.70).
    ppo: { ...sb3Ppo, totalSteps: 300_000, evalEvery: 10 },
    // Ours: CartPole's, with normalized observations and 128-step branches (≈ 9.4 per step alive):
    // the equal-budget search's choice on seeds 1–3, 7028.8 ± 2211.8 against 64-step branches'
    // 6443.2 ± 950.2 (mean ± sample std, docs/tuning/inverteddoublependulum.md).
    grpo: { ...balanceGrpo, totalSteps: 300_000, horizon: 128, normObs: true, evalEvery: 2 },
  },
  "Reacher-v5": {
    // SB3 zoo ppo.yml Reacher-v2: normalize, n_envs 1, n_steps 512, batch 32, gamma 0.9,
    // lr 1.04019e-4, ent 7.52585e-8, clip 0.3, 5 epochs, λ 1.0, max_grad_norm 0.9, vf 0.950368,
    // 64-64 tanh. Differences: v5 not v2.
    ppo: {
      ...sb3Ppo,
      totalSteps: 1_000_000,
      rolloutSteps: 512,
      minibatches: 16,
      gamma: 0.9,
      lr: 1.04019e-4,
      entCoef: 7.52585e-8,
      clip: 0.3,
      epochs: 5,
      gaeLambda: 1,
      maxGradNorm: 0.9,
      vfCoef: 0.950368,
      evalEvery: 20,
    },
    // Ours: HalfCheetah's on 64-64, over whole 50-step episodes from fresh resets (a group shares
    // its goal), γ 0.9 as the zoo's PPO, and outcome advantages (each episode scored by its
    // return): the equal-budget search's choice on seeds 1–3, −3.91 ± 0.33 against process
    // advantages' −4.39 ± 0.14 (mean ± sample std, docs/tuning/reacher.md).
    grpo: {
      ...cheetahGrpo,
      totalSteps: 1_000_000,
      hidden: "64,64",
      gamma: 0.9,
      advMode: "outcome",
      horizon: 50,
      branchProb: 0,
      evalEvery: 5,
    },
  },
  "Pusher-v5": {
    // No SB3 zoo PPO entry: the Reacher-v2 one (above) with SB3's γ 0.99 and λ 0.95, as Pusher's
    // 100-step episodes reward the object's distance late, and a linearly decaying lr: the
    // equal-budget search's choice on seeds 1–3, −26.00 ± 0.20 against the constant lr's
    // −28.00 ± 1.19 (mean ± sample std, docs/tuning/pusher.md).
    ppo: {
      ...sb3Ppo,
      lrSchedule: "linear",
      totalSteps: 1_000_000,
      rolloutSteps: 512,
      minibatches: 16,
      lr: 1.04019e-4,
      clip: 0.3,
      epochs: 5,
      maxGradNorm: 0.9,
      vfCoef: 0.950368,
      evalEvery: 20,
    },
    // Ours: HalfCheetah's over whole 100-step episodes from fresh resets (the equal-budget search
    // kept it: docs/tuning/pusher.md).
    grpo: {
      ...cheetahGrpo,
      totalSteps: 1_000_000,
      gamma: 0.99,
      horizon: 100,
      branchProb: 0,
      evalEvery: 5,
    },
  },
  "Swimmer-v5": {
    // SB3 zoo ppo.yml Swimmer-v3: the zoo's MuJoCo defaults (normalize, SB3's PPO defaults) with
    // gamma 0.9999. Differences: v5 not v3, and λ 0.98 (SB3: 0.95), the equal-budget search's choice
    // on seeds 1–3: 327.7 ± 24.0 against 261.1 ± 52.4 (mean ± sample std, docs/tuning/swimmer.md).
    ppo: { ...sb3Ppo, totalSteps: 1_000_000, gamma: 0.9999, gaeLambda: 0.98, evalEvery: 5 },
    // Ours: HalfCheetah's (process advantages on the forward velocity) over whole episodes in 2
    // groups, γ 0.9999 (the zoo's for PPO) and log σ from 0: the equal-budget search's choice on
    // seeds 1–3, 109.6 ± 90.5 against 128-step branches' 56.4 ± 9.7 (mean ± sample std,
    // docs/tuning/swimmer.md).
    grpo: { ...wholeGrpo, gamma: 0.9999, initLogStd: 0 },
  },
  "Hopper-v5": {
    // SB3 zoo ppo.yml Hopper-v3: normalize, n_envs 1, n_steps 512, batch 32, gamma 0.999,
    // lr 9.80828e-5, ent 0.00229519, clip 0.2, 5 epochs, λ 0.99, max_grad_norm 0.7, vf 0.835671,
    // the MuJoCo policy above. Differences: v5 not v3, as HalfCheetah's (orthogonal init, ½ in L_V,
    // clipped value update).
    ppo: {
      ...zooMujocoPpo,
      totalSteps: 1_000_000,
      minibatches: 16,
      gamma: 0.999,
      lr: 9.80828e-5,
      entCoef: 0.00229519,
      clip: 0.2,
      epochs: 5,
      gaeLambda: 0.99,
      maxGradNorm: 0.7,
      vfCoef: 0.835671,
      evalEvery: 10,
    },
    // Ours: HalfCheetah's network and optimizer with outcome advantages over whole episodes from
    // fresh resets and a constant lr: a member that falls early loses the healthy reward of every
    // later step, which separates the group ("Learning Without Critics?", 2025: critic-free methods
    // do well where early termination separates good and bad episodes). 128- and 64-step branches
    // from visited states evaluated 305.6 → 244.6 and 218.1 → 178.2 instead (docs/envs.md). 2 groups
    // (16 episodes per update, not 8 groups' 64): the equal-budget search's choice on seeds 1–3,
    // 1015.9 ± 16.8 against 987.6 ± 8.7 (mean ± sample std over seeds, docs/tuning/hopper.md).
    grpo: { ...wholeGrpo, advMode: "outcome", lrSchedule: "constant" },
  },
  "Walker2d-v5": {
    // SB3's PPO defaults with the zoo's normalize (the zoo's MuJoCo defaults, as its Ant and Swimmer
    // entries). Not the zoo's tuned Walker2d-v3 entry (n_steps 512, batch 32, 20 epochs,
    // lr 5.05041e-5, clip 0.1, γ 0.99, λ 0.95, ent 0.000585045, vf 0.871923, max_grad_norm 1): with
    // the MuJoCo policy above it evaluated 319.7 → 266.7 at 100k steps here, and its 20 epochs of
    // 32-row minibatches cost the most of any preset; the zoo's Hopper entry on Walker2d evaluated
    // 260.4 → 276.9 at 100k (docs/envs.md).
    ppo: { ...sb3Ppo, totalSteps: 1_000_000, evalEvery: 5 },
    // Ours: HalfCheetah's with outcome advantages (a member that falls loses its healthy reward,
    // which per-step process advantages never see) over whole episodes from fresh resets, 2 groups:
    // the equal-budget search's choice on seeds 1–3, 875.6 ± 201.2 against 128-step vine branches'
    // 377.3 ± 43.4 (mean ± sample std over seeds, docs/tuning/walker2d.md).
    grpo: { ...wholeGrpo, advMode: "outcome" },
  },
  "Ant-v5": {
    // SB3 zoo ppo.yml Ant-v3: the zoo's MuJoCo defaults (normalize, SB3's PPO defaults, 1M steps).
    // Differences: v5 (contact forces in the observation, 105 values), and log σ starts at −1: from
    // SB3's 0, Ant's control cost (0.5·Σa² over 8 joints, ≈ 2.1 per step at σ = 1 with the actions
    // clipped to ±1, against a healthy reward of 1) dominates the early returns, and the policy
    // evaluated 895.8 → 230.6 at 51.2k steps (docs/envs.md); a linearly decaying lr from 1e-4 and
    // 5 epochs, the equal-budget search's choices on seeds 1–3 (mean ± sample std,
    // docs/tuning/ant.md): linear 1853.9 ± 319.7 against the constant lr's 1120.3 ± 678.6, then from
    // 1e-4 2960.9 ± 529.9, then 5 epochs instead of 10 3007.2 ± 184.5.
    ppo: {
      ...sb3Ppo,
      totalSteps: 1_000_000,
      initLogStd: -1,
      lr: 1e-4,
      lrSchedule: "linear",
      epochs: 5,
      evalEvery: 5,
    },
    // Ours: HalfCheetah's over whole episodes in 2 groups with lr 1e-4, the equal-budget search's
    // choices on seeds 1–3 (mean ± sample std, docs/tuning/ant.md): whole episodes 698.2 ± 243.4
    // against HalfCheetah's 64-step branches' 615.7 ± 79.6, then lr 1e-4 1100.0 ± 301.0.
    grpo: { ...wholeGrpo, lr: 1e-4 },
  },
  "Humanoid-v5": {
    // SB3 zoo ppo.yml Humanoid-v3: normalize, n_envs 1, n_steps 512, batch 256, gamma 0.95,
    // lr 3.56987e-5, ent 0.00238306, clip 0.3, 5 epochs, λ 0.9, max_grad_norm 2, vf 0.431892, the
    // MuJoCo policy above, 10M steps. Differences: v5, as HalfCheetah's. The equal-budget search
    // kept it (docs/tuning/humanoid.md): 573.1 ± 49.7 against a linear lr's 541.5 ± 115.1 (seeds
    // 1–3 at 1M, mean ± sample std).
    ppo: {
      ...zooMujocoPpo,
      totalSteps: 10_000_000,
      minibatches: 2,
      gamma: 0.95,
      lr: 3.56987e-5,
      entCoef: 0.00238306,
      clip: 0.3,
      epochs: 5,
      gaeLambda: 0.9,
      maxGradNorm: 2,
      vfCoef: 0.431892,
      evalEvery: 20,
      threads: 2,
    },
    // Ours: HalfCheetah's with outcome advantages over 128-step branches (healthy reward 5 per
    // step), as Hopper's and Walker2d's presets were before their tuning chose whole episodes. The
    // equal-budget search kept it (docs/tuning/humanoid.md): 551.1 ± 50.8 against whole episodes'
    // 534.6 ± 9.2 (seeds 1–3 at 1M, mean ± sample std).
    grpo: {
      ...cheetahGrpo,
      totalSteps: 10_000_000,
      advMode: "outcome",
      horizon: 128,
      evalEvery: 5,
      threads: 2,
    },
  },
  "HumanoidStandup-v5": {
    // SB3 zoo ppo.yml HumanoidStandup-v3: normalize, n_envs 1, n_steps 512, batch 32, gamma 0.99,
    // lr 2.55673e-5, ent 3.62109e-6, clip 0.3, 20 epochs, λ 0.9, max_grad_norm 0.7, vf 0.430793,
    // the MuJoCo policy above, 10M steps. Differences: v5, as HalfCheetah's.
    ppo: {
      ...zooMujocoPpo,
      totalSteps: 10_000_000,
      minibatches: 16,
      gamma: 0.99,
      lr: 2.55673e-5,
      entCoef: 3.62109e-6,
      clip: 0.3,
      epochs: 20,
      gaeLambda: 0.9,
      maxGradNorm: 0.7,
      vfCoef: 0.430793,
      evalEvery: 20,
      threads: 2,
      // the equal-budget search's choice on seeds 1–3 at 200k: 118345.2 ± 11788.6 against the
      // constant lr's 93847.4 ± 11121.4 (mean ± sample std, docs/tuning/humanoidstandup.md)
      lrSchedule: "linear",
    },
    // Ours: HalfCheetah's (never terminates: process advantages on the height reward), with lr 1e-4,
    // the equal-budget search's choice on seeds 1–3 at 200k: 103103.1 ± 4311.1 against 3e-4's
    // 83145.7 ± 16957.6 (mean ± sample std, docs/tuning/humanoidstandup.md).
    grpo: { ...cheetahGrpo, totalSteps: 10_000_000, lr: 1e-4, evalEvery: 5, threads: 2 },
  },
} satisfies Presets;

/** The preset of (env, algo) over the defaults; empty for an env or algorithm without one. */
export function presetFor(env: string, algo: string): Partial<Config> {
  return (presets as Presets)[env]?.[algo as Algo] ?? {};
}

/** Layer sizes from a `--hidden`-style flag; throws on anything but comma-separated positive integers. */
export function layerSizes(flag: string, value: string): number[] {
  const sizes = value.split(",").map(Number);
  if (!sizes.every((n) => Number.isInteger(n) && n > 0)) {
    throw new Error(
      `--${flag} must be comma-separated positive integers like 64,64, got "${value}"`,
    );
  }
  return sizes;
}

/** `totalSteps` → `total-steps`: a field's flag name. */
export const kebab = (k: string): string => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * The full config of a run: {@link defaults} ← `presets[env][algo]` ← `fields` (env and algo
 * taken from `fields`, else the defaults'). Not validated: see {@link validateConfig}.
 */
export function configFor(fields: Partial<Config>): Config {
  const env = fields.env ?? defaults.env, algo = fields.algo ?? defaults.algo;
  return { ...defaults, ...presetFor(env, algo), ...defined(fields) };
}

/** `fields` without its undefined entries, so `{ seed: undefined }` keeps the default seed. */
export function defined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<
    T
  >;
}

/** The largest seed: the generator keeps 32 bits of it (lib/rng.ts). */
export const MAX_SEED = 2 ** 32 - 1;

type Rule = [keys: (keyof Config)[], ok: (v: number) => boolean, range: string];
const integer = (lo: number, hi = Infinity) => (v: number) =>
  Number.isInteger(v) && v >= lo && v <= hi;
const rules: Rule[] = [
  [["seed"], integer(0, MAX_SEED), `an integer in [0, ${MAX_SEED}]`],
  [
    ["totalSteps", "epochs", "minibatches", "groups", "horizon", "numEnvs", "rolloutSteps"],
    integer(1),
    "a positive integer",
  ],
  [["checkpointEvery", "threads"], integer(1), "a positive integer"],
  [["groupSize"], integer(2), "an integer ≥ 2 (a group needs two members to compare)"],
  [["evalEpisodes"], integer(0, 1024), "an integer in [0, 1024] (evaluation seeds: lib/seeds.ts)"],
  [["evalEvery", "evalEverySteps", "envWorkers"], integer(0), "a non-negative integer"],
  [["lr", "clip", "klTarget"], (v) => Number.isFinite(v) && v > 0, "a finite number > 0"],
  [["gamma", "gaeLambda", "branchProb", "epsLow"], (v) => v >= 0 && v <= 1, "in [0, 1]"],
  [["epsHigh", "klCoef", "refCoef", "vfCoef"], (v) => Number.isFinite(v) && v >= 0, "finite, ≥ 0"],
  [["initLogStd", "maxGradNorm", "entCoef"], Number.isFinite, "a finite number"],
];
const choices: Partial<Record<keyof Config, readonly string[]>> = {
  activation: ["relu", "tanh"],
  lrSchedule: ["constant", "linear", "cosine"],
  groupStart: ["shared", "independent"],
  advMode: ["process", "outcome"],
  scaleRewards: ["group", "batch", "none"],
  refKl: ["k3", "exact"],
  backend: ["ts", "wasm"],
};

/**
 * Checks every field of a config against its accepted range before anything is built or written.
 *
 * @throws naming the first bad flag, its value and what it accepts.
 */
export function validateConfig(cfg: Config): void {
  const unknown = Object.keys(cfg).find((k) => !(k in configHelp));
  if (unknown !== undefined) {
    throw new Error(
      `Unknown config field "${unknown}": valid ones are ${Object.keys(configHelp).join(", ")}`,
    );
  }
  if (!(algos as readonly string[]).includes(cfg.algo)) {
    throw new Error(`Unknown algo "${cfg.algo}": valid ones are ${algos.join(", ")}`);
  }
  for (const [keys, ok, range] of rules) {
    for (const k of keys) {
      const v = cfg[k] as number;
      if (!ok(v)) throw new Error(`--${kebab(k)} is ${v}, expected ${range}`);
    }
  }
  for (const [k, valid] of Object.entries(choices) as [keyof Config, readonly string[]][]) {
    if (!valid.includes(cfg[k] as string)) {
      throw new Error(`--${kebab(k)} is "${cfg[k]}", expected one of ${valid.join(", ")}`);
    }
  }
  if (cfg.groupStart === "independent" && cfg.branchProb > 0) {
    throw new Error(
      `--branch-prob is ${cfg.branchProb}, expected 0 with --group-start independent (a branch clones one state into the whole group)`,
    );
  }
  if (cfg.reward && cfg.envWorkers > 0) {
    throw new Error(
      `--env-workers is ${cfg.envWorkers}, expected 0 with --reward (its terms read each step's info, which workers do not send)`,
    );
  }
  layerSizes("hidden", cfg.hidden);
  if (cfg.criticHidden) layerSizes("critic-hidden", cfg.criticHidden);
}

/** Flags of one invocation (display, overwrite): never saved, so they never stick on resume. */
export const notSaved: readonly (keyof Config)[] = ["quiet", "overwrite"];

/** Fields that must match between a checkpoint and a run resuming from it. */
const resumeKeys: (keyof Config)[] = [
  "activation",
  "stateIndependentStd",
  "criticHidden",
  "normObs",
  "normReward",
  "groups",
  "groupSize",
  "numEnvs",
];

/**
 * Checks that a checkpoint fits the run that loads it: env, algorithm and network for `--resume`;
 * env and policy network for `--init` (whose critic, if any, is not used).
 *
 * @throws `checkpoint was trained on HalfCheetah-v5 with ppo, [256, 256]; this run is Pendulum-v1
 *   with grpo, [32, 32]`, plus any other differing field.
 */
export function checkCheckpointFits(
  saved: Record<string, unknown>,
  cfg: Config,
  use: "resume" | "init",
): void {
  const desc = (c: Record<string, unknown>) =>
    `${c.env} with ${c.algo}, [${String(c.hidden).split(",").join(", ")}]`;
  const core = use === "resume" ? ["env", "algo", "hidden"] : ["env", "hidden"];
  const keys: (keyof Config)[] = use === "resume"
    ? resumeKeys
    : ["activation", "stateIndependentStd", "normObs"];
  const cur = cfg as unknown as Record<string, unknown>;
  const others = keys.filter((k) => saved[k] !== undefined && saved[k] !== cur[k])
    .map((k) => `--${kebab(k)} ${saved[k]} vs ${cur[k]}`);
  if (core.every((k) => saved[k] === cur[k]) && !others.length) return;
  throw new Error(
    `checkpoint was trained on ${desc(saved)}; this run is ${desc(cur)}` +
      (others.length ? ` (${others.join(", ")})` : ""),
  );
}
