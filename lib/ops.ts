/**
 * Differentiable ops. Each forward sits beside its backward, and each backward states its
 * derivative. Gradients accumulate (`+=`).
 *
 * | op | y | ∂y/∂x (∂y/∂b for binary ops) |
 * |---|---|---|
 * | add | a + b | 1, 1 |
 * | sub | a − b | 1, −1 |
 * | mul | a·b | b, a |
 * | div | a/b | 1/b, −a/b² |
 * | minimum | min(a, b) | [a ≤ b], [a > b] |
 * | maximum | max(a, b) | [a ≥ b], [a < b] |
 * | addScalar | x + c | 1 |
 * | mulScalar | c·x | c |
 * | neg | −x | −1 |
 * | exp | eˣ | eˣ |
 * | log | ln x | 1/x |
 * | square | x² | 2x |
 * | relu | max(x, 0) | [x > 0] |
 * | tanh | tanh x | 1 − y² |
 * | clamp | min(max(x, lo), hi) | [lo ≤ x ≤ hi] (`inward`: also 1 outside when −∂ points inside) |
 * | sum, mean | Σx, Σx/n | 1, 1/n |
 * | matmul | A·W | Gy·Wᵀ, Aᵀ·Gy |
 * | linear | A·W + b | Gy·Wᵀ, Aᵀ·Gy, Σ_rows Gy |
 * | sliceCols | x[:, i:j] | 1 on the slice |
 * | reshape | x | 1 |
 * | logSoftmax | xⱼ − log Σₖ e^{xₖ} (last axis) | ∂L/∂xⱼ = gⱼ − softmax(x)ⱼ·Σₖ gₖ |
 *
 * Binary ops broadcast a trailing suffix: `[B, D] ∘ [D]` (row), `[B, D] ∘ [1]` (scalar), either
 * way round. Element i of the output reads element `i mod size` of each input.
 *
 * @module
 */
import { getBackend } from "./backend.ts";
import { ops } from "./deps.ts";
import { biasGradWasm, reluBackwardWasm, reluForwardWasm } from "./ops_wasm.ts";
import { matmulKernel as gemm } from "./threads.ts";
import { fmtShape, like, record, type Storage, Tensor } from "./tensor.ts";

// ---------------------------------------------------------------- broadcasting binary ops

/** The output shape of `a ∘ b`, or a thrown error naming both shapes. */
function broadcastShape(name: string, a: Tensor, b: Tensor): readonly number[] {
  const [big, small] = a.size >= b.size ? [a, b] : [b, a];
  const lead = small.shape.findIndex((n) => n !== 1); // drop leading 1s: [1, D] acts as [D]
  const s = lead < 0 ? [] : small.shape.slice(lead);
  const tail = big.shape.slice(big.shape.length - s.length);
  if (s.length > big.shape.length || s.some((n, i) => n !== tail[i])) {
    throw new Error(
      `Cannot ${name} shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}: ` +
        `the smaller must equal a trailing part of the larger (or have 1 element)`,
    );
  }
  return big.shape;
}

/**
 * The output of `a ∘ b` and its elementwise loop: y[i] = f(a[i mod |a|], b[i mod |b|]). Plain loops
 * beat ndarray-ops 2–3× here (bench/kernels.ts), so only exp and log use ndarray-ops.
 */
function binary(
  name: string,
  a: Tensor,
  b: Tensor,
  op: "add" | "sub" | "mul" | "div" | "min" | "max",
): Tensor {
  const shape = broadcastShape(name, a, b);
  const wide = a.data instanceof Float64Array ? a : b; // float64 wins, so checks stay float64
  const n = shape.reduce((m, k) => m * k, 1);
  const y = new Tensor(like(wide, n), shape);
  const ad = a.data, bd = b.data, yd = y.data, sa = a.size, sb = b.size;
  if (sa === n && sb === n) { // same shapes: one tight loop per op
    switch (op) {
      case "add":
        for (let i = 0; i < n; i++) yd[i] = ad[i] + bd[i];
        break;
      case "sub":
        for (let i = 0; i < n; i++) yd[i] = ad[i] - bd[i];
        break;
      case "mul":
        for (let i = 0; i < n; i++) yd[i] = ad[i] * bd[i];
        break;
      case "div":
        for (let i = 0; i < n; i++) yd[i] = ad[i] / bd[i];
        break;
      case "min":
        for (let i = 0; i < n; i++) yd[i] = ad[i] <= bd[i] ? ad[i] : bd[i];
        break;
      case "max":
        for (let i = 0; i < n; i++) yd[i] = ad[i] >= bd[i] ? ad[i] : bd[i];
    }
    return y;
  }
  for (let i = 0; i < n; i++) {
    const u = ad[sa === n ? i : i % sa], v = bd[sb === n ? i : i % sb];
    yd[i] = op === "add"
      ? u + v
      : op === "sub"
      ? u - v
      : op === "mul"
      ? u * v
      : op === "div"
      ? u / v
      : op === "min"
      ? (u <= v ? u : v)
      : (u >= v ? u : v);
  }
  return y;
}

