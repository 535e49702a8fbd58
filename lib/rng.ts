/**
 * A seeded random generator whose whole state can be saved and restored.
 *
 * The core is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state), seeded
 * through splitmix32 so that nearby seeds give unrelated streams. Normals use Box–Muller and keep
 * no spare value, so the four state words are the entire state.
 *
 * Reference: PractRand's sfc32; G. E. P. Box and M. E. Muller (1958).
 *
 * @module
 */

/** The four uint32 words of an {@link Rng}'s state. */
export type RngState = [number, number, number, number];

/**
 * A seeded generator: uniform, normal, integers and shuffles; `state()` / `setState()` for exact resume.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * import { strictEqual } from "node:assert/strict";
 * const a = new Rng(7);
 * a.uniform();
 * const saved = a.state();
 * const next = a.uniform();
 * const b = new Rng(0);
 * b.setState(saved);
 * strictEqual(b.uniform(), next);
 * ```
 */
export class Rng {
  #a = 0;
  #b = 0;
  #c = 0;
  #d = 0;

  /**
   * @param seed an integer in [0, 2³² − 1] (the generator keeps 32 bits, so anything else would
   *   silently alias another seed and is refused); the same seed always gives the same stream.
   */
  constructor(seed: number) {
    if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      throw new Error(`Rng seed is ${seed}, expected an integer in [0, 4294967295]`);
    }
    let s = seed >>> 0;
    const splitmix = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = splitmix();
    this.#b = splitmix();
    this.#c = splitmix();
    this.#d = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** The next uint32 in [0, 2³²). */
  nextUint32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = (this.#b ^ (this.#b >>> 9)) >>> 0;
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** u ~ U[low, high) with 53 random bits. */
  uniform(low = 0, high = 1): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    const u = (hi * 67108864 + lo) / 9007199254740992; // (hi·2²⁶ + lo) / 2⁵³ ∈ [0, 1)
    return low + (high - low) * u;
  }

  /** z ~ N(mean, std²) by Box–Muller: z = √(−2 ln u₁) · cos(2π u₂), u₁ ∈ (0, 1]. */
  normal(mean = 0, std = 1): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!(Number.isInteger(n) && n > 0)) {
      throw new Error(`Rng.int needs a positive integer n, got ${n}`);
    }
    return Math.floor(this.uniform() * n);
  }

  /** Fills `out` with N(0, 1) draws and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Shuffles `xs` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(xs: T): T {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = xs[i];
      xs[i] = xs[j];
      xs[j] = t;
    }
    return xs;
  }

  /** A child generator whose stream is independent of this one's (it consumes one draw). */
  spawn(): Rng {
    return new Rng(this.nextUint32());
  }

  /** The full state, a copy safe to serialize as JSON. */
  state(): RngState {
    return [this.#a, this.#b, this.#c, this.#d];
  }

  /** Restores a state saved by {@link Rng.state}; the stream then continues identically. */
  setState(state: RngState): void {
    if (
      !Array.isArray(state) || state.length !== 4 ||
      !state.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)
    ) {
      throw new Error(`Rng.setState expects 4 uint32 words, got ${JSON.stringify(state)}`);
    }
    [this.#a, this.#b, this.#c, this.#d] = state;
  }
}
