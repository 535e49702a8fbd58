/**
 * The `ts` product backend (lib/backend.ts): a register-blocked matrix multiply-accumulate in
 * scalar TypeScript behind `matmul`'s forward pass and both of its gradients, and the transpose that
 * feeds it. It is the reference the `wasm` backend (lib/gemm_wasm.ts) is tested against.
 *
 * ```text
 * C[m, n] += Σ_p A[m, p]·B[p, n]      A [M, P], B [P, N], C [M, N], all row-major
 * ```
 * The kernel keeps a 4 × 4 tile of C in 16 locals and streams p, so each step does 16
 * multiply-adds for 8 loads; edges fall back to scalar loops. The gradients G·Wᵀ and Aᵀ·G first
 * transpose one operand (O(size), small next to the O(M·N·P) product), so every product runs the
 * same contiguous kernel and V8 compiles one shape of it.
 *
 * Reference: K. Goto and R. van de Geijn, "Anatomy of high-performance matrix multiplication"
 * (ACM TOMS 2008), the register-blocked micro-kernel.
 *
 * @module
 */
import type { Storage } from "./tensor.ts";

/**
 * C[M, N] += A[M, P]·B[P, N], all contiguous row-major.
 *
 * @example
 * ```ts
 * import { gemm } from "./gemm.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const c = new Float32Array(4);
 * // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
 * gemm(2, 2, 2, new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), c);
 * deepStrictEqual(Array.from(c), [19, 22, 43, 50]);
 * ```
 */
export function gemm(M: number, N: number, P: number, a: Storage, b: Storage, c: Storage): void {
  const M4 = M - (M % 4), N4 = N - (N % 4);
  for (let m = 0; m < M4; m += 4) {
    for (let n = 0; n < N4; n += 4) tile4x4(a, b, c, m * P, n, m * N + n, P, N);
  }
  // Edges: the last N mod 4 columns of the blocked rows, then the last M mod 4 rows.
  for (let n = N4; n < N; n++) {
    for (let m = 0; m < M4; m += 4) column4(a, b, c, m * P, n, m * N + n, P, N);
  }
  for (let m = M4; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let acc = 0;
      for (let p = 0, pa = m * P, pb = n; p < P; p++, pb += N) acc += a[pa + p] * b[pb];
      c[m * N + n] += acc;
    }
  }
}

/** C[m..m+3, n] += A[m..m+3, :]·B[:, n]: one edge column for four rows. */
function column4(
  a: Storage,
  b: Storage,
  c: Storage,
  a0: number,
  n0: number,
  o: number,
  P: number,
  N: number,
): void {
  const a1 = a0 + P, a2 = a1 + P, a3 = a2 + P;
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  for (let p = 0, pb = n0; p < P; p++, pb += N) {
    const y = b[pb];
    c0 += a[a0 + p] * y, c1 += a[a1 + p] * y, c2 += a[a2 + p] * y, c3 += a[a3 + p] * y;
  }
  c[o] += c0, c[o + N] += c1, c[o + 2 * N] += c2, c[o + 3 * N] += c3;
}

/**
 * C[m..m+3, n..n+3] += A[m..m+3, :]·B[:, n..n+3] with the tile in 16 locals. A separate function
 * so V8 optimizes it as a hot callee rather than by on-stack replacement of `gemm`'s loops, which
 * deoptimizes on every loop exit.
 * @param a0 offset of A[m, 0] @param n0 offset of B[0, n] @param o offset of C[m, n]
 */
function tile4x4(
  a: Storage,
  b: Storage,
  c: Storage,
  a0: number,
  n0: number,
  o: number,
  P: number,
  N: number,
): void {
  const a1 = a0 + P, a2 = a1 + P, a3 = a2 + P;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, pb = n0; p < P; p++, pb += N) {
    const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
    const y0 = b[pb], y1 = b[pb + 1], y2 = b[pb + 2], y3 = b[pb + 3];
    c00 += x0 * y0, c01 += x0 * y1, c02 += x0 * y2, c03 += x0 * y3;
    c10 += x1 * y0, c11 += x1 * y1, c12 += x1 * y2, c13 += x1 * y3;
    c20 += x2 * y0, c21 += x2 * y1, c22 += x2 * y2, c23 += x2 * y3;
    c30 += x3 * y0, c31 += x3 * y1, c32 += x3 * y2, c33 += x3 * y3;
  }
  c[o] += c00, c[o + 1] += c01, c[o + 2] += c02, c[o + 3] += c03, o += N;
  c[o] += c10, c[o + 1] += c11, c[o + 2] += c12, c[o + 3] += c13, o += N;
  c[o] += c20, c[o + 1] += c21, c[o + 2] += c22, c[o + 3] += c23, o += N;
  c[o] += c30, c[o + 1] += c31, c[o + 2] += c32, c[o + 3] += c33;
}

/** out[c, r] = src[r, c] for a [rows, cols] row-major matrix, in 16 × 16 blocks; `out` has `src`'s type. */
export function transpose(src: Storage, rows: number, cols: number): Storage {
  const out = new (src.constructor as Float32ArrayConstructor)(rows * cols);
  for (let r0 = 0; r0 < rows; r0 += 16) {
    const r1 = Math.min(r0 + 16, rows);
    for (let c0 = 0; c0 < cols; c0 += 16) {
      const c1 = Math.min(c0 + 16, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) out[c * rows + r] = src[r * cols + c];
      }
    }
  }
  return out;
}
