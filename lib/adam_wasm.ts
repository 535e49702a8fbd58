/**
 * Adam's update in WebAssembly SIMD over flat moment buffers: the same float64 arithmetic, in the
 * same order, as the TypeScript loop in lib/optim.ts, two lanes at a time, so the two give the same
 * bits.
 *
 * ```text
 * g ← ∇θ + λ·θ
 * m ← β₁·m + (1 − β₁)·g
 * v ← β₂·v + ((1 − β₂)·g)·g
 * θ ← θ − (α·(m / c₁)) / (√(v / c₂) + ε)        c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ; θ rounded to float32
 * ```
 * One wasm memory per optimizer holds every parameter's m and v (float64) and a staging copy of θ
 * and ∇θ (float32), each padded to an even length; it is sized once and never grows, so views of
 * m and v stay valid and serve as the optimizer's state buffers.
 *
 * Gradient clipping's two passes run here too ({@link clipGradsWasm}), with the bits of its
 * TypeScript loops in lib/optim.ts:
 *
 * ```text
 * s ← s + g_i·g_i     float64, one element after another in parameter order (a sequential sum)
 * g_i ← g_i·c         float64 product rounded to float32, two lanes at a time
 * ```
 *
 * Reference: D. P. Kingma and J. Ba, "Adam" (ICLR 2015), Algorithm 1; WebAssembly fixed-width SIMD.
 *
 * @module
 */
import { assemble, F64, Fn, I32, V128 } from "./wasm_asm.ts";

/** Emits `adam(θ, g, m, v, pairs, β₁, β₂, 1 − β₁, 1 − β₂, λ, α, c₁, c₂, ε)`; pointers in bytes. */
function kernel(): Fn {
  const f = new Fn([I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64, F64, F64]);
  const [th, g, m, v, pairs] = [0, 1, 2, 3, 4];
  const consts = [5, 6, 7, 8, 9, 10, 11, 12, 13].map((p) => {
    const l = f.local(V128);
    f.get(p).simd("f64x2.splat").set(l);
    return l;
  });
  const [B1, B2, OB1, OB2, WD, LR, C1, C2, EPS] = consts;
  const t = f.local(V128), gi = f.local(V128), mi = f.local(V128), vi = f.local(V128);
  f.get(pairs).op("i32.eqz").op("if").op("return").op("end");
  f.op("loop");
  f.get(th).simd("v128.load64_zero").simd("f64x2.promote_low_f32x4").set(t);
  f.get(g).simd("v128.load64_zero").simd("f64x2.promote_low_f32x4") // g + λ·θ
    .get(WD).get(t).simd("f64x2.mul").simd("f64x2.add").set(gi);
  f.get(B1).get(m).simd("v128.load").simd("f64x2.mul") // β₁·m + (1 − β₁)·g
    .get(OB1).get(gi).simd("f64x2.mul").simd("f64x2.add").set(mi);
  f.get(B2).get(v).simd("v128.load").simd("f64x2.mul") // β₂·v + ((1 − β₂)·g)·g
    .get(OB2).get(gi).simd("f64x2.mul").get(gi).simd("f64x2.mul").simd("f64x2.add").set(vi);
  f.get(m).get(mi).simd("v128.store").get(v).get(vi).simd("v128.store");
  f.get(th).get(t) // θ − (α·(m/c₁)) / (√(v/c₂) + ε), to float32
    .get(LR).get(mi).get(C1).simd("f64x2.div").simd("f64x2.mul")
    .get(vi).get(C2).simd("f64x2.div").simd("f64x2.sqrt").get(EPS).simd("f64x2.add")
    .simd("f64x2.div").simd("f64x2.sub").simd("f32x4.demote_f64x2_zero")
    .simd("v128.store64_lane", 0);
  for (const [p, d] of [[th, 8], [g, 8], [m, 16], [v, 16]]) f.get(p).i32(d).op("i32.add").set(p);
  f.get(pairs).i32(1).op("i32.sub").tee(pairs).brIf(0).op("end");
  return f;
}

let valid: boolean | undefined;
/** Whether this runtime validates the kernels here (WebAssembly SIMD); probed once, on first call. */
export function adamWasmSupported(): boolean {
  return valid ??= WebAssembly.validate(assemble({ adam: kernel() }));
}

/** Where each parameter's θ, ∇θ, m and v start in the memory, in bytes. */
interface Slot {
  th: number;
  g: number;
  m: number;
  v: number;
  n: number;
}

/** Adam's wasm state for a fixed list of parameter sizes. */
export class AdamWasm {
  readonly #adam: (...args: number[]) => void;
  readonly #slots: Slot[];
  readonly #f32: Float32Array;
  /** Each parameter's m and v: float64 views into the memory. */
  readonly m: Float64Array[];
  readonly v: Float64Array[];