/** x.grad[i mod |x|] += s·gy[i]: a broadcast input's gradient, summed over its repeats. */
function reduceInto(x: Tensor, gy: Storage, s: number): void {
  if (!x.requiresGrad) return;
  const g = x.grad, n = gy.length, sx = x.size;
  for (let i = 0; i < n; i++) g[sx === n ? i : i % sx] += s * gy[i];
}

/** y = a + b (broadcasting). @param a differentiable @param b differentiable */
export function add(a: Tensor, b: Tensor): Tensor {
  const y = binary("add", a, b, "add");
  return record(y, [a, b], (gy) => {
    reduceInto(a, gy, 1); // ∂y/∂a = 1
    reduceInto(b, gy, 1); // ∂y/∂b = 1
  });
}

/** y = a − b (broadcasting). */
export function sub(a: Tensor, b: Tensor): Tensor {
  const y = binary("sub", a, b, "sub");
  return record(y, [a, b], (gy) => {
    reduceInto(a, gy, 1); // ∂y/∂a = 1
    reduceInto(b, gy, -1); // ∂y/∂b = −1
  });
}

/** y = a·b elementwise (broadcasting). */
export function mul(a: Tensor, b: Tensor): Tensor {
  const y = binary("mul", a, b, "mul");
  return record(y, [a, b], (gy) => {
    const n = y.size, sa = a.size, sb = b.size, ad = a.data, bd = b.data;
    if (a.requiresGrad) {
      const ga = a.grad;
      for (let i = 0; i < n; i++) ga[sa === n ? i : i % sa] += gy[i] * bd[sb === n ? i : i % sb];
    } // ∂y/∂a = b
    if (b.requiresGrad) {
      const gb = b.grad;
      for (let i = 0; i < n; i++) gb[sb === n ? i : i % sb] += gy[i] * ad[sa === n ? i : i % sa];
    } // ∂y/∂b = a
  });
}

/** y = a/b elementwise (broadcasting). */
export function div(a: Tensor, b: Tensor): Tensor {
  const y = binary("div", a, b, "div");
  return record(y, [a, b], (gy) => {
    const n = y.size, sa = a.size, sb = b.size, bd = b.data, yd = y.data;
    if (a.requiresGrad) {
      const ga = a.grad;
      for (let i = 0; i < n; i++) ga[sa === n ? i : i % sa] += gy[i] / bd[sb === n ? i : i % sb];
    } // ∂y/∂a = 1/b
    if (b.requiresGrad) {
      const gb = b.grad;
      for (let i = 0; i < n; i++) {
        const j = sb === n ? i : i % sb;
        gb[j] -= (gy[i] * yd[i]) / bd[j];
      }
    } // ∂y/∂b = −a/b² = −y/b
  });
}

/** y = min(a, b) elementwise; ties send the gradient to `a`. */
export function minimum(a: Tensor, b: Tensor): Tensor {
  const y = binary("minimum", a, b, "min");
  return record(y, [a, b], (gy) => {
    const n = y.size, sa = a.size, sb = b.size, ad = a.data, bd = b.data;
    for (let i = 0; i < n; i++) {
      const ia = sa === n ? i : i % sa, ib = sb === n ? i : i % sb;
      if (ad[ia] <= bd[ib]) { if (a.requiresGrad) a.grad[ia] += gy[i]; }
      // ∂y/∂a = [a ≤ b]
      else if (b.requiresGrad) b.grad[ib] += gy[i]; // ∂y/∂b = [a > b]
    }
  });
}

/** y = max(a, b) elementwise; ties send the gradient to `a`. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  const y = binary("maximum", a, b, "max");
  return record(y, [a, b], (gy) => {
    const n = y.size, sa = a.size, sb = b.size, ad = a.data, bd = b.data;
    for (let i = 0; i < n; i++) {
      const ia = sa === n ? i : i % sa, ib = sb === n ? i : i % sb;
      if (ad[ia] >= bd[ib]) { if (a.requiresGrad) a.grad[ia] += gy[i]; }
      // ∂y/∂a = [a ≥ b]
      else if (b.requiresGrad) b.grad[ib] += gy[i]; // ∂y/∂b = [a < b]
    }
  });
}

// ---------------------------------------------------------------- unary and scalar ops

/** A new tensor shaped like `x` with y[i] = f(x[i]) written by a plain loop at each call site. */
function output(x: Tensor): [Tensor, Storage, Storage] {
  const y = new Tensor(like(x), x.shape);
  return [y, x.data, y.data];
}

