import { deepStrictEqual, ok, throws } from "node:assert/strict";
import {
  type BackendName,
  getBackend,
  type Layout,
  product,
  setBackend,
  simdSupported,
} from "../../lib/backend.ts";
import { gemm, transpose } from "../../lib/gemm.ts";
import { gemmWasm, setFused } from "../../lib/gemm_wasm.ts";
import { linear, mean, mul, relu, sum } from "../../lib/ops.ts";
import { Rng } from "../../lib/rng.ts";
import { Tensor } from "../../lib/tensor.ts";
import { matmulKernel, startThreads, stopThreads } from "../../lib/threads.ts";

const rng = new Rng(16);
const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

/** The operands of C[M, N] += op(A)·op(B) as stored for `layout`, and C's starting value. */
function operands(M: number, N: number, P: number) {
  return { a: normal(M * P), b: normal(P * N), c0: normal(M * N) };
}

/**
 * max over elements of |got − ref| / (Σ_p |A(m, p)·B(p, n)| + |C₀[m, n]|): the error relative to
 * the sum's own scale, which a float32 sum keeps below about P·2⁻²⁴.
 */
function relError(
  M: number,
  N: number,
  P: number,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  got: Float32Array,
  ref: Float32Array,
): number {
  let worst = 0;
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let scale = Math.abs(c0[m * N + n]);
      for (let p = 0; p < P; p++) scale += Math.abs(a[m * P + p] * b[p * N + n]);
      worst = Math.max(worst, Math.abs(got[m * N + n] - ref[m * N + n]) / (scale || 1));
    }
  }
  return worst;
}

/** A stored for `layout` from the row-major A [M, P] (and likewise B). */
const stored = (
  layout: Layout,
  M: number,
  N: number,
  P: number,
  a: Float32Array,
  b: Float32Array,
) =>
  [
    layout === "tn" ? transpose(a, M, P) as Float32Array : a,
    layout === "nt" ? transpose(b, P, N) as Float32Array : b,
  ] as const;

Deno.test("this runtime has WebAssembly SIMD, and wasm is the default backend", () => {
  ok(simdSupported());
  deepStrictEqual(getBackend(), "wasm");
});

Deno.test("wasm agrees with ts to 1e-5 of the sum's scale on odd sizes, all layouts, plain and fused", () => {
  let worst = 0;
  for (const M of [1, 3, 4, 5, 6, 7, 11, 17, 37]) {
    for (const N of [1, 3, 4, 6, 8, 9, 17, 37]) {
      for (const P of [1, 3, 17, 37]) {
        const { a, b, c0 } = operands(M, N, P);
        const ref = c0.slice();
        gemm(M, N, P, a, b, ref);
        for (const layout of ["nn", "tn", "nt"] as const) {
          for (const fused of [false, true]) {
            setFused(fused);
            const [sa, sb] = stored(layout, M, N, P, a, b), got = c0.slice();
            gemmWasm(M, N, P, sa, sb, got, { layout });
            const e = relError(M, N, P, a, b, c0, got, ref);
            ok(e <= 1e-5, `${M}×${N}×${P} ${layout} fused=${fused}: ${e}`);
            worst = Math.max(worst, e);
          }
        }
      }
    }
  }
  setFused(false);
  ok(worst > 0, "the backends should differ somewhere (float64 vs float32 sums)");
});

Deno.test("wasm agrees with ts on the products of a 17→256→256→6 policy at B = 64 and 301", () => {
  for (const B of [64, 301]) {
    for (
      const [M, N, P, layout] of [
        [B, 256, 17, "nn"], // forward, layer 0
        [B, 256, 256, "nn"], // forward, layer 1
        [B, 6, 256, "nn"], // forward, a head
        [B, 256, 6, "nt"], // ∂L/∂h = G·Wᵀ through a head
        [B, 256, 256, "nt"], // ∂L/∂h₀ = G·W₁ᵀ
        [256, 6, B, "tn"], // ∂L/∂W of a head = hᵀ·G
        [256, 256, B, "tn"], // ∂L/∂W₁ = h₀ᵀ·G
        [17, 256, B, "tn"], // ∂L/∂W₀ = sᵀ·G
      ] as const
    ) {
      const { a, b, c0 } = operands(M, N, P);
      const ref = c0.slice(), got = c0.slice(), [sa, sb] = stored(layout, M, N, P, a, b);
      product(M, N, P, sa, sb, ref, { layout, code: 0 });
      product(M, N, P, sa, sb, got, { layout, code: 1 });
      const e = relError(M, N, P, a, b, c0, got, ref);
      ok(e <= 1e-5, `B=${B}: ${M}×${N}×${P} ${layout}: ${e}`);
    }
  }
});

Deno.test("wasm gives the same bits for any layout and any split of the rows", () => {
  // P > one 256-block, M and N off the 5 × 8 tile; N, P multiples of 4 take the SIMD transpose
  for (const [M, N, P] of [[23, 13, 300], [23, 36, 260], [7, 4, 4]]) sameBits(M, N, P);
});

