/**
 * The policy for an action space: a Gaussian MLP over a Box, a categorical MLP over Discrete(n).
 * Both have the same surface (forward, act, parameters, clone, obsSize, actSize).
 *
 * @module
 */
import { CategoricalMlpPolicy } from "./categorical_policy.ts";
import type { Space } from "./env.ts";
import type { Activation, Init } from "./nn.ts";
import { GaussianMlpPolicy } from "./policy.ts";
import type { Rng } from "./rng.ts";

/** A policy of either head: Gaussian for a Box action space, categorical for a Discrete one. */
export type Policy = GaussianMlpPolicy | CategoricalMlpPolicy;

/**
 * The policy for an action space: a {@link CategoricalMlpPolicy} over Discrete(n), else a
 * {@link GaussianMlpPolicy} (whose std options a categorical head ignores).
 *
 * @example
 * ```ts
 * import { makePolicy } from "./policies.ts";
 * import { Rng } from "./rng.ts";
 * import { strictEqual } from "node:assert/strict";
 * const pi = makePolicy(4, { kind: "discrete", n: 2 }, { rng: new Rng(0), hidden: [8] });
 * strictEqual(pi.act(new Float32Array(4), new Rng(1)).actions.length, 1);
 * ```
 */
export function makePolicy(
  obsSize: number,
  space: Space,
  opts: {
    rng: Rng;
    hidden: number[];
    activation?: Activation;
    stateIndependentStd?: boolean;
    initLogStd?: number;
    init?: Init;
  },
): Policy {
  if (space.kind === "discrete") return new CategoricalMlpPolicy(obsSize, space.n, opts);
  return new GaussianMlpPolicy(obsSize, space.shape[0], opts);
}
