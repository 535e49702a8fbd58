/**
 * The matrix-product backend: `ts` (lib/gemm.ts, scalar TypeScript, the reference and test oracle)
 * or `wasm` (lib/gemm_wasm.ts, WebAssembly SIMD). Every `matmul` and `linear`, forward and both
 * gradients, goes through {@link product}. A training run on `wasm` also runs Adam's update and
 * gradient clipping in wasm (lib/train.ts passes lib/optim.ts's `simd` option; lib/adam_wasm.ts,
 * the same bits as the TypeScript loops).
 *
 * ```text
 * C[M, N] += op(A)·op(B)    nn: A·B    tn: Aᵀ·B (A stored [P, M])    nt: A·Bᵀ (B stored [N, P])
 * ```
 * The default is the fastest available: `wasm` where the runtime validates a SIMD module, else
 * `ts`. The two sum in different orders (ts in float64 registers, wasm in float32 lanes in blocks),
 * so a seed's numbers differ between backends in the last bits and from there on; within one
 * backend they are the same on 1 or 2 threads. Float64 data (gradient checks) always takes the `ts`
 * path.
 *
 * @module
 */
import { gemm, transpose } from "./gemm.ts";
import { gemmWasm, type Layout, setFused, simdSupported } from "./gemm_wasm.ts";
import type { Storage } from "./tensor.ts";

export { type Layout, simdSupported };

/** The product backends. */
export type BackendName = "ts" | "wasm";

/** Numeric codes, for the worker control words. */
export const BACKENDS = ["ts", "wasm", "wasm-fused"] as const;

let chosen: BackendName | undefined, fused = false;

/**
 * Selects the matrix-product backend for this thread (and for workers started later or already
 * running: {@link backendCode} is posted with each job).
 * @param opts.fused wasm only: use `f32x4.relaxed_madd`, about 1.2× on an update step, but its bits
 * may differ between hosts (FMA or not). Default false.
 *
 * @example
 * ```ts
 * import { getBackend, setBackend } from "./backend.ts";
 * import { strictEqual } from "node:assert/strict";
 * setBackend("ts");
 * strictEqual(getBackend(), "ts");
 * ```
 */
export function setBackend(name: BackendName, opts: { fused?: boolean } = {}): void {
  if (name !== "ts" && name !== "wasm") {
    throw new Error(`setBackend: backend must be "ts" or "wasm", got ${JSON.stringify(name)}`);
  }
  if (name === "wasm" && !simdSupported()) {
    throw new Error(
      `setBackend: "wasm" needs WebAssembly SIMD, which this runtime lacks; use "ts"`,
    );
  }
  chosen = name;
  fused = name === "wasm" && (opts.fused ?? false);
  setFused(fused);
}

/** The current backend: the one set, else `wasm` if SIMD validates, else `ts`. */
export function getBackend(): BackendName {
  return chosen ??= simdSupported() ? "wasm" : "ts";
}

/** The current backend as an index into {@link BACKENDS}. */
export function backendCode(): number {
  return getBackend() === "ts" ? 0 : fused ? 2 : 1;
}

/** Options of {@link product}. */
export interface ProductOptions {
  /** `nn` A [M, P], B [P, N] (default); `tn` A stored [P, M]; `nt` B stored [N, P]. */
  layout?: Layout;
  /** C = bias + op(A)·op(B) with bias [N] added to every row: C's old values are not read. */
  bias?: Storage;
  /** An index into {@link BACKENDS}; default the current backend's. */
  code?: number;
  /** A's stored row length: default P (`nn`, `nt`) or M (`tn`, whose first M columns are used). */
  lda?: number;
}

/** C[M, N] += op(A)·op(B) on the current backend; see {@link ProductOptions}. */
export function product(
  M: number,
  N: number,
  P: number,
  a: Storage,
  b: Storage,
  c: Storage,
  opts: ProductOptions = {},
): void {
  const { layout = "nn", bias, code = backendCode() } = opts;
  const width = layout === "tn" ? M : P, lda = opts.lda ?? width;
  if (
    code && c instanceof Float32Array && a instanceof Float32Array && b instanceof Float32Array &&
    !(bias instanceof Float64Array)
  ) {
    setFused(code === 2);
    gemmWasm(M, N, P, a, b, c, { layout, bias, lda });
    return;
  }
  if (lda !== width) { // to dense rows
    const rows = layout === "tn" ? P : M,
      dense = new (a.constructor as Float32ArrayConstructor)(rows * width);
    for (let r = 0; r < rows; r++) dense.set(a.subarray(r * lda, r * lda + width), r * width);
    a = dense;
  }
  if (bias) { for (let m = 0; m < M; m++) c.set(bias.subarray(0, N), m * N); }
  const at = layout === "tn" ? transpose(a, P, M) : a,
    bt = layout === "nt" ? transpose(b, N, P) : b;
  gemm(M, N, P, at, bt, c);
}
