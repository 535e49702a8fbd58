import { deepStrictEqual, throws } from "node:assert/strict";
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
      'unknown variant "grpo-G5"; known: ppo, grpo, grpo-fresh, grpo-G4, grpo-G16, grpo-outcome, grpo-kl',
  });
});