  /** @param sizes the element counts of the parameters, in order. */
  constructor(sizes: readonly number[]) {
    const padded = sizes.map((n) => n + (n & 1));
    const total = padded.reduce((a, b) => a + b, 0);
    const pages = Math.max(1, Math.ceil((total * 24) / 65536)); // θ, g: 4 bytes; m, v: 8
    const { exports } = new WebAssembly.Instance(
      new WebAssembly.Module(assemble({ adam: kernel() }, pages)),
    );
    const buffer = (exports.memory as WebAssembly.Memory).buffer;
    this.#adam = exports.adam as (...args: number[]) => void;
    this.#f32 = new Float32Array(buffer);
    let off = 0;
    this.#slots = padded.map((p, k) => {
      const s = {
        th: 4 * off,
        g: 4 * (total + off),
        m: 8 * (total + off),
        v: 8 * (2 * total + off),
        n: sizes[k],
      };
      off += p;
      return s;
    });
    this.m = this.#slots.map((s) => new Float64Array(buffer, s.m, s.n));
    this.v = this.#slots.map((s) => new Float64Array(buffer, s.v, s.n));
  }

  /**
   * One Adam update of parameter k in place: copies θ and ∇θ in, updates m, v and θ, copies θ out.
   * @param h hyperparameters and bias corrections of this step
   */
  update(
    k: number,
    theta: Float32Array,
    grad: Float32Array,
    h: { b1: number; b2: number; wd: number; lr: number; c1: number; c2: number; eps: number },
  ): void {
    const s = this.#slots[k], f = this.#f32;
    f.set(theta, s.th / 4);
    f.set(grad, s.g / 4);
    this.#adam(
      s.th,
      s.g,
      s.m,
      s.v,
      (s.n + 1) >> 1,
      h.b1,
      h.b2,
      1 - h.b1,
      1 - h.b2,
      h.wd,
      h.lr,
      h.c1,
      h.c2,
      h.eps,
    );
    theta.set(f.subarray(s.th / 4, s.th / 4 + s.n));
  }
}

/** Emits `sumsq(g, n) → Σ g_i²` (float64, in order) and `scale(g, pairs, c)`: g_i ← f32(g_i·c). */
function clipKernels(): { sumsq: Fn; scale: Fn } {
  const sumsq = new Fn([I32, I32], [F64]), [g, n] = [0, 1];
  const s = sumsq.local(F64), x = sumsq.local(F64);
  sumsq.get(n).op("i32.eqz").op("if").get(s).op("return").op("end");
  sumsq.op("loop");
  sumsq.get(g).mem("f32.load").op("f64.promote_f32").tee(x).get(x).op("f64.mul") // s + g·g
    .get(s).op("f64.add").set(s); // (g·g is exact in float64, so the order of the add's operands is free)
  sumsq.get(g).i32(4).op("i32.add").set(g);
  sumsq.get(n).i32(1).op("i32.sub").tee(n).brIf(0).op("end").get(s);
  const scale = new Fn([I32, I32, F64]), [p, pairs, c] = [0, 1, 2];
  const cv = scale.local(V128);
  scale.get(c).simd("f64x2.splat").set(cv);
  scale.get(pairs).op("i32.eqz").op("if").op("return").op("end");
  scale.op("loop");
  scale.get(p).get(p).simd("v128.load64_zero").simd("f64x2.promote_low_f32x4").get(cv)
    .simd("f64x2.mul").simd("f32x4.demote_f64x2_zero").simd("v128.store64_lane", 0);
  scale.get(p).i32(8).op("i32.add").set(p);
  scale.get(pairs).i32(1).op("i32.sub").tee(pairs).brIf(0).op("end");
  return { sumsq, scale };
}

let clip: {
  sumsq: (g: number, n: number) => number;
  scale: (g: number, pairs: number, c: number) => void;
  memory: WebAssembly.Memory;
} | undefined;

/**
 * Clips float32 gradients to a global L2 norm in wasm: ‖g‖ = √(Σ g²), and if finite and above
 * `maxNorm`, g ← g·maxNorm/(‖g‖ + 10⁻⁶). The same bits as lib/optim.ts `clipGradNorm`'s loops.
 * @param grads the gradients, in parameter order; scaled in place @returns ‖g‖ before clipping
 */
export function clipGradsWasm(grads: readonly Float32Array[], maxNorm: number): number {
  if (!clip) {
    const k = clipKernels();
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(assemble(k)));
    clip = exports as unknown as NonNullable<typeof clip>;
  }
  let total = 0;
  for (const g of grads) total += g.length;
  const bytes = 4 * (total + 2), have = clip.memory.buffer.byteLength;
  if (bytes > have) clip.memory.grow(Math.ceil((bytes - have) / 65536));
  const f = new Float32Array(clip.memory.buffer);
  let off = 0;
  for (const g of grads) f.set(g, off), off += g.length;
  const norm = Math.sqrt(clip.sumsq(0, total));
  if (!Number.isFinite(norm) || norm <= maxNorm) return norm;
  clip.scale(0, (total + 1) >> 1, maxNorm / (norm + 1e-6));
  off = 0;
  for (const g of grads) g.set(f.subarray(off, off + g.length)), off += g.length;
  return norm;
}
