/**
 * Checks shared by the classic-control envs (CartPole, Acrobot, MountainCar): Gymnasium's
 * `options.low` / `options.high` reset bounds, discrete and box actions, and `setState` input. Each throws a clear error naming the env and the value.
 *
 * Reference: Gymnasium `gymnasium/envs/classic_control/utils.py` (`maybe_parse_reset_bounds`).
 *
 * @module
 */
import type { ResetOptions } from "./types.ts";

/**
 * [low, high] for the reset draw: `options.low` / `options.high` when given, else the defaults;
 * an error unless both are finite and low ≤ high.
 */
export function resetBounds(
  id: string,
  opts: ResetOptions,
  low: number,
  high: number,
): [number, number] {
  const lo = opts.options?.low ?? low, hi = opts.options?.high ?? high;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new Error(
      `${id}.reset: options low = ${lo}, high = ${hi}; expected finite numbers with low ≤ high`,
    );
  }
  return [lo, hi];
}

/**
 * The index held by a Discrete(n) action [1], or an error unless it is an integer in [0, n).
 *
 * @example
 * ```ts
 * import { discreteAction } from "./classic.ts";
 * import { strictEqual, throws } from "node:assert/strict";
 * strictEqual(discreteAction("CartPole-v1", new Float32Array([1]), 2), 1);
 * throws(() => discreteAction("CartPole-v1", new Float32Array([2]), 2), /integer in \[0, 1\]/);
 * ```
 */
export function discreteAction(id: string, action: Float32Array, n: number): number {
  if (action.length !== 1) {
    throw new Error(
      `${id}.step: action has length ${action.length}, expected 1 (the index of Discrete(${n}))`,
    );
  }
  const a = action[0];
  if (!Number.isInteger(a) || a < 0 || a >= n) {
    throw new Error(
      `${id}.step: action[0] is ${a}, expected an integer in [0, ${n - 1}] (Discrete(${n}))`,
    );
  }
  return a;
}

/** Checks a Box action: length `d` and finite elements (out-of-range values are the env's to clip). */
export function checkBoxAction(id: string, action: Float32Array, d: number): void {
  if (action.length !== d) {
    throw new Error(`${id}.step: action has length ${action.length}, expected ${d}`);
  }
  for (let i = 0; i < d; i++) {
    if (!Number.isFinite(action[i])) {
      throw new Error(`${id}.step: action[${i}] is ${action[i]}; actions must be finite`);
    }
  }
}

/**
 * Checks a `setState` input named `names`: the right length, finite values, and integer
 * counters in their ranges (`ints` maps an index to its inclusive [min, max]).
 */
export function checkState(
  id: string,
  state: Float64Array,
  names: string[],
  ints: Record<number, [number, number]>,
): void {
  const expected = `[${names.join(", ")}]`;
  if (state.length !== names.length) {
    throw new Error(
      `${id}.setState: state has length ${state.length}, expected ${names.length} ${expected}`,
    );
  }
  state.forEach((v, i) => {
    const range = ints[i];
    const bad = range
      ? !(Number.isInteger(v) && v >= range[0] && v <= range[1])
      : !Number.isFinite(v);
    if (bad) {
      const want = range ? `an integer in [${range[0]}, ${range[1]}]` : "a finite number";
      throw new Error(`${id}.setState: ${names[i]} is ${v}, expected ${want} (state ${expected})`);
    }
  });
}