function sameBits(M: number, N: number, P: number) {
  const { a, b, c0 } = operands(M, N, P);
  const whole = c0.slice();
  gemmWasm(M, N, P, a, b, whole);
  for (const layout of ["tn", "nt"] as const) {
    const [sa, sb] = stored(layout, M, N, P, a, b), got = c0.slice();
    gemmWasm(M, N, P, sa, sb, got, { layout });
    ok(got.every((v, i) => Object.is(v, whole[i])), layout);
  }
  for (let k = 0; k <= M; k++) {
    const split = c0.slice();
    gemmWasm(k, N, P, a, b, split);
    gemmWasm(M - k, N, P, a.subarray(k * P), b, split.subarray(k * N));
    ok(split.every((v, i) => Object.is(v, whole[i])), `split at row ${k}`);
  }
}

Deno.test("an MLP's float32 loss and gradients agree between backends (gradchecks run in float64 on ts)", () => {
  // gradcheck works in float64, which every backend sends to lib/gemm.ts; this checks that the wasm
  // backend gives the same float32 forward and backward as the gradchecked ts one.
  const B = 37, S = 17, H = 33;
  const x = new Tensor(normal(B * S), [B, S]);
  const init = [normal(S * H), normal(H), normal(H * 3), normal(3)];
  const run = (backend: BackendName) => {
    setBackend(backend);
    const [w0, b0, w1, b1] = init.map((d, i) =>
      new Tensor(d.slice(), i % 2 ? [d.length] : [i ? H : S, i ? 3 : H], { requiresGrad: true })
    );
    const y = linear(relu(linear(x, w0, b0)), w1, b1);
    const loss = mean(mul(y, y));
    loss.backward();
    return [loss.data, ...[w0, b0, w1, b1].map((p) => p.grad), sum(y).data];
  };
  const before = getBackend(), ts = run("ts"), wasm = run("wasm");
  setBackend(before);
  ts.forEach((t, i) => {
    const scale = Math.max(...Array.from(t, Math.abs));
    const err = Math.max(...Array.from(t, (v, j) => Math.abs(v - wasm[i][j])));
    ok(err <= 1e-5 * scale, `output ${i}: ${err} vs scale ${scale}`);
  });
});

Deno.test("setBackend rejects unknown names", () => {
  throws(() => setBackend("gpu" as BackendName), /backend must be "ts" or "wasm", got "gpu"/);
});

Deno.test("C = bias + A·B: wasm and ts agree, the old C is ignored, and 2 threads match 1", async () => {
  for (const [M, N, P] of [[7, 9, 5], [1, 3, 1], [300, 37, 130], [64, 6, 0]]) {
    const { a, b } = operands(M, N, P), bias = normal(N);
    const zero = new Float32Array(M * N), ts = normal(M * N), wasm = normal(M * N);
    product(M, N, P, a, b, ts, { bias, code: 0 });
    product(M, N, P, a, b, wasm, { bias, code: 1 });
    const want = zero.map((_, i) => bias[i % N]);
    gemm(M, N, P, a, b, want);
    ok(relError(M, N, P, a, b, zero, ts, want) < 1e-6, `ts ${M}×${N}×${P}`);
    ok(relError(M, N, P, a, b, zero, wasm, want) <= 1e-5, `wasm ${M}×${N}×${P}`);
  }
  const M = 4096, N = 64, P = 130, { a, b } = operands(M, N, P), bias = normal(N); // ≥ 2²⁵: split
  const one = new Float32Array(M * N), two = normal(M * N);
  matmulKernel(M, N, P, a, b, one, { bias });
  await startThreads(2, { scratchMB: 8 });
  try {
    matmulKernel(M, N, P, a, b, two, { bias });
  } finally {
    stopThreads();
  }
  ok(two.every((v, i) => Object.is(v, one[i])));
});

Deno.test("lda: columns of a wider stored A give the same bits as the dense block, both backends", () => {
  const M = 13, N = 11, P = 29, ld = 40, off = 5, wide = normal(P * ld), b = normal(P * N);
  const c0 = normal(M * N);
  for (const code of [0, 1]) {
    for (const layout of ["tn", "nn"] as const) {
      const rows = layout === "tn" ? P : M, width = layout === "tn" ? M : P;
      const dense = new Float32Array(rows * width); // the block [rows, width] at column `off`
      for (let r = 0; r < rows; r++) {
        dense.set(wide.subarray(r * ld + off, r * ld + off + width), r * width);
      }
      const want = c0.slice(), got = c0.slice();
      product(M, N, P, dense, b, want, { layout, code });
      product(M, N, P, wide.subarray(off), b, got, { layout, code, lda: ld });
      ok(got.every((v, i) => Object.is(v, want[i])), `code ${code} ${layout}`);
    }
  }
});
