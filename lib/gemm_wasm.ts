/**
 * The WebAssembly SIMD matrix product: C += op(A)·op(B) for the three products `matmul` needs
 * (A·B, Aᵀ·B, A·Bᵀ), with no explicit transpose of the large operand.
 *
 * ```text
 * C[m, n] += Σ_p A(m, p)·B(p, n)       A(m, p) at a + m·s_m + p·s_p (either layout), B row-major
 * acc = Σ_{p ∈ block} A(m, p)·B(p, n), summed in p order with f32x4.mul then f32x4.add;
 * C[m, n] ← C[m, n] + acc after each block of KC = 256 values of p
 * ```
 * The micro-kernel keeps a 5 × 8 tile of C in 10 f32x4 accumulators: each step of p loads 8 values
 * of a row of B (two vectors), splats 5 values of A, and does 10 vector multiply-adds (6 × 8 in 12
 * with the fused form; with mul + add a 6 × 8 tile needs all 16 xmm registers and spills, 28
 * against 40 GFLOPS here). Leftover rows take 4-, 2- and 1-row tiles, leftover columns a partial
 * last vector (its spare lanes read whatever follows and are never stored). Every element of C is
 * summed in the same order whichever tile, layout or thread computes it, so row splits between
 * threads give the same bits.
 *
 * **Plain, not fused.** `f32x4.relaxed_madd` may or may not round once (FMA) depending on the host,
 * so the same seed could give different bits on different machines; plain mul + add gives the same
 * bits everywhere and is the default. `setFused(true)` (`setBackend("wasm", { fused: true })`) opts
 * into the fused form: 1.20–1.26× on the whole update step here (docs/speed.md).
 *
 * Operands are copied into one wasm memory (grown as needed) and C copied back: O(M·P + P·N + M·N)
 * next to the O(M·N·P) product. A·Bᵀ transposes B while copying it in (B is the small weight in
 * `matmul`'s gradient; in wasm 4 × 4 blocks when N and P are multiples of 4, 5× the TypeScript
 * loop at 256 × 256); Aᵀ·B reads A with a stride and copies nothing extra. Nothing is compiled
 * until the first product.
 *
 * Reference: K. Goto and R. van de Geijn, "Anatomy of high-performance matrix multiplication"
 * (ACM TOMS 2008); WebAssembly fixed-width SIMD.
 *
 * @module
 */
import { assemble, Fn, I32, V128 } from "./wasm_asm.ts";

/** How the operands are stored: `nn` A [M, P], B [P, N]; `tn` A [P, M]; `nt` B [N, P]. */
export type Layout = "nn" | "tn" | "nt";

/** Values of p per accumulation block. */
const KC = 256;

