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

/** A box space: every element i lies in [low[i], high[i]]. */
export interface Box {
  shape: number[];
  low: Float32Array;
  high: Float32Array;
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
  readonly actionSpace: Box;
  reset(opts?: ResetOptions): ResetResult;
  /** Throws on a wrong-length or non-finite action, leaving the state unchanged. */
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
