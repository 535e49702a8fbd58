/**
 * Helpers every env shares: the time-limit option check and in-place reseeding of the env's
 * generator.
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";

/**
 * `maxEpisodeSteps` as given, or an error naming `fn` and the value unless it is a positive
 * integer (or `Infinity` when `allowInfinity`, for envs that may run without a time limit).
 *
 * @example
 * ```ts
 * import { checkMaxSteps } from "./checks.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 * strictEqual(checkMaxSteps("CartPole-v1", Infinity, { allowInfinity: true }), Infinity);
 * throws(() => checkMaxSteps("makeHopper", Infinity), /maxEpisodeSteps is Infinity, expected a positive integer$/);
 * ```
 */
export function checkMaxSteps(
  fn: string,
  maxEpisodeSteps: number,
  { allowInfinity = false } = {},
): number {
  const ok = Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps > 0;
  if (!(ok || (allowInfinity && maxEpisodeSteps === Infinity))) {
    const want = allowInfinity ? "a positive integer or Infinity" : "a positive integer";
    throw new Error(`${fn}: maxEpisodeSteps is ${maxEpisodeSteps}, expected ${want}`);
  }
  return maxEpisodeSteps;
}

/** Reseeds `rng` in place to the state of `new Rng(seed)` (the caller keeps the same object). */
export function reseed(rng: Rng, seed: number | undefined): void {
  if (seed !== undefined) rng.setState(new Rng(seed).state());
}