/** y = x + c. */
export function addScalar(x: Tensor, c: number): Tensor {
  const [y, xd, yd] = output(x);
  for (let i = 0; i < xd.length; i++) yd[i] = xd[i] + c;
  return record(y, [x], (gy) => {
    const g = x.grad;
    for (let i = 0; i < g.length; i++) g[i] += gy[i]; // ∂y/∂x = 1
  });
}

/** y = c·x. */
export function mulScalar(x: Tensor, c: number): Tensor {
  const [y, xd, yd] = output(x);
  for (let i = 0; i < xd.length; i++) yd[i] = c * xd[i];
  return record(y, [x], (gy) => {
    const g = x.grad;
    for (let i = 0; i < g.length; i++) g[i] += c * gy[i]; // ∂y/∂x = c
  });
}

/** y = −x. */
export function neg(x: Tensor): Tensor {
  return mulScalar(x, -1);
}

/** y = eˣ. */
export function exp(x: Tensor): Tensor {
  const y = new Tensor(like(x), x.shape);
  ops.exp(y.nd(), x.nd());
  return record(y, [x], (gy) => {
    const g = x.grad, yd = y.data;
    for (let i = 0; i < g.length; i++) g[i] += yd[i] * gy[i]; // ∂y/∂x = eˣ = y
  });
}

/** y = ln x. */
export function log(x: Tensor): Tensor {
  const y = new Tensor(like(x), x.shape);
  ops.log(y.nd(), x.nd());
  return record(y, [x], (gy) => {
    const g = x.grad, xd = x.data;
    for (let i = 0; i < g.length; i++) g[i] += gy[i] / xd[i]; // ∂y/∂x = 1/x
  });
}

/** y = x². */
export function square(x: Tensor): Tensor {
  const [y, xd, yd] = output(x);
  for (let i = 0; i < xd.length; i++) yd[i] = xd[i] * xd[i];
  return record(y, [x], (gy) => {
    const g = x.grad, xd = x.data;
    for (let i = 0; i < g.length; i++) g[i] += 2 * xd[i] * gy[i]; // ∂y/∂x = 2x
  });
}

/** The bits of float32 storage as int32s. */
const bits = (d: Float32Array) => new Int32Array(d.buffer, d.byteOffset, d.length);

/**
 * y = max(x, 0). Float32 runs branch-free on the bits (a data-dependent branch mispredicts on
 * every other element of a layer's input): y = x & ~(x >> 31) zeroes sign-set values and keeps the
 * rest, so −0 → +0 and NaN passes through; the gradient mask [y > 0] is (−bits(y)) >>> 31.
 */
export function relu(x: Tensor): Tensor {
  const [y, xd, yd] = output(x);
  const simd = xd instanceof Float32Array && xd.length >= 1024 && getBackend() === "wasm"; // the same bits in wasm (lib/ops_wasm.ts)
  if (simd) reluForwardWasm(xd, yd as Float32Array);
  else if (xd instanceof Float32Array) {
    const xi = bits(xd), yi = bits(yd as Float32Array);
    for (let i = 0; i < xi.length; i++) yi[i] = xi[i] & ~(xi[i] >> 31);
  } else for (let i = 0; i < xd.length; i++) yd[i] = xd[i] > 0 ? xd[i] : 0;
  return record(y, [x], (gy) => {
    const g = x.grad, xd = x.data;
    if (simd) reluBackwardWasm(yd as Float32Array, gy as Float32Array, g as Float32Array);
    else if (yd instanceof Float32Array) {
      const yi = bits(yd);
      for (let i = 0; i < yi.length; i++) g[i] += gy[i] * ((-yi[i]) >>> 31); // ∂y/∂x = [x > 0] = [y > 0]
    } else for (let i = 0; i < g.length; i++) if (xd[i] > 0) g[i] += gy[i]; // ∂y/∂x = [x > 0]
  });
}

