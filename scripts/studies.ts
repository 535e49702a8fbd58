/**
 * The benchmark studies `deno task study <name>` runs: env ids × algorithms × seeds at a budget,
 * each evaluated on an env-step grid, with preset overrides. A study's runs train seeds 1000, 1001, …
 * (tuning uses seeds below 1000, so no study run shares a training or evaluation seed with a tuning
 * run; docs/protocol.md).
 *
 * @module
 */
import { type Algo, type Config, configFor } from "../lib/config.ts";

/** One study. */
export interface StudySpec {
  /** Its name: the run folders go to runs/study/<name>/, the committed results to docs/bench/<name>/. */
  name: string;
  /** What it answers, for the report. */
  description: string;
  envs: string[];
  algos: Algo[];
  /** Seeds trained: firstSeed, firstSeed + 1, …, firstSeed + seeds − 1. */
  seeds: number;
  /** The first seed; ≥ 1000 for evaluation studies (tuning uses seeds below 1000). Default 1000. */
  firstSeed?: number;
  /** The env-step budget B of every run of an env, the same for both algorithms. */
  budget: Record<string, number>;
  /** Grid intervals: evaluations at 0, B/points, 2B/points, …, B. Default 20. */
  points?: number;
  /** Evaluation episodes per grid point (≥ 10). Default 10. */
  evalEpisodes?: number;
  /** Config fields over the preset, by env then algorithm (e.g. `{ "Hopper-v5": { grpo: {…} } }`). */
  overrides?: Record<string, Partial<Record<Algo, Partial<Config>>>>;
}

const classicEnvs = [
  "Pendulum-v1",
  "CartPole-v1",
  "Acrobot-v1",
  "MountainCar-v0",
  "MountainCarContinuous-v0",
];
const mujocoEnvs = [
  "InvertedPendulum-v5",
  "InvertedDoublePendulum-v5",
  "Reacher-v5",
  "Pusher-v5",
  "Swimmer-v5",
  "HalfCheetah-v5",
  "Hopper-v5",
  "Walker2d-v5",
  "Ant-v5",
  "Humanoid-v5",
  "HumanoidStandup-v5",
];

const classicBudget = {
  "Pendulum-v1": 150_000,
  "CartPole-v1": 100_000,
  "Acrobot-v1": 200_000,
  "MountainCar-v0": 1_000_000,
  "MountainCarContinuous-v0": 200_000,
};
// The GRPO designs compared in docs/grpo_vs_ppo.md, each as explicit overrides of the GRPO preset so
// that a later preset change does not change what a design study compares. Vine: 32-step branches
// from visited states (the Pendulum preset's groups). Whole: whole episodes from one fresh cloned
// reset per group; on Pendulum and CartPole 2 groups of 8, so that an update still takes about the
// vine's 4,096 steps; on the others the values their presets had when these studies ran (the
// episode limit as the horizon; 8, 16 and 4 groups).
// Independent: as whole, with each member its own reset.
const group = (horizon: number, branchProb: number, groups: number): Partial<Config> => ({
  horizon,
  branchProb,
  groups,
  groupSize: 8,
  groupStart: "shared",
});
const vine = group(32, 0.9, 16);
const whole: Record<string, Partial<Config>> = {
  "Pendulum-v1": group(200, 0, 2),
  "CartPole-v1": group(500, 0, 2),
  "Acrobot-v1": group(500, 0, 8),
  "MountainCar-v0": group(200, 0, 16),
  "MountainCarContinuous-v0": { ...group(999, 0, 4), lr: 1e-3 }, // the preset's lr when they ran
};
// The lever studies below change one field of the GRPO preset as it stands; a preset change makes
// their committed runs stale (tests/scripts/study_test.ts), so they are rerun with it.
const grpoPreset = (env: string) => configFor({ env, algo: "grpo" });
// The MuJoCo design studies' 10 epochs and lr 3e-4, as every MuJoCo GRPO preset had when they ran
// (HalfCheetah's now takes 6 epochs, Ant's lr 1e-4): fixed, so that those changes leave them valid.
const asRan = { epochs: 10, lr: 3e-4 };
const mujocoDesignEnvs = ["Walker2d-v5", "HalfCheetah-v5", "Hopper-v5", "Ant-v5"];
// Whole 1000-step episodes, 8 groups of 8 from one cloned reset each, scored by their return.
const mujocoWhole: Partial<Config> = { ...group(1000, 0, 8), advMode: "outcome", ...asRan };
const mujocoDesignBudget = Object.fromEntries(mujocoDesignEnvs.map((e) => [e, 1_000_000]));
const designStudy = (
  name: string,
  description: string,
  envs: string[],
  grpo: (env: string) => Partial<Config>,
  size: Pick<StudySpec, "seeds" | "budget"> = { seeds: 10, budget: classicBudget },
): StudySpec => ({
  name,
  description,
  envs,
  algos: ["grpo"],
  ...size,
  overrides: Object.fromEntries(envs.map((e) => [e, { grpo: grpo(e) }])),
});

