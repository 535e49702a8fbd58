/**
 * Builds environments by id. MuJoCo envs are imported lazily, so Pendulum users never load wasm.
 * Every id has a one-line description for `--help` ({@link envDescriptions}).
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

/** Options passed to the env's constructor (`rng` plus env-specific fields such as `g`). */
export type MakeEnvOptions = EnvOptions & PendulumOptions & Record<string, unknown>;

interface Entry {
  /** One line: what the task is, the spaces, the time limit and the reward threshold. */
  description: string;
  make(options: MakeEnvOptions): Promise<Env>;
}

// One row per env, in envIds order. The options are those of each env's make function.
const entries = {
  "Pendulum-v1": {
    description: "swing up a pendulum; obs 3, action [-2, 2], 200 steps, no threshold",
    make: (o) => Promise.resolve(new Pendulum(o)),
  },
  "HalfCheetah-v5": {
    description:
      "planar cheetah runs forward; obs 17, action [-1, 1]^6, 1000 steps, threshold 4800",
    make: async (o) => (await import("./halfcheetah.ts")).makeHalfCheetah(o),
  },
  "Hopper-v5": {
    description:
      "planar one-legged hopper hops forward; obs 11, action [-1, 1]^3, 1000 steps, threshold 3800",
    make: async (o) => (await import("./hopper.ts")).makeHopper(o),
  },
  "Walker2d-v5": {
    description: "planar biped walks forward; obs 17, action [-1, 1]^6, 1000 steps, no threshold",
    make: async (o) => (await import("./walker2d.ts")).makeWalker2d(o),
  },
  "Swimmer-v5": {
    description:
      "three-link swimmer in viscous fluid; obs 8, action [-1, 1]^2, 1000 steps, threshold 360",
    make: async (o) => (await import("./swimmer.ts")).makeSwimmer(o),
  },
  "InvertedPendulum-v5": {
    description: "balance a pole on a cart; obs 4, action [-3, 3], 1000 steps, threshold 950",
    make: async (o) => (await import("./inverted_pendulum.ts")).makeInvertedPendulum(o),
  },
  "InvertedDoublePendulum-v5": {
    description:
      "balance two chained poles on a cart; obs 9, action [-1, 1], 1000 steps, threshold 9100",
    make: async (o) =>
      (await import("./inverted_double_pendulum.ts")).makeInvertedDoublePendulum(o),
  },
  "Ant-v5": {
    description:
      "quadruped runs forward; obs 105 (incl. contact forces), action [-1, 1]^8, 1000 steps, threshold 6000",
    make: async (o) => (await import("./ant.ts")).makeAnt(o),
  },
  "Reacher-v5": {
    description:
      "2-link arm reaches a random target; obs 10, action [-1, 1]^2, 50 steps, threshold -3.75",
    make: async (o) => (await import("./reacher.ts")).makeReacher(o),
  },
  "Pusher-v5": {
    description:
      "7-joint arm pushes a cylinder to a goal; obs 23, action [-2, 2]^7, 100 steps, threshold 0",
    make: async (o) => (await import("./pusher.ts")).makePusher(o),
  },
  "Humanoid-v5": {
    description:
      "3-D humanoid walks forward; obs 348, action [-0.4, 0.4]^17, 1000 steps, no threshold",
    make: async (o) => (await import("./humanoid.ts")).makeHumanoid(o),
  },
  "HumanoidStandup-v5": {
    description:
      "3-D humanoid stands up from the floor; obs 348, action [-0.4, 0.4]^17, 1000 steps, no threshold",
    make: async (o) => (await import("./humanoid.ts")).makeHumanoidStandup(o),
  },
  "CartPole-v1": {
    description: "balance a pole on a cart; obs 4, Discrete(2) push, 500 steps, threshold 475",
    make: (o) => Promise.resolve(new CartPole(o)),
  },
  "Acrobot-v1": {
    description:
      "swing a two-link arm's tip above a line; obs 6, Discrete(3) torque, 500 steps, threshold -100",
    make: (o) => Promise.resolve(new Acrobot(o)),
  },
  "MountainCar-v0": {
    description: "rock a car up a hill; obs 2, Discrete(3) push, 200 steps, threshold -110",
    make: (o) => Promise.resolve(new MountainCar(o)),
  },
  "MountainCarContinuous-v0": {
    description: "rock a car up a hill; obs 2, action [-1, 1], 999 steps, threshold 90",
    make: (o) => Promise.resolve(new MountainCarContinuous(o)),
  },
} satisfies Record<string, Entry>;

/** One of {@link envIds}. */
export type EnvId = keyof typeof entries;

/** The ids {@link makeEnv} accepts. */
export const envIds = Object.keys(entries) as readonly EnvId[];

/** A one-line description of every env id (task, spaces, time limit, threshold), for `--help`. */
export const envDescriptions: Readonly<Record<EnvId, string>> = Object.fromEntries(
  Object.entries(entries).map(([id, e]) => [id, e.description]),
) as Record<EnvId, string>;

/**
 * Creates a fresh env by id, e.g. `Pendulum-v1` (options: `g`, `maxEpisodeSteps`, `rng`),
 * `Hopper-v5` (options as `envs/hopper.ts` defines them) or `CartPole-v1` (a Discrete action space).
 *
 * @example
 * ```ts
 * import { envDescriptions, makeEnv } from "./registry.ts";
 * import { deepStrictEqual, ok } from "node:assert/strict";
 * const env = await makeEnv("Pendulum-v1", { g: 9.81 });
 * deepStrictEqual(env.observationSpace.shape, [3]);
 * ok(envDescriptions["Hopper-v5"].includes("obs 11"));
 * deepStrictEqual((await makeEnv("CartPole-v1")).actionSpace, { kind: "discrete", n: 2 });
 * ```
 */
export async function makeEnv(id: string, options: MakeEnvOptions = {}): Promise<Env> {
  const entry: Entry | undefined = Object.hasOwn(entries, id) ? entries[id as EnvId] : undefined;
  if (!entry) throw new Error(`Unknown env id "${id}": valid ids are ${envIds.join(", ")}`);
  return await entry.make(options);
}
