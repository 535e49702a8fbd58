/**
 * The properties of each task that the GRPO-vs-PPO question may turn on — whether episodes end
 * early (on a failure or at the goal), how dense the reward is, and the action space — as data
 * read from the env code, which tests/scripts/verdict_test.ts checks by running every env.
 *
 * @module
 */
import { type EnvId, envIds } from "../envs/registry.ts";

/** What the comparison may turn on, for one env. */
export interface TaskTraits {
  /** How an episode ends before its time limit: on a failure, on reaching the goal, or never. */
  termination: "failure" | "success" | "none";
  /**
   * dense: the reward varies with the state at every step; alive: a constant bonus per step until
   * a failure (the return counts the steps survived); sparse: constant per step except at the goal.
   */
  reward: "dense" | "alive" | "sparse";
  actions: "Box" | "Discrete";
  /** The env code that decides it. */
  source: string;
}

/** The traits of every env, read from its code (cited in `source`). */
export const taskTraits: Record<EnvId, TaskTraits> = {
  "Pendulum-v1": t("none", "dense", "Box", "pendulum.ts: terminated is always false"),
  "HalfCheetah-v5": t("none", "dense", "Box", "halfcheetah.ts: terminated is always false"),
  "Hopper-v5": t(
    "failure",
    "dense",
    "Box",
    "hopper.ts: terminated = ¬healthy (z ≤ 0.7, angle ∉ (−0.2, 0.2), a state beyond ±100)",
  ),
  "Walker2d-v5": t(
    "failure",
    "dense",
    "Box",
    "walker2d.ts: Hopper's rule with healthy = 0.8 < z < 2 ∧ −1 < angle < 1",
  ),
  "Swimmer-v5": t("none", "dense", "Box", "swimmer.ts: terminated is always false"),
  "InvertedPendulum-v5": t(
    "failure",
    "alive",
    "Box",
    "inverted_pendulum.ts: terminated = hinge angle ∉ [−0.2, 0.2]; r = 1, 0 on the terminal step",
  ),
  "InvertedDoublePendulum-v5": t(
    "failure",
    "dense",
    "Box",
    "inverted_double_pendulum.ts: terminated = tip height ≤ 1; r = 10 − distance − velocity penalties",
  ),
  "Ant-v5": t(
    "failure",
    "dense",
    "Box",
    "ant.ts: terminated = ¬healthy (torso z ∉ [0.2, 1], a non-finite state)",
  ),
  "Reacher-v5": t("none", "dense", "Box", "reacher.ts: terminated is always false"),
  "Pusher-v5": t("none", "dense", "Box", "pusher.ts: terminated is always false"),
  "Humanoid-v5": t(
    "failure",
    "dense",
    "Box",
    "humanoid.ts: terminated = ¬healthy (torso z ∉ (1, 2))",
  ),
  "HumanoidStandup-v5": t(
    "none",
    "dense",
    "Box",
    "humanoid.ts (standup): terminated is always false",
  ),
  "CartPole-v1": t(
    "failure",
    "alive",
    "Discrete",
    "cartpole.ts: terminated = x ∉ [−2.4, 2.4] ∨ θ ∉ [−12°, 12°]; r = 1",
  ),
  "Acrobot-v1": t(
    "success",
    "sparse",
    "Discrete",
    "acrobot.ts: terminated = tip above the line; r = −1, 0 on the terminal step",
  ),
  "MountainCar-v0": t(
    "success",
    "sparse",
    "Discrete",
    "mountain_car.ts: terminated = p ≥ 0.5 ∧ v ≥ 0; r = −1",
  ),
  "MountainCarContinuous-v0": t(
    "success",
    "sparse",
    "Box",
    "mountain_car.ts: terminated = p ≥ 0.45 ∧ v ≥ 0; r = 100 at the goal − 0.1·a²",
  ),
};
function t(
  termination: TaskTraits["termination"],
  reward: TaskTraits["reward"],
  actions: TaskTraits["actions"],
  source: string,
): TaskTraits {
  return { termination, reward, actions, source: `envs/${source}` };
}
export const traitsOf = (env: string): TaskTraits | undefined =>
  (taskTraits as Record<string, TaskTraits>)[env];

/** "no", "yes (failure)" or "yes (goal)"; "unknown" for an env without traits. */
export const termText = (tr?: TaskTraits) =>
  !tr
    ? "unknown"
    : tr.termination === "none"
    ? "no"
    : `yes (${tr.termination === "failure" ? "failure" : "goal"})`;

/** The properties of every task, with the env code that decides them. */
export function traitsMarkdown(): string {
  return [
    "## Task properties",
    "",
    "Data in scripts/task_traits.ts (`taskTraits`); tests/scripts/verdict_test.ts runs every env to check the action space, that episodes can (or never) end early, and the reward kind. Reward: dense, it varies with the state at every step; alive, a constant bonus per step until a failure, so the return counts the steps survived; sparse, the state enters the reward only on reaching the goal (per step: a constant, or MountainCarContinuous's control cost).",
    "",
    "| task | early termination | reward | actions | decided by |",
    "|---|---|---|---|---|",
    ...envIds.map((env) => {
      const tr = taskTraits[env];
      return `| ${env} | ${termText(tr)} | ${tr.reward} | ${tr.actions} | ${tr.source} |`;
    }),
    "",
  ].join("\n");
}