/** The studies by name. */
export const studies: Record<string, StudySpec> = {
  classic: {
    name: "classic",
    description:
      "Pendulum and classic control, 10 seeds, each env at the larger of its two presets' budgets",
    envs: classicEnvs,
    algos: ["grpo", "ppo"],
    seeds: 10,
    budget: classicBudget,
  },
  // The GRPO design studies: the classic study's seeds, budgets and grid, GRPO only, committed to
  // docs/designs/<name> and compared in docs/grpo_vs_ppo.md (scripts/designs.ts).
  "design-vine": designStudy(
    "design-vine",
    "GRPO with vine groups: 32-step branches from visited states (16 groups of 8, branch probability 0.9)",
    ["Pendulum-v1", "CartPole-v1"],
    () => vine,
  ),
  "design-whole": designStudy(
    "design-whole",
    "GRPO on whole episodes, each group from one fresh cloned reset",
    classicEnvs,
    (e) => whole[e],
  ),
  "design-independent": designStudy(
    "design-independent",
    "GRPO on whole episodes whose group members start from independent resets (unrelated episodes)",
    classicEnvs,
    (e) => ({ ...whole[e], groupStart: "independent" }),
  ),
  // MuJoCo, with termination (Walker2d) and without (HalfCheetah): "Learning Without Critics?"'s
  // groups (unrelated whole episodes, scored by their return) against vine groups and
  // against whole episodes from one cloned reset per group; the mujoco study's seeds, budget and grid.
  "design-mujoco-whole": designStudy(
    "design-mujoco-whole",
    "GRPO on whole episodes (horizon 1000, 8 groups of 8), each group from one fresh cloned reset, outcome advantages; on Hopper the preset before its tuning (which chose 2 groups), so its runs are copies of the mujoco study's runs of that preset (the same config and seeds)",
    mujocoDesignEnvs,
    () => mujocoWhole,
    { seeds: 5, budget: mujocoDesignBudget },
  ),
  // The vine groups as the MuJoCo presets ran them before their tuning (HalfCheetah, Walker2d, Ant):
  // the baseline of the unrelated-whole-episodes design, fixed here so that a preset change does not
  // move it.
  "design-mujoco-vine": designStudy(
    "design-mujoco-vine",
    "GRPO's vine groups on MuJoCo (8 groups of 8 branches from visited states, branch probability 0.9): HalfCheetah's and Ant's presets (64-step branches, process advantages) and Walker2d's (128-step branches, outcome advantages) before their tuning, 10 epochs and lr 3e-4 each, so its runs are copies of the mujoco study's runs of those presets as they stood (the same config and seeds)",
    ["HalfCheetah-v5", "Walker2d-v5", "Ant-v5"],
    (e) => ({
      groups: 8,
      branchProb: 0.9,
      ...asRan,
      ...(e === "Walker2d-v5"
        ? { horizon: 128, advMode: "outcome" }
        : { horizon: 64, advMode: "process" }),
    }),
    { seeds: 5, budget: mujocoDesignBudget },
  ),
  "design-mujoco-independent": designStudy(
    "design-mujoco-independent",
    "GRPO on whole episodes (horizon 1000, 8 groups of 8) from independent resets, outcome advantages",
    mujocoDesignEnvs,
    () => ({ ...mujocoWhole, groupStart: "independent" }),
    { seeds: 5, budget: mujocoDesignBudget },
  ),
  // The group-size lever: G = 16 or 4 instead of the presets' 8, with half or twice their groups,
  // so that an update takes the same env steps; all else is the preset.
  "design-g16": designStudy(
    "design-g16",
    "GRPO presets with groups of 16 instead of 8 and half as many groups (the same env steps per update)",
    classicEnvs,
    (e) => ({ groupSize: 16, groups: grpoPreset(e).groups / 2 }),
  ),
  "design-g4": designStudy(
    "design-g4",
    "GRPO presets with groups of 4 instead of 8 and twice as many groups (the same env steps per update)",
    classicEnvs,
    (e) => ({ groupSize: 4, groups: grpoPreset(e).groups * 2 }),
  ),
  // The epochs lever: twice the presets' passes over each batch, all else the preset.
  "design-e2x": designStudy(
    "design-e2x",
    "GRPO presets with twice their epochs (12 on Pendulum, 20 elsewhere): more gradient steps per batch",
    classicEnvs,
    (e) => ({ epochs: grpoPreset(e).epochs * 2 }),
  ),
  // The KL lever: the adaptive penalty β_old·KL(π_old ‖ π_θ) on (β_old from 0.1, target d = 0.01,
  // the `grpo-kl` variant's values), all else the preset.
  "design-kl": designStudy(
    "design-kl",
    "GRPO presets with the adaptive KL penalty to π_old (β_old from 0.1, target 0.01)",
    classicEnvs,
    () => ({ klCoef: 0.1, klTarget: 0.01, adaptiveKl: true }),
  ),
  // The advantage lever: each preset with the other mode, outcome ↔ process.
  "design-adv": designStudy(
    "design-adv",
    "GRPO presets with the other advantage mode: process (per-step reward-to-go) where the preset scores outcomes, and the reverse",
    classicEnvs,
    (e) => ({ advMode: grpoPreset(e).advMode === "outcome" ? "process" : "outcome" }),
  ),
  // The whole-episode design takes 16 updates of 32 × 10 gradient steps in 1M steps, the vine preset
  // as it stood 244 of 32 × 10: 500 minibatches of 128 rows (the vine's size) give it the vine's
  // gradient steps per env step, so that the horizon (and with it the update count) is what is left.
  "design-mujoco-whole-steps": designStudy(
    "design-mujoco-whole-steps",
    "GRPO on whole episodes as design-mujoco-whole, in 500 minibatches of 128 rows: the vine preset's gradient steps per env step",
    ["HalfCheetah-v5"],
    () => ({ ...mujocoWhole, minibatches: 500 }),
    { seeds: 5, budget: { "HalfCheetah-v5": 1_000_000 } },
  ),
  // The horizon lever with nothing else moving: the preset's vine (8 groups of 8 × 64 steps = 4,096
  // steps per update) with 256-step branches in 2 groups: the same steps per update, updates and
  // minibatch rows; only the branch length (and with it the number of start states) changes.
  "design-mujoco-h256": designStudy(
    "design-mujoco-h256",
    "The HalfCheetah GRPO preset as it stood (10 epochs) with 256-step vine branches in 2 groups of 8 (the preset: 64 steps in 8 groups): the same steps per update",
    ["HalfCheetah-v5"],
    () => ({ horizon: 256, groups: 2, ...asRan }),
    { seeds: 5, budget: { "HalfCheetah-v5": 1_000_000 } },
  ),
  mujoco: {
    name: "mujoco",
    description:
      "MuJoCo v5, 5 seeds at 1M steps (Humanoid too: its preset's 10M cut to 1M); HumanoidStandup at 200k, as issue 19 allows: its episodes never end early, and its PPO preset takes 320 gradient steps (20 epochs of 16 minibatches of 32 rows) per 512 env steps: 200k took 867–1189 s of training per PPO run and 270–349 s per GRPO run, one core each, two jobs at a time (trainSeconds in the results files)",
    envs: mujocoEnvs,
    algos: ["grpo", "ppo"],
    seeds: 5,
    budget: {
      ...Object.fromEntries(mujocoEnvs.map((e) => [e, 1_000_000])),
      "HumanoidStandup-v5": 200_000,
    },
  },
};

/** A spec's defaults filled in, checked; throws naming the field, its value and what it accepts. */
export function resolveSpec(spec: StudySpec): Required<StudySpec> {
  const s = { firstSeed: 1000, points: 20, evalEpisodes: 10, overrides: {}, ...spec };
  const int = (k: string, v: number, lo: number) => {
    if (!Number.isInteger(v) || v < lo) {
      throw new Error(`study ${s.name}: ${k} is ${v}, expected an integer ≥ ${lo}`);
    }
  };
  int("seeds", s.seeds, 1);
  int("firstSeed", s.firstSeed, 0);
  int("points", s.points, 1);
  int("evalEpisodes", s.evalEpisodes, 10);
  for (const e of s.envs) {
    int(`budget["${e}"]`, s.budget[e], s.points);
    if (s.budget[e] % s.points) {
      throw new Error(
        `study ${s.name}: budget["${e}"] ${s.budget[e]} is not a multiple of points ${s.points}`,
      );
    }
  }
  return s;
}
