/**
 * Builds environments by id. HalfCheetah is imported lazily, so Pendulum users never load wasm.
 *
 * Reference: Gymnasium `gymnasium.make` / the env registry.
 *
 * @module
 */
import type { Env, EnvOptions } from "./types.ts";
import { Pendulum, type PendulumOptions } from "./pendulum.ts";
import { CartPole } from "./cartpole.ts";
import { Acrobot } from "./acrobot.ts";
import { MountainCar, MountainCarContinuous } from "./mountain_car.ts";

/** The ids {@link makeEnv} accepts. */
export const envIds = [
  "Pendulum-v1",
  "HalfCheetah-v5",
  "CartPole-v1",
  "Acrobot-v1",
  "MountainCar-v0",
  "MountainCarContinuous-v0",
] as const;

/** One of {@link envIds}. */
export type EnvId = typeof envIds[number];

/** A one-line description of each env (for `--help`). */
export const envDescriptions: Record<EnvId, string> = {
  "Pendulum-v1": "swing a pendulum up and hold it; Box(1) torque, obs 3, 200 steps",
  "HalfCheetah-v5": "MuJoCo planar cheetah running forward; Box(6), obs 17, 1000 steps",
  "CartPole-v1": "balance a pole on a cart; Discrete(2) push, obs 4, 500 steps",
  "Acrobot-v1": "swing a two-link arm's tip above a line; Discrete(3) torque, obs 6, 500 steps",
  "MountainCar-v0": "rock a car up a hill; Discrete(3) push, obs 2, 200 steps",
  "MountainCarContinuous-v0": "rock a car up a hill; Box(1) force, obs 2, 999 steps",
};

/** Options passed to the env's constructor (`rng` plus env-specific fields such as `g`). */
export type MakeEnvOptions = EnvOptions & PendulumOptions & Record<string, unknown>;

/**
 * Creates a fresh env: `Pendulum-v1` (options: `g`, `maxEpisodeSteps`, `rng`), `HalfCheetah-v5`
 * (options as `envs/halfcheetah.ts` defines them), or a classic-control env (`maxEpisodeSteps`,
 * `rng`, and as each file defines).
 *
 * @example
 * ```ts
 * import { makeEnv } from "./registry.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const env = await makeEnv("Pendulum-v1", { g: 9.81 });
 * deepStrictEqual(env.observationSpace.shape, [3]);
 * deepStrictEqual((await makeEnv("CartPole-v1")).actionSpace, { kind: "discrete", n: 2 });
 * ```
 */
export async function makeEnv(id: string, options: MakeEnvOptions = {}): Promise<Env> {
  switch (id) {
    case "Pendulum-v1":
      return new Pendulum(options);
    case "CartPole-v1":
      return new CartPole(options);
    case "Acrobot-v1":
      return new Acrobot(options);
    case "MountainCar-v0":
      return new MountainCar(options);
    case "MountainCarContinuous-v0":
      return new MountainCarContinuous(options);
    case "HalfCheetah-v5": {
      const { makeHalfCheetah } = await import("./halfcheetah.ts");
      return await makeHalfCheetah(options);
    }
    default:
      throw new Error(`Unknown env id "${id}": valid ids are ${envIds.join(", ")}`);
  }
}
