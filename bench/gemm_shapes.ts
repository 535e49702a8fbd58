/**
 * Register-block shapes for the matmul micro-kernel, side by side in one run: lib/gemm.ts's 4 × 4
 * tile against 2 × 4, 3 × 4 and 1 × 8 tiles of the same loop, in GFLOP/s (2·M·N·P flops per
 * product) on the products of a 256-256 MLP update. Every variant sums each output in the same
 * order, so all return the same bits (checked).
 *
 *   deno run -A bench/gemm_shapes.ts
 *
 * @module
 */
import { gemm } from "../lib/gemm.ts";

type F = Float32Array;
/** C[m..m+1, n..n+3] += A[m..m+1, :]·B[:, n..n+3]: 8 accumulators. */
function tile2x4(a: F, b: F, c: F, a0: number, n0: number, o: number, P: number, N: number) {
  const a1 = a0 + P;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  for (let p = 0, pb = n0; p < P; p++, pb += N) {
    const x0 = a[a0 + p],
      x1 = a[a1 + p],
      y0 = b[pb],
      y1 = b[pb + 1],
      y2 = b[pb + 2],
      y3 = b[pb + 3];
    c00 += x0 * y0, c01 += x0 * y1, c02 += x0 * y2, c03 += x0 * y3;
    c10 += x1 * y0, c11 += x1 * y1, c12 += x1 * y2, c13 += x1 * y3;
  }
  c[o] += c00, c[o + 1] += c01, c[o + 2] += c02, c[o + 3] += c03, o += N;
  c[o] += c10, c[o + 1] += c11, c[o + 2] += c12, c[o + 3] += c13;
}
/** 3 × 4: 12 accumulators and 7 operands, more than x86-64's 16 float registers. */
function tile3x4(a: F, b: F, c: F, a0: number, n0: number, o: number, P: number, N: number) {
  const a1 = a0 + P, a2 = a1 + P;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  for (let p = 0, pb = n0; p < P; p++, pb += N) {
    const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p];
    const y0 = b[pb], y1 = b[pb + 1], y2 = b[pb + 2], y3 = b[pb + 3];
    c00 += x0 * y0, c01 += x0 * y1, c02 += x0 * y2, c03 += x0 * y3;
    c10 += x1 * y0, c11 += x1 * y1, c12 += x1 * y2, c13 += x1 * y3;
    c20 += x2 * y0, c21 += x2 * y1, c22 += x2 * y2, c23 += x2 * y3;
  }
  c[o] += c00, c[o + 1] += c01, c[o + 2] += c02, c[o + 3] += c03, o += N;
  c[o] += c10, c[o + 1] += c11, c[o + 2] += c12, c[o + 3] += c13, o += N;
  c[o] += c20, c[o + 1] += c21, c[o + 2] += c22, c[o + 3] += c23;
}
/** 1 × 8: one A load per step, eight B loads. */
function tile1x8(a: F, b: F, c: F, a0: number, n0: number, o: number, P: number, N: number) {
  let c0 = 0, c1 = 0, c2 = 0, c3 = 0, c4 = 0, c5 = 0, c6 = 0, c7 = 0;
  for (let p = 0, pb = n0; p < P; p++, pb += N) {
    const x = a[a0 + p];
    c0 += x * b[pb], c1 += x * b[pb + 1], c2 += x * b[pb + 2], c3 += x * b[pb + 3];
    c4 += x * b[pb + 4], c5 += x * b[pb + 5], c6 += x * b[pb + 6], c7 += x * b[pb + 7];
  }
  c[o] += c0, c[o + 1] += c1, c[o + 2] += c2, c[o + 3] += c3;
  c[o + 4] += c4, c[o + 5] += c5, c[o + 6] += c6, c[o + 7] += c7;
}
type Tile = typeof tile2x4;
/** Tiles C with a rows × cols tile (cols divides every N below); leftover rows go to lib's gemm. */
function tiled(tile: Tile, rows: number, cols: number): typeof gemm {
  return (M, N, P, a, b, c) => {
    const M0 = M - (M % rows);
    for (let m = 0; m < M0; m += rows) {
      for (let n = 0; n < N; n += cols) tile(a as F, b as F, c as F, m * P, n, m * N + n, P, N);
    }
    if (M0 < M) gemm(M - M0, N, P, a.subarray(M0 * P), b, c.subarray(M0 * N));
  };
}
const kernels: [string, typeof gemm][] = [
  ["4 × 4 (lib/gemm.ts)", gemm],
  ["2 × 4", tiled(tile2x4, 2, 4)],
  ["3 × 4", tiled(tile3x4, 3, 4)],
  ["1 × 8", tiled(tile1x8, 1, 8)],
];

const shapes = [[64, 256, 256], [240, 256, 256], [256, 256, 64], [4096, 256, 256]];
console.log(`GFLOP/s, 1 thread (Deno ${Deno.version.deno}, load ${Deno.loadavg()[0]})\n`);
console.log(`| M × N × P | ${kernels.map(([k]) => k).join(" | ")} |`);
console.log(`|---|${kernels.map(() => "---:").join("|")}|`);
for (const [M, N, P] of shapes) {
  const a = Float32Array.from({ length: M * P }, (_, i) => Math.sin(i));
  const b = Float32Array.from({ length: P * N }, (_, i) => Math.cos(i));
  const ref = new Float32Array(M * N);
  gemm(M, N, P, a, b, ref);
  const cells = kernels.map(([name, k]) => {
    const c = new Float32Array(M * N);
    k(M, N, P, a, b, c);
    if (!c.every((v, i) => Object.is(v, ref[i]))) throw new Error(`${name} differs from gemm`);
    for (let i = 0; i < 3; i++) k(M, N, P, a, b, c);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 600) k(M, N, P, a, b, c), n++;
    return (2 * M * N * P * n / ((performance.now() - t0) / 1000) / 1e9).toFixed(2);
  });
  console.log(`| ${M} × ${N} × ${P} | ${cells.join(" | ")} |`);
}