/** Emits `gemm(M, N, K, a, s_m, s_p, b, s_b, c, s_c)`: all pointers and strides in bytes. */
function kernel(fused: boolean): Fn {
  const f = new Fn(new Array(10).fill(I32));
  const [M, N, K, pa, sAm, sAk, pb, sBk, pc, sCm] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [kb, kc, m, n, k, ap, bp, cp, rem, lanes] = Array.from({ length: 10 }, () => f.local(I32));
  const rowA = [0, ...Array.from({ length: 5 }, () => f.local(I32))]; // i·s_m
  const rowC = [0, ...Array.from({ length: 5 }, () => f.local(I32))]; // i·s_c
  const acc = Array.from({ length: 6 }, () => [f.local(V128), f.local(V128)]);
  const bv = [f.local(V128), f.local(V128)], av = f.local(V128);
  for (let i = 1; i < 6; i++) {
    f.get(sAm).i32(i).op("i32.mul").set(rowA[i]);
    f.get(sCm).i32(i).op("i32.mul").set(rowC[i]);
  }
  const addr = (base: number, row: number[], i: number) => {
    f.get(base);
    if (i) f.get(row[i]).op("i32.add");
  };
  /** The R × 4V tile at (m, n) over this block; the last vector stores `lanes` lanes if partial. */
  const tile = (R: number, V: number, partial: boolean) => {
    f.get(pa).get(m).get(sAm).op("i32.mul").op("i32.add").get(kb).get(sAk).op("i32.mul")
      .op("i32.add").set(ap);
    f.get(pb).get(kb).get(sBk).op("i32.mul").op("i32.add").get(n).i32(4).op("i32.mul")
      .op("i32.add").set(bp);
    f.get(pc).get(m).get(sCm).op("i32.mul").op("i32.add").get(n).i32(4).op("i32.mul")
      .op("i32.add").set(cp);
    for (let i = 0; i < R; i++) for (let v = 0; v < V; v++) f.f32x4(0).set(acc[i][v]);
    f.get(kc).set(k).op("loop");
    for (let v = 0; v < V; v++) f.get(bp).simd("v128.load", 16 * v).set(bv[v]);
    for (let i = 0; i < R; i++) {
      addr(ap, rowA, i);
      f.simd("v128.load32_splat").set(av);
      for (let v = 0; v < V; v++) {
        if (fused) f.get(av).get(bv[v]).get(acc[i][v]).simd("f32x4.relaxed_madd");
        else f.get(acc[i][v]).get(av).get(bv[v]).simd("f32x4.mul").simd("f32x4.add");
        f.set(acc[i][v]);
      }
    }
    f.get(ap).get(sAk).op("i32.add").set(ap).get(bp).get(sBk).op("i32.add").set(bp);
    f.get(k).i32(1).op("i32.sub").tee(k).brIf(0).op("end");
    for (let i = 0; i < R; i++) {
      for (let v = 0; v < V; v++) {
        const full = () => {
          addr(cp, rowC, i);
          addr(cp, rowC, i);
          f.simd("v128.load", 16 * v).get(acc[i][v]).simd("f32x4.add").simd("v128.store", 16 * v);
        };
        if (!(partial && v === V - 1)) {
          full();
          continue;
        }
        f.get(lanes).i32(4).op("i32.ge_s").op("if");
        full();
        f.op("else");
        for (let l = 0; l < 3; l++) {
          if (l) f.get(lanes).i32(l).op("i32.gt_s").op("if");
          addr(cp, rowC, i);
          addr(cp, rowC, i);
          f.mem("f32.load", 16 * v + 4 * l).get(acc[i][v]).simd("f32x4.extract_lane", l)
            .op("f32.add").mem("f32.store", 16 * v + 4 * l);
        }
        f.op("end").op("end").op("end"); // the two lane ifs, then the ≥ 4 if
      }
    }
  };
  /** All column tiles of rows m … m + R − 1. */
  const columns = (R: number) => {
    f.i32(0).set(n).op("block").op("loop");
    f.get(n).i32(8).op("i32.add").get(N).op("i32.gt_s").brIf(1);
    tile(R, 2, false);
    f.get(n).i32(8).op("i32.add").set(n).br(0).op("end").op("end");
    f.get(N).get(n).op("i32.sub").tee(rem).i32(0).op("i32.gt_s").op("if");
    f.get(rem).i32(4).op("i32.gt_s").op("if");
    f.get(rem).i32(4).op("i32.sub").set(lanes);
    tile(R, 2, true);
    f.op("else").get(rem).set(lanes);
    tile(R, 1, true);
    f.op("end").op("end");
  };
  f.i32(0).set(kb).op("loop");
  f.get(K).get(kb).op("i32.sub").tee(kc).i32(KC).op("i32.gt_s").op("if").i32(KC).set(kc).op("end");
  f.i32(0).set(m);
  for (const R of fused ? [6, 4, 2, 1] : [5, 4, 2, 1]) {
    f.op("block").op("loop");
    f.get(m).i32(R).op("i32.add").get(M).op("i32.gt_s").brIf(1);
    columns(R);
    f.get(m).i32(R).op("i32.add").set(m).br(0).op("end").op("end");
  }
  f.get(kb).i32(KC).op("i32.add").tee(kb).get(K).op("i32.lt_s").brIf(0).op("end");
  return f;
}

/**
 * Emits `transpose(src, dst, N, P)`: dst [P, N] ← src [N, P]ᵀ, in 4 × 4 blocks (four loads, eight
 * shuffles, four stores); N and P multiples of 4, pointers in bytes.
 */
function transposeKernel(): Fn {
  const f = new Fn([I32, I32, I32, I32]), [src, dst, N, P] = [0, 1, 2, 3];
  const [n, p, s, d] = Array.from({ length: 4 }, () => f.local(I32));
  const rs = [1, 2, 3].map(() => f.local(I32)), rd = [1, 2, 3].map(() => f.local(I32)); // i·4P, i·4N
  const r = [0, 1, 2, 3].map(() => f.local(V128)), t = [0, 1, 2, 3].map(() => f.local(V128));
  for (let i = 0; i < 3; i++) {
    f.get(P).i32(4 * (i + 1)).op("i32.mul").set(rs[i]);
    f.get(N).i32(4 * (i + 1)).op("i32.mul").set(rd[i]);
  }
  f.i32(0).set(p).op("loop").i32(0).set(n).op("loop");
  f.get(src).get(n).get(P).op("i32.mul").get(p).op("i32.add").i32(4).op("i32.mul").op("i32.add")
    .set(s); // &src[n, p]
  f.get(dst).get(p).get(N).op("i32.mul").get(n).op("i32.add").i32(4).op("i32.mul").op("i32.add")
    .set(d); // &dst[p, n]
  for (let i = 0; i < 4; i++) {
    f.get(s);
    if (i) f.get(rs[i - 1]).op("i32.add");
    f.simd("v128.load").set(r[i]); // src[n + i, p … p + 3]
  }
  for (const [k, x, y, lanes] of [[0, 0, 1, 0], [1, 0, 1, 2], [2, 2, 3, 0], [3, 2, 3, 2]]) {
    f.get(r[x]).get(r[y]).shuffle32([lanes, 4 + lanes, lanes + 1, 5 + lanes]).set(t[k]);
  }
  for (let j = 0; j < 4; j++) { // dst[p + j, n … n + 3] = src[n … n + 3, p + j]
    f.get(d);
    if (j) f.get(rd[j - 1]).op("i32.add");
    const [x, y, lo] = [j < 2 ? t[0] : t[1], j < 2 ? t[2] : t[3], j % 2 ? 2 : 0];
    f.get(x).get(y).shuffle32([lo, lo + 1, 4 + lo, 5 + lo]).simd("v128.store");
  }
  f.get(n).i32(4).op("i32.add").tee(n).get(N).op("i32.lt_s").brIf(0).op("end");
  f.get(p).i32(4).op("i32.add").tee(p).get(P).op("i32.lt_s").brIf(0).op("end");
  return f;
}

