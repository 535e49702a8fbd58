/**
 * The benchmark studies `deno task study <name>` runs: env ids × algorithms × seeds at a budget,
 * each evaluated on an env-step grid, with preset overrides. A study's runs train seeds 1000, 1001, …
 * (tuning uses seeds below 1000, so no study run shares a training or evaluation seed with a tuning
 * run; docs/protocol.md).
 *
 * @module
 */
import type { Algo, Config } from "../lib/config.ts";

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
// Whole episodes from fresh resets for the two vine presets (Pendulum, CartPole: 32-step branches),
// with 2 groups of 8 so that an update still takes about the preset's 4,096 steps.
const wholeEpisodes = {
  "Pendulum-v1": { grpo: { horizon: 200, branchProb: 0, groups: 2 } },
  "CartPole-v1": { grpo: { horizon: 500, branchProb: 0, groups: 2 } },
};

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
  // The GRPO design studies (docs/grpo_designs.md): the classic study's seeds, budgets and grid,
  // GRPO only, one lever changed against the preset. Committed to docs/designs/<name>.
  "design-whole": {
    name: "design-whole",
    description:
      "GRPO on whole episodes from fresh cloned resets instead of the vine presets' 32-step branches",
    envs: ["Pendulum-v1", "CartPole-v1"],
    algos: ["grpo"],
    seeds: 10,
    budget: classicBudget,
    overrides: wholeEpisodes,
  },
  "design-independent": {
    name: "design-independent",
    description:
      "GRPO on whole episodes whose group members start from independent resets (unrelated episodes)",
    envs: classicEnvs,
    algos: ["grpo"],
    seeds: 10,
    budget: classicBudget,
    overrides: Object.fromEntries(classicEnvs.map((e) => [e, {
      grpo: {
        ...(wholeEpisodes as Record<string, { grpo?: object }>)[e]?.grpo,
        groupStart: "independent",
        branchProb: 0,
      },
    }])),
  },
  mujoco: {
    name: "mujoco",
    description:
      "MuJoCo v5, 5 seeds at 1M steps (Humanoid and HumanoidStandup too: their presets' 10M cut to 1M)",
    envs: mujocoEnvs,
    algos: ["grpo", "ppo"],
    seeds: 5,
    budget: Object.fromEntries(mujocoEnvs.map((e) => [e, 1_000_000])),
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
