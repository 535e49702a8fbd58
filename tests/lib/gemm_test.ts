import { ok } from "node:assert/strict";
import { gemm, transpose } from "../../lib/gemm.ts";
import { Rng } from "../../lib/rng.ts";

Deno.test("blocked gemm equals the triple loop for every edge case of M, N, P mod 4 (float64)", () => {
  const rng = new Rng(8);
  for (const M of [1, 3, 4, 5, 8, 9]) {
    for (const N of [1, 2, 4, 6, 7]) {
      for (const P of [1, 4, 5]) {
        const a = Float64Array.from({ length: M * P }, () => rng.normal());
        const b = Float64Array.from({ length: P * N }, () => rng.normal());
        const c = Float64Array.from({ length: M * N }, () => rng.normal()); // accumulates into C
        const want = Float64Array.from(c);
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            for (let p = 0; p < P; p++) want[m * N + n] += a[m * P + p] * b[p * N + n];
          }
        }
        gemm(M, N, P, a, b, c);
        ok(c.every((v, i) => Math.abs(v - want[i]) < 1e-12), `M=${M} N=${N} P=${P}`);
      }
    }
  }
});

Deno.test("transpose", () => {
  const t = transpose(new Float32Array([1, 2, 3, 4, 5, 6]), 2, 3);
  ok(t instanceof Float32Array && Array.from(t).join() === "1,4,2,5,3,6");
});

Deno.test("gemm on any split of the rows gives the same bits as on all of them (float32)", () => {
  // what lets lib/threads.ts split products between threads however it likes
  const rng = new Rng(9), M = 23, N = 10, P = 37;
  const a = Float32Array.from({ length: M * P }, () => rng.normal());
  const b = Float32Array.from({ length: P * N }, () => rng.normal());
  const c0 = Float32Array.from({ length: M * N }, () => rng.normal());
  const whole = c0.slice();
  gemm(M, N, P, a, b, whole);
  for (let k = 0; k <= M; k++) {
    const split = c0.slice();
    gemm(k, N, P, a, b, split);
    gemm(M - k, N, P, a.subarray(k * P), b, split.subarray(k * N));
    ok(split.every((v, i) => Object.is(v, whole[i])), `split at row ${k}`);
  }
});