interface Instance {
  gemm: (...args: number[]) => void;
  transpose: (src: number, dst: number, N: number, P: number) => void;
  memory: WebAssembly.Memory;
  f32: Float32Array;
}

let plain: Instance | undefined, fusedInst: Instance | undefined, useFused = false;

function instance(): Instance {
  const cached = useFused ? fusedInst : plain;
  if (cached) return cached;
  const bytes = assemble({ gemm: kernel(useFused), transpose: transposeKernel() });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const memory = exports.memory as WebAssembly.Memory;
  const inst = {
    gemm: exports.gemm as Instance["gemm"],
    transpose: exports.transpose as Instance["transpose"],
    memory,
    f32: new Float32Array(memory.buffer),
  };
  if (useFused) fusedInst = inst;
  else plain = inst;
  return inst;
}

/** The wasm memory as floats, at least `n` of them (grown if needed; earlier views go stale). */
function floats(inst: Instance, n: number): Float32Array {
  if (inst.f32.length < n) {
    inst.memory.grow(Math.ceil((n * 4 - inst.memory.buffer.byteLength) / 65536));
    inst.f32 = new Float32Array(inst.memory.buffer);
  }
  return inst.f32;
}

/** Selects plain f32x4.mul + f32x4.add (false, the default: same bits on every host) or relaxed_madd. */
export function setFused(fused: boolean): void {
  useFused = fused;
}

/**
 * C[M, N] += op(A)·op(B) in float32 with WebAssembly SIMD; see the module doc.
 * @param opts.layout `nn` (default): A [M, P], B [P, N]; `tn`: A stored [P, M]; `nt`: B stored [N, P]
 * @param opts.bias C = bias + op(A)·op(B), bias [N] in every row; C's old values are not read
 * @param opts.lda A's stored row length: default P (`nn`, `nt`) or M (`tn`: its first M columns)
 *
 * @example
 * ```ts
 * import { gemmWasm } from "./gemm_wasm.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const c = new Float32Array(4);
 * // [1 2; 3 4] · [5 6; 7 8] = [19 22; 43 50]
 * gemmWasm(2, 2, 2, new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), c);
 * deepStrictEqual(Array.from(c), [19, 22, 43, 50]);
 * ```
 */
export function gemmWasm(
  M: number,
  N: number,
  P: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  opts: { layout?: Layout; bias?: Float32Array; lda?: number } = {},
): void {
  const { layout = "nn", bias } = opts, tn = layout === "tn";
  if (M === 0 || N === 0) return;
  const inst = instance(), lda = opts.lda ?? (tn ? M : P);
  const sizeA = P && (tn ? (P - 1) * lda + M : (M - 1) * lda + P); // A as stored, up to its last use
  const oB = (sizeA + 3) & ~3, oC = (oB + P * N + 8 + 3) & ~3; // 8 spare floats after B
  const simdT = layout === "nt" && N % 4 === 0 && P % 4 === 0 && P > 0, oT = oC + M * N;
  const mem = floats(inst, oT + (simdT ? N * P : 0));
  if (bias) { // the first row, then doubling copies
    mem.set(bias.subarray(0, N), oC);
    for (let rows = 1; rows < M; rows *= 2) {
      mem.copyWithin(oC + rows * N, oC, oC + Math.min(rows, M - rows) * N);
    }
  } else mem.set(c.subarray(0, M * N), oC);
  if (P > 0) {
    mem.set(a.subarray(0, sizeA), 0);
    if (simdT) { // B [N, P] copied after C, then transposed into place in 4 × 4 blocks
      mem.set(b.subarray(0, N * P), oT);
      inst.transpose(4 * oT, 4 * oB, N, P);
    } else if (layout === "nt") {
      for (let p = 0; p < P; p++) { // writes in order: 3× faster than reads in order at 256 × 256
        for (let n = 0, o = oB + p * N; n < N; n++) mem[o + n] = b[n * P + p];
      }
    } else mem.set(b.subarray(0, P * N), oB);
    const [sm, sp] = tn ? [4, 4 * lda] : [4 * lda, 4];
    inst.gemm(M, N, P, 0, sm, sp, 4 * oB, 4 * N, 4 * oC, 4 * N);
  }
  c.set(mem.subarray(oC, oC + M * N));
}

/** Whether this runtime accepts WebAssembly SIMD (validates a one-instruction probe module). */
export function simdSupported(): boolean {
  const probe = new Fn([]).f32x4(0).simd("f32x4.sqrt").raw(0x1a); // v128.const; sqrt; drop
  return WebAssembly.validate(assemble({ probe }));
}