/** y = tanh x. */
export function tanh(x: Tensor): Tensor {
  const [y, xd, yd] = output(x);
  for (let i = 0; i < xd.length; i++) yd[i] = Math.tanh(xd[i]);
  return record(y, [x], (gy) => {
    const g = x.grad, yd = y.data;
    for (let i = 0; i < g.length; i++) g[i] += (1 - yd[i] * yd[i]) * gy[i]; // ∂y/∂x = 1 − y²
  });
}

/**
 * y = min(max(x, lo), hi). `inward: true` keeps a straight-through gradient outside [lo, hi] when
 * it points back into the range, so a parameter pushed past a bound can return.
 */
export function clamp(
  x: Tensor,
  lo: number,
  hi: number,
  opts: { inward?: boolean } = {},
): Tensor {
  if (!(lo <= hi)) throw new Error(`clamp needs lo ≤ hi, got lo=${lo}, hi=${hi}`);
  const [y, xd, yd] = output(x);
  for (let i = 0; i < xd.length; i++) yd[i] = xd[i] < lo ? lo : xd[i] > hi ? hi : xd[i];
  const inward = opts.inward ?? false;
  return record(y, [x], (gy) => {
    const g = x.grad, xd = x.data;
    for (let i = 0; i < g.length; i++) {
      // ∂y/∂x = [lo ≤ x ≤ hi]; with `inward`, outside the range the gradient passes straight
      // through when a descent step (−gy) moves x back towards the range: x < lo, gy < 0 or x > hi, gy > 0.
      if (
        (xd[i] >= lo && xd[i] <= hi) || (inward && (xd[i] < lo ? gy[i] < 0 : gy[i] > 0))
      ) g[i] += gy[i];
    }
  });
}

// ---------------------------------------------------------------- reductions

/** y = Σ x over all elements (shape []), or over the last axis with `{ axis: -1 }`. */
export function sum(x: Tensor, opts: { axis?: -1 } = {}): Tensor {
  return reduce(x, opts.axis === -1, 1);
}

/** y = (1/n) Σ x over all elements (shape []), or over the last axis with `{ axis: -1 }`. */
export function mean(x: Tensor, opts: { axis?: -1 } = {}): Tensor {
  const n = opts.axis === -1 ? x.shape[x.shape.length - 1] : x.size;
  if (!n) throw new Error(`mean of an empty axis: shape ${fmtShape(x.shape)}`);
  return reduce(x, opts.axis === -1, 1 / n);
}

function reduce(x: Tensor, lastAxis: boolean, scale: number): Tensor {
  if (lastAxis && x.shape.length === 0) throw new Error(`Cannot reduce the last axis of a scalar`);
  const d = lastAxis ? x.shape[x.shape.length - 1] : x.size;
  const rows = d ? x.size / d : 0;
  const y = new Tensor(like(x, lastAxis ? rows : 1), lastAxis ? x.shape.slice(0, -1) : []);
  const xd = x.data, yd = y.data;
  for (let r = 0; r < (lastAxis ? rows : 1); r++) {
    let s = 0;
    for (let j = r * d; j < (r + 1) * d; j++) s += xd[j];
    yd[r] = s * scale;
  }
  return record(y, [x], (gy) => {
    const g = x.grad;
    for (let i = 0; i < g.length; i++) g[i] += scale * gy[d ? Math.floor(i / d) : 0]; // ∂y/∂x = scale (1 or 1/n)
  });
}

// ---------------------------------------------------------------- matmul, linear, slicing

function checkMatmul(a: Tensor, w: Tensor): [number, number, number] {
  if (a.shape.length !== 2 || w.shape.length !== 2 || a.shape[1] !== w.shape[0]) {
    throw new Error(
      `Cannot matmul shapes ${fmtShape(a.shape)} and ${fmtShape(w.shape)}: ` +
        (a.shape.length === 2 && w.shape.length === 2
          ? `inner sizes ${a.shape[1]} and ${w.shape[0]} differ`
          : `both must be 2-d`),
    );
  }
  return [a.shape[0], a.shape[1], w.shape[1]];
}

/** y = A·W (+ b): A [B, K] · W [K, N] (+ b [N]) → [B, N], on the current product backend. */
function matmulForward(a: Tensor, w: Tensor, bias: Tensor | undefined): Tensor {
  const [B, K, N] = checkMatmul(a, w);
  if (bias && bias.size !== N) {
    throw new Error(
      `Cannot add bias of shape ${fmtShape(bias.shape)} to matmul output [${B}, ${N}]`,
    );
  }
  const y = new Tensor(like(a, B * N), [B, N]);
  gemm(B, N, K, a.data, w.data, y.data, { bias: bias?.data }); // y = b + A·W, rows of y not read
  return y;
}

