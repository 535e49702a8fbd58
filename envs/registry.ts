/**
 * Builds environments by id. HalfCheetah is imported lazily, so Pendulum users never load wasm.
 *
 * Reference: Gymnasium `gymnasium.make` / the env registry.
 *
 * @module
 */
import type { Env, EnvOptions } from "./types.ts";
import { Pendulum, type PendulumOptions } from "./pendulum.ts";

/** The ids {@link makeEnv} accepts. */
export const envIds = ["Pendulum-v1", "HalfCheetah-v5"] as const;

/** One of {@link envIds}. */
export type EnvId = typeof envIds[number];

/** Options passed to the env's constructor (`rng` plus env-specific fields such as `g`). */
export type MakeEnvOptions = EnvOptions & PendulumOptions & Record<string, unknown>;

/**
 * Creates a fresh env: `Pendulum-v1` (options: `g`, `maxEpisodeSteps`, `rng`) or `HalfCheetah-v5`
 * (options as `envs/halfcheetah.ts` defines them).
 *
 * @example
 * ```ts
 * import { makeEnv } from "./registry.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const env = await makeEnv("Pendulum-v1", { g: 9.81 });
 * deepStrictEqual(env.actionSpace.shape, [1]);
 * ```
 */
export async function makeEnv(id: string, options: MakeEnvOptions = {}): Promise<Env> {
  switch (id) {
    case "Pendulum-v1":
      return new Pendulum(options);
    case "HalfCheetah-v5": {
      const { makeHalfCheetah } = await import("./halfcheetah.ts");
      return await makeHalfCheetah(options);
    }
    default:
      throw new Error(`Unknown env id "${id}": valid ids are ${envIds.join(", ")}`);
  }
}
