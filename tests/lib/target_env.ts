/** A tiny env for train() tests, written as a user would. */
import type { Box, Env, ResetOptions, StepResult } from "../../lib/env.ts";
import { Rng } from "../../lib/rng.ts";

/**
 * Steer a point to 0: x ← x + 0.2·clip(a, ±1), r = −x², `length` steps (default 20) from
 * x₀ ~ U(−1, 1). Doing nothing scores about −20·E[x₀²] ≈ −6.7; steering to 0 scores about −0.5.
 */
export class Target implements Env {
  readonly id = "Target-v0";
  readonly observationSpace: Box = {
    shape: [1],
    low: Float32Array.of(-9),
    high: Float32Array.of(9),
  };
  readonly actionSpace: Box = { shape: [1], low: Float32Array.of(-1), high: Float32Array.of(1) };
  #x = 0;
  #t = 0;
  constructor(private rng: Rng, private length = 20) {}
  reset(opts: ResetOptions = {}) {
    if (opts.seed !== undefined) this.rng = new Rng(opts.seed);
    this.#x = 2 * this.rng.uniform() - 1;
    this.#t = 0;
    return { obs: Float32Array.of(this.#x), info: {} };
  }
  step(a: Float32Array): StepResult {
    if (a.length !== 1 || !Number.isFinite(a[0])) throw new Error(`Target: bad action ${a}`);
    this.#x += 0.2 * a[0];
    this.#t++;
    return {
      obs: Float32Array.of(this.#x),
      reward: -(this.#x ** 2),
      terminated: false,
      truncated: this.#t >= this.length,
      info: {},
    };
  }
  getState() {
    return Float64Array.of(this.#x, this.#t);
  }
  setState(s: Float64Array) {
    [this.#x, this.#t] = s;
  }
  close() {}
}
