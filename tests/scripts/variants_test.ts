import { deepStrictEqual, throws } from "node:assert/strict";
import { parseConfig } from "../../scripts/config.ts";
import { variantFlags, variants } from "../../scripts/variants.ts";

Deno.test("variants: a group-size variant keeps the env preset's N = groups·G", () => {
  // Pendulum's GRPO preset: 16 groups of 8 (N = 128); HalfCheetah's: 8 groups of 8 (N = 64)
  deepStrictEqual(variants("Pendulum-v1")["grpo-G4"], [
    "--algo",
    "grpo",
    "--group-size",
    "4",
    "--groups",
    "32",
  ]);
  deepStrictEqual(variants("Pendulum-v1")["grpo-G16"], [
    "--algo",
    "grpo",
    "--group-size",
    "16",
    "--groups",
    "8",
  ]);
  deepStrictEqual(variants("HalfCheetah-v5")["grpo-G4"], [
    "--algo",
    "grpo",
    "--group-size",
    "4",
    "--groups",
    "16",
  ]);
  deepStrictEqual(variants("HalfCheetah-v5")["grpo-G16"], [
    "--algo",
    "grpo",
    "--group-size",
    "16",
    "--groups",
    "4",
  ]);
});

Deno.test("variants: an unknown name is rejected with the known ones listed", () => {
  throws(() => variantFlags("Pendulum-v1", ["grpo", "grpo-G5"]), {
    message:
      'unknown variant "grpo-G5"; known: ppo, grpo, grpo-fresh, grpo-G4, grpo-G16, grpo-outcome, grpo-kl, grpo-fast, ppo-fast',
  });
});

Deno.test("variants: ppo-fast keeps the HalfCheetah PPO preset's 512 steps per update and policy, with a 64-64 critic", () => {
  const parsed = parseConfig([
    "--env",
    "HalfCheetah-v5",
    ...variants("HalfCheetah-v5")["ppo-fast"],
  ]);
  if (parsed === "help") throw new Error("unreachable");
  const { cfg } = parsed;
  deepStrictEqual(
    [cfg.algo, cfg.numEnvs * cfg.rolloutSteps, cfg.epochs, cfg.minibatches, cfg.lr, cfg.lrSchedule],
    ["ppo", 512, 5, 2, 3e-4, "linear"],
  );
  deepStrictEqual([cfg.hidden, cfg.criticHidden], ["256,256", "64,64"]);
  deepStrictEqual([cfg.clip, cfg.gamma, cfg.gaeLambda], [0.1, 0.98, 0.92]); // the rest is the preset's
});

Deno.test("variants: grpo-fast is the HalfCheetah GRPO preset (6 epochs since its tuning)", () => {
  const parse = (flags: string[]) => {
    const parsed = parseConfig(["--env", "HalfCheetah-v5", ...flags]);
    if (parsed === "help") throw new Error("unreachable");
    return parsed.cfg;
  };
  const preset = parse(["--algo", "grpo"]), fast = parse(variants("HalfCheetah-v5")["grpo-fast"]);
  deepStrictEqual([preset.epochs, fast.epochs], [6, 6]);
  deepStrictEqual(fast, preset);
});