function matmulBackward(a: Tensor, w: Tensor, gy: Storage): void {
  const B = a.shape[0], K = a.shape[1], N = w.shape[1];
  if (a.requiresGrad) gemm(B, K, N, gy, w.data, a.grad, { layout: "nt" }); // ∂L/∂A = Gy·Wᵀ
  if (w.requiresGrad) gemm(K, N, B, a.data, gy, w.grad, { layout: "tn" }); // ∂L/∂W = Aᵀ·Gy
}

/** y = A·W. @param a [B, K], differentiable @param w [K, N], differentiable @returns [B, N] */
export function matmul(a: Tensor, w: Tensor): Tensor {
  const y = matmulForward(a, w, undefined);
  return record(y, [a, w], (gy) => matmulBackward(a, w, gy));
}

/**
 * y = A·W + b, the affine layer fused into one op.
 * @param a [B, K], differentiable @param w [K, N], differentiable @param b [N], differentiable
 * @returns [B, N]
 */
export function linear(a: Tensor, w: Tensor, b: Tensor): Tensor {
  const y = matmulForward(a, w, b);
  return record(y, [a, w, b], (gy) => {
    matmulBackward(a, w, gy);
    if (b.requiresGrad) { // ∂L/∂b = Σ_rows Gy
      const gb = b.grad, N = b.size;
      if (
        gy.length >= 1024 && gy instanceof Float32Array && gb instanceof Float32Array &&
        getBackend() === "wasm"
      ) {
        biasGradWasm(gy as Float32Array, gb); // the same bits (lib/ops_wasm.ts)
      } else for (let r = 0; r < gy.length; r += N) for (let j = 0; j < N; j++) gb[j] += gy[r + j];
    }
  });
}

/** y = x[:, start:end]. @param x [B, C], differentiable @returns [B, end − start] */
export function sliceCols(x: Tensor, start: number, end: number): Tensor {
  if (x.shape.length !== 2 || !(0 <= start && start < end && end <= x.shape[1])) {
    throw new Error(`Cannot slice columns ${start}:${end} of shape ${fmtShape(x.shape)}`);
  }
  const [B, C] = x.shape, D = end - start;
  const y = new Tensor(like(x, B * D), [B, D]);
  ops.assign(y.nd(), x.nd().hi(B, end).lo(0, start));
  return record(y, [x], (gy) => {
    const g = x.grad;
    for (let i = 0; i < B; i++) for (let j = 0; j < D; j++) g[i * C + start + j] += gy[i * D + j]; // ∂y/∂x = 1 on the slice
  });
}

/** y = x with a new shape of the same size (a copy). @param x differentiable */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.reduce((a, b) => a * b, 1) !== x.size) {
    throw new Error(
      `Cannot reshape ${fmtShape(x.shape)} (${x.size} elements) to ${fmtShape(shape)}`,
    );
  }
  const y = new Tensor(x.data.slice(), shape);
  return record(y, [x], (gy) => {
    const g = x.grad;
    for (let i = 0; i < g.length; i++) g[i] += gy[i]; // ∂y/∂x = 1
  });
}

/**
 * Log-softmax over the last axis, stable for any logits: yⱼ = xⱼ − m − log Σₖ e^{xₖ − m}, m = maxₖ xₖ.
 * @param x [..., K], differentiable @returns [..., K]; e^y sums to 1 along each row
 */
export function logSoftmax(x: Tensor): Tensor {
  const K = x.shape[x.shape.length - 1];
  if (!(x.shape.length >= 1 && K > 0)) {
    throw new Error(
      `Cannot logSoftmax shape ${fmtShape(x.shape)}: the last axis must be non-empty`,
    );
  }
  const y = new Tensor(like(x), x.shape);
  const xd = x.data, yd = y.data;
  for (let r = 0; r < x.size; r += K) {
    let m = -Infinity, s = 0;
    for (let j = r; j < r + K; j++) m = Math.max(m, xd[j]);
    for (let j = r; j < r + K; j++) s += Math.exp(xd[j] - m);
    const lse = m + Math.log(s); // log Σₖ e^{xₖ}
    for (let j = r; j < r + K; j++) yd[j] = xd[j] - lse;
  }
  return record(y, [x], (gy) => {
    const g = x.grad;
    for (let r = 0; r < x.size; r += K) {
      let gs = 0;
      for (let j = r; j < r + K; j++) gs += gy[j];
      for (let j = r; j < r + K; j++) g[j] += gy[j] - Math.exp(yd[j]) * gs; // ∂L/∂xⱼ = gⱼ − pⱼ·Σₖ gₖ
    }
  });
}
