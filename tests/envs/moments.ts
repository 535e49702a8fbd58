/**
 * Moments of i.i.d. draws against their distribution, for the reset-noise tests of every env.
 *
 * @module
 */
import { ok } from "node:assert/strict";

/**
 * Asserts that i.i.d. `xs` have mean `mean` and variance `variance` to 5 standard errors, using
 * the distribution's fourth central moment `mu4` for the variance's error.
 */
export function checkMoments(
  xs: number[],
  mean: number,
  variance: number,
  mu4: number,
  what: string,
): void {
  const n = xs.length;
  const m = xs.reduce((s, x) => s + x, 0) / n;
  const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / n;
  ok(Math.abs(m - mean) < 5 * Math.sqrt(variance / n), `${what}: mean ${m}, expected ${mean}`);
  const seVar = Math.sqrt((mu4 - variance * variance) / n);
  ok(Math.abs(v - variance) < 5 * seVar, `${what}: variance ${v}, expected ${variance}`);
}

/**
 * Asserts that i.i.d. `xs` lie in [low, high] and have the moments of U(low, high): mean
 * (low + high)/2, variance w²/12 and fourth central moment w⁴/80, w = high − low.
 */
export function checkUniform(xs: number[], low: number, high: number, what: string): void {
  const w = high - low;
  ok(xs.every((x) => low <= x && x <= high), `${what}: a draw outside [${low}, ${high}]`);
  checkMoments(xs, (low + high) / 2, w * w / 12, w ** 4 / 80, what);
}
