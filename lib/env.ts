/**
 * The environment contract, following Gymnasium: `reset({ seed })` → `{ obs, info }` and
 * `step(action)` → `{ obs, reward, terminated, truncated, info }`. Envs speak plain typed arrays
 * and never see tensors. It sits in lib/ so that the learners and any user's own env share it
 * without lib/ importing envs/; the envs in envs/ implement it (envs/types.ts re-exports it).
 *
 * Reference: Gymnasium `Env` API (Farama Foundation), https://gymnasium.farama.org/api/env/
 *
 * @module
 */
import type { Rng } from "./rng.ts";

/** A box space: every element i lies in [low[i], high[i]]. `kind` may be omitted. */
export interface Box {
  kind?: "box";
  shape: number[];
  low: Float32Array;
  high: Float32Array;
}

/** A discrete space {0, 1, …, n − 1}; an action is a Float32Array [1] holding the index. */
export interface Discrete {
  kind: "discrete";
  n: number;
}

/** An action space: {@link Box} or {@link Discrete} (narrow on `kind === "discrete"`). */
export type Space = Box | Discrete;

/**
 * The space as a {@link Box}, or a clear error naming `who` for a {@link Discrete} space.
 *
 * @example
 * ```ts
 * import { boxSpace } from "./env.ts";
 * import { throws } from "node:assert/strict";
 * throws(() => boxSpace({ kind: "discrete", n: 2 }, "ClipAction"), /ClipAction needs a Box/);
 * ```
 */
export function boxSpace(space: Space, who: string): Box {
  if (space.kind === "discrete") {
    throw new Error(`${who} needs a Box action space, got Discrete(${space.n})`);
  }
  return space;
}

/** Elements in one flat action: D for a Box, 1 for a Discrete (the index). */
export function flatSize(space: Space): number {
  return space.kind === "discrete" ? 1 : space.low.length;
}

/**
 * Clips a batch of actions [B·D] into a box, element by element — the toolkit's one action clip
 * (ClipAction, rollouts, evaluation, recording and experts all call it):
 *
 * ```text
 * a'_k = min(max(a_k, low_d), high_d),  d = k mod D
 * ```
 * Non-finite values pass through, so the env still rejects them. `out` may be `a` itself.
 *
 * @example
 * ```ts
 * import { clipToBox } from "./env.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const box = { low: [-1, 0], high: [1, 2] };
 * deepStrictEqual(Array.from(clipToBox([5, -3, 0.5, 1], box)), [1, 0, 0.5, 1]);
 * ```
 */
export function clipToBox(
  a: ArrayLike<number>,
  box: { low: ArrayLike<number>; high: ArrayLike<number> },
  out: Float32Array = new Float32Array(a.length),
): Float32Array {
  const { low, high } = box, D = low.length;
  for (let k = 0; k < a.length; k++) {
    const d = k % D, x = a[k];
    out[k] = x < low[d] ? low[d] : x > high[d] ? high[d] : x;
  }
  return out;
}

/**
 * The actions an env is stepped with: clipped into a {@link Box} by {@link clipToBox}; the indices
 * of a {@link Discrete} space pass as they are (the env rejects a bad one). `out` may be `a`.
 */
export function clipToSpace(
  a: Float32Array,
  space: Space,
  out: Float32Array = new Float32Array(a.length),
): Float32Array {
  if (space.kind !== "discrete") return clipToBox(a, space, out);
  if (out !== a) out.set(a);
  return out;
}

/** Extra per-step or per-reset facts, as numbers (e.g. `x_velocity`). */
export type Info = Record<string, number>;

/** Options for {@link Env.reset}. */
export interface ResetOptions {
  /** Reseeds the env's own generator before drawing the start state. */
  seed?: number;
  /** Env-specific reset options (Pendulum: `x_init`, `y_init`). */
  options?: Record<string, number>;
}

/** What {@link Env.reset} returns. `obs` is owned by the caller. */
export interface ResetResult {
  obs: Float32Array;
  info: Info;
}

/** What {@link Env.step} returns. `obs` is owned by the caller. */
export interface StepResult {
  obs: Float32Array;
  reward: number;
  /** The MDP reached a terminal state: do not bootstrap. */
  terminated: boolean;
  /** The episode was cut short (time limit): bootstrap from V(obs). */
  truncated: boolean;
  info: Info;
}

/** A single environment. */
export interface Env {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  reset(opts?: ResetOptions): ResetResult;
  /**
   * Throws on a wrong-length or non-finite action (Discrete: not an integer in [0, n)), leaving
   * the state unchanged.
   */
  step(action: Float32Array): StepResult;
  /** The exact simulator state, a fresh copy. */
  getState(): Float64Array;
  /** Restores a state from {@link Env.getState}; the continuation is then identical. */
  setState(state: Float64Array): void;
  /** Frees native or wasm memory; the env is unusable afterwards. */
  close(): void;
}

/** Shared options for envs: the generator for reset draws (defaults to a seed-0 one). */
export interface EnvOptions {
  rng?: Rng;
}
