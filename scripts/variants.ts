/**
 * The named training variants the studies run: each algorithm's env preset, then GRPO with one
 * design choice changed at the same env-step budget — start states, group size G (keeping the
 * preset's N = groups·G envs), outcome advantages, the KL trust region — and a cheaper GRPO and
 * PPO. Flags are `deno task train` flags, applied over the env preset.
 *
 * @module
 */
import { parseConfig } from "./config.ts";

/** Every variant's `deno task train` flags for `env`, by name. */
export function variants(env: string): Record<string, string[]> {
  const preset = parseConfig(["--env", env, "--algo", "grpo"]);
  if (preset === "help") throw new Error("unreachable");
  const n = preset.cfg.groups * preset.cfg.groupSize; // envs per update, kept fixed when G changes
  const groupSize = (g: number) => ["--group-size", String(g), "--groups", String(n / g)];
  return {
    ppo: ["--algo", "ppo"],
    grpo: ["--algo", "grpo"],
    // every group from a fresh reset, whole 200-step Pendulum episodes (no vine branching)
    "grpo-fresh": ["--algo", "grpo", "--branch-prob", "0", "--horizon", "200", "--groups", "8"],
    "grpo-G4": ["--algo", "grpo", ...groupSize(4)],
    "grpo-G16": ["--algo", "grpo", ...groupSize(16)],
    // the whole-trajectory return for every step (the presets use the reward-to-go)
    "grpo-outcome": ["--algo", "grpo", "--adv-mode", "outcome"],
    // the adaptive KL penalty to π_old switched on (β_old starts at 0.1, target d = 0.01)
    "grpo-kl": ["--algo", "grpo", "--kl-coef", "0.1"],
    // GRPO for HalfCheetah-v5 in about two thirds of the time of its preset as it stood
    // (docs/speed.md): 6 passes over each batch instead of 10; the preset since its tuning
    "grpo-fast": ["--algo", "grpo", "--epochs", "6"],
    // PPO for HalfCheetah-v5 at about a sixth of the zoo preset's time (docs/speed.md): its 512 steps
    // per update as 8 envs × 64, 5 epochs of 2 minibatches of 256 (not 20 of 8 × 64), Adam α 3e-4
    // annealed to 0 (not 2.06e-5 constant), and a 64-64 critic; same 256-256 policy
    "ppo-fast": [
      ...["--algo", "ppo", "--num-envs", "8", "--rollout-steps", "64", "--epochs", "5"],
      ...["--minibatches", "2", "--lr", "3e-4", "--lr-schedule", "linear"],
      ...["--critic-hidden", "64,64"],
    ],
  };
}

/** The flags of the named variants for `env`; throws listing the known names. */
export function variantFlags(env: string, names: string[]): Record<string, string[]> {
  const all = variants(env);
  return Object.fromEntries(names.map((name) => {
    if (!all[name]) {
      throw new Error(`unknown variant "${name}"; known: ${Object.keys(all).join(", ")}`);
    }
    return [name, all[name]];
  }));
}
