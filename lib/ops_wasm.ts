/**
 * The elementwise hot spots of lib/ops.ts in WebAssembly SIMD over float32 storage, four lanes at a
 * time, with the bits of its TypeScript loops: ReLU, its gradient, and `linear`'s bias gradient.
 *
 * ```text
 * relu      y = x & ~(x >> 31)            on the int32 bits: sign-set values → +0, the rest kept
 * backward  g ← g + gy·[y > 0]            [y > 0] = 1.0 or 0.0 from the bits of y (never sign-set)
 * bias      g_b[j] ← g_b[j] + Gy[r, j]    for r = 0 … B − 1 in order
 * ```
 * `gy·1` and `gy·0` are exact and a float32 sum rounds as the float64 one rounded to float32, so
 * the lanes give the same bits as the loops (0·∞ = NaN in both). Operands are copied into one wasm
 * memory (grown as needed) and results copied back; at [64, 256] that is 4–5× the loops.
 *
 * Reference: WebAssembly fixed-width SIMD.
 *
 * @module
 */
import { assemble, Fn, I32, V128 } from "./wasm_asm.ts";

/**
 * Emits `forward(x, y, quads)`, `backward(y, gy, g, quads)` and `colsum(gy, gb, rows, quads,
 * rowBytes)`; pointers in bytes.
 */
function kernels(): { forward: Fn; backward: Fn; colsum: Fn } {
  const forward = new Fn([I32, I32, I32]), [x, y, n] = [0, 1, 2];
  const v = forward.local(V128);
  forward.get(n).op("i32.eqz").op("if").op("return").op("end").op("loop");
  forward.get(y).get(x).simd("v128.load").tee(v).get(v).i32(31).simd("i32x4.shr_s")
    .simd("v128.andnot").simd("v128.store"); // x & ~(x >> 31)
  for (const p of [x, y]) forward.get(p).i32(16).op("i32.add").set(p);
  forward.get(n).i32(1).op("i32.sub").tee(n).brIf(0).op("end");

  const backward = new Fn([I32, I32, I32, I32]), [by, gy, g, m] = [0, 1, 2, 3];
  const one = backward.local(V128);
  backward.f32x4(1).set(one);
  backward.get(m).op("i32.eqz").op("if").op("return").op("end").op("loop");
  backward.get(g).get(g).simd("v128.load").get(gy).simd("v128.load") // g + gy·[y > 0]
    .get(by).simd("v128.load").i32(0).simd("i32x4.splat").simd("i32x4.gt_s").get(one)
    .simd("v128.and").simd("f32x4.mul").simd("f32x4.add").simd("v128.store");
  for (const p of [by, gy, g]) backward.get(p).i32(16).op("i32.add").set(p);
  backward.get(m).i32(1).op("i32.sub").tee(m).brIf(0).op("end");

  const colsum = new Fn([I32, I32, I32, I32, I32]), [src, gb, rows, q, stride] = [0, 1, 2, 3, 4];
  const [r, p] = [colsum.local(I32), colsum.local(I32)], acc = colsum.local(V128);
  colsum.get(q).op("i32.eqz").op("if").op("return").op("end");
  colsum.get(rows).op("i32.eqz").op("if").op("return").op("end").op("loop"); // per 4 columns
  colsum.get(gb).simd("v128.load").set(acc).get(src).set(p).get(rows).set(r).op("loop");
  colsum.get(acc).get(p).simd("v128.load").simd("f32x4.add").set(acc); // g_b + Gy[r, j … j + 3]
  colsum.get(p).get(stride).op("i32.add").set(p);
  colsum.get(r).i32(1).op("i32.sub").tee(r).brIf(0).op("end");
  colsum.get(gb).get(acc).simd("v128.store");
  for (const x of [src, gb]) colsum.get(x).i32(16).op("i32.add").set(x);
  colsum.get(q).i32(1).op("i32.sub").tee(q).brIf(0).op("end");
  return { forward, backward, colsum };
}

let inst: {
  forward: (x: number, y: number, quads: number) => void;
  backward: (y: number, gy: number, g: number, quads: number) => void;
  colsum: (gy: number, gb: number, rows: number, quads: number, rowBytes: number) => void;
  memory: WebAssembly.Memory;
} | undefined;

/** The wasm memory as floats, room for `n` of them (compiled on first use, grown as needed). */
function floats(n: number): Float32Array {
  if (!inst) {
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(assemble(kernels())));
    inst = exports as unknown as NonNullable<typeof inst>;
  }
  const have = inst.memory.buffer.byteLength;
  if (4 * n > have) inst.memory.grow(Math.ceil((4 * n - have) / 65536));
  return new Float32Array(inst.memory.buffer);
}

/** y = max(x, 0) on the bits; see the module doc. @param x [n] @param y [n], written */
export function reluForwardWasm(x: Float32Array, y: Float32Array): void {
  const n = x.length, pad = (n + 3) & ~3, mem = floats(2 * pad);
  mem.set(x, 0);
  inst!.forward(0, 4 * pad, pad >> 2);
  y.set(mem.subarray(pad, pad + n));
}

/** g ← g + gy·[y > 0]; see the module doc. @param y relu's output [n] @param gy [n] @param g [n], updated */
export function reluBackwardWasm(y: Float32Array, gy: Float32Array, g: Float32Array): void {
  const n = y.length, pad = (n + 3) & ~3, mem = floats(3 * pad);
  mem.set(y, 0), mem.set(gy.subarray(0, n), pad), mem.set(g, 2 * pad);
  inst!.backward(0, 4 * pad, 8 * pad, pad >> 2);
  g.set(mem.subarray(2 * pad, 2 * pad + n));
}

/**
 * g_b ← g_b + Σ_r Gy[r, :], each column summed in row order; see the module doc.
 * @param gy Gy [B, N] @param gb g_b [N], updated
 */
export function biasGradWasm(gy: Float32Array, gb: Float32Array): void {
  const N = gb.length, rows = gy.length / N, pad = (N + 3) & ~3, n = rows * N;
  const mem = floats(pad + n + 4); // 4 spare floats: the last row's partial quad reads past it
  mem.set(gb, 0), mem.set(gy.subarray(0, n), pad);
  inst!.colsum(4 * pad, 0, rows, pad >> 2, 4 * N);
  gb.set(mem.subarray(0, N));
}
