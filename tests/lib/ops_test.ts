import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { gradcheck } from "../../lib/gradcheck.ts";
import * as op from "../../lib/ops.ts";
import { Rng } from "../../lib/rng.ts";
import { noGrad, Tensor } from "../../lib/tensor.ts";

const rng = new Rng(1234);
/** A float64 tensor of uniform draws in [lo, hi), kept at least `gap` away from each kink in `avoid`. */
function rand(shape: number[], lo = -2, hi = 2, avoid: number[] = [], gap = 0.05): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.uniform(lo, hi); while (avoid.some((k) => Math.abs(v - k) < gap));
    data[i] = v;
  }
  return new Tensor(data, shape);
}

function check(name: string, fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]) {
  const r = gradcheck(fn, inputs);
  ok(r.ok, `${name}: ${r.message}`);
}

Deno.test("every op passes the float64 finite-difference check", () => {
  const a = rand([4, 3]), b = rand([4, 3]), row = rand([3]), one = rand([1]);
  const pos = rand([4, 3], 0.2, 3), nonzero = rand([4, 3], 0.5, 2);
  for (const [name, f] of [["add", op.add], ["sub", op.sub], ["mul", op.mul]] as const) {
    check(name, f, [a, b]);
    check(`${name} row-broadcast`, f, [a, row]);
    check(`${name} row-broadcast, left`, f, [row, a]);
    check(`${name} scalar-broadcast`, f, [a, one]);
  }
  check("div", op.div, [a, nonzero]);
  check("div row-broadcast", op.div, [a, rand([3], 0.5, 2)]);
  check("div broadcast numerator", op.div, [row, nonzero]);
  // min/max: keep the two arguments apart so no tie sits within ε.
  const apart = new Tensor(b.data.map((v, i) => a.data[i] + (v > 0 ? 0.3 + v : v - 0.3)), b.shape);
  check("minimum", op.minimum, [a, apart]);
  check("maximum", op.maximum, [a, apart]);
  check("minimum row-broadcast", op.minimum, [
    rand([4, 3], -2, 2, [-0.5, 0.5, 1.5], 0.1),
    new Tensor(Float64Array.from([-0.5, 0.5, 1.5]), [3]),
  ]);
  check("addScalar", (x) => op.addScalar(x, 0.7), [a]);
  check("mulScalar", (x) => op.mulScalar(x, -1.3), [a]);
  check("neg", op.neg, [a]);
  check("exp", op.exp, [a]);
  check("log", op.log, [pos]);
  check("square", op.square, [a]);
  check("relu", op.relu, [rand([4, 3], -2, 2, [0])]);
  check("tanh", op.tanh, [a]);
  check("clamp", (x) => op.clamp(x, -0.8, 1.1), [rand([5, 4], -2, 2, [-0.8, 1.1])]);
  check("sum", (x) => op.sum(x), [a]);
  check("sum last axis", (x) => op.sum(x, { axis: -1 }), [a]);
  check("mean", (x) => op.mean(x), [a]);
  check("mean last axis", (x) => op.mean(x, { axis: -1 }), [a]);
  check("matmul", op.matmul, [rand([5, 4]), rand([4, 3])]);
  check("linear", op.linear, [rand([5, 4]), rand([4, 3]), rand([3])]);
  check("sliceCols", (x) => op.sliceCols(x, 1, 3), [rand([4, 5])]);
  check("reused input (x·x + x)", (x) => op.add(op.mul(x, x), x), [a]);
  check("logSoftmax", op.logSoftmax, [rand([4, 5], -3, 3)]);
});

Deno.test("forward values match hand-computed results", () => {
  const x = Tensor.from([[1, -2], [3, 4]]);
  deepStrictEqual(op.add(x, Tensor.from([10, 20])).toArray(), [11, 18, 13, 24]);
  deepStrictEqual(op.sub(Tensor.from([1]), x).toArray(), [0, 3, -2, -3]);
  deepStrictEqual(op.relu(x).toArray(), [1, 0, 3, 4]);
  deepStrictEqual(op.clamp(x, -1, 2).toArray(), [1, -1, 2, 2]);
  deepStrictEqual(op.sum(x, { axis: -1 }).toArray(), [-1, 7]);
  deepStrictEqual(op.mean(x).toArray(), [1.5]);
  deepStrictEqual(op.minimum(x, Tensor.from([2, 0])).toArray(), [1, -2, 2, 0]);
  deepStrictEqual(op.maximum(x, Tensor.from([2, 0])).toArray(), [2, 0, 3, 4]);
  deepStrictEqual(op.matmul(x, Tensor.from([[1, 0, 2], [0, 1, 1]])).toArray(), [
    1,
    -2,
    0,
    3,
    4,
    10,
  ]);
  deepStrictEqual(op.sliceCols(Tensor.from([[1, 2, 3], [4, 5, 6]]), 1, 3).toArray(), [2, 3, 5, 6]);
  // log softmax [0, ln 3] = [−ln 4, ln ¾]; logits of 1000 must not overflow.
  const ls = op.logSoftmax(
    Tensor.from([[0, Math.log(3)], [1000, 1000]], undefined, { float64: true }),
  );
  ok(Math.abs(ls.data[0] + Math.log(4)) < 1e-15 && Math.abs(ls.data[1] - Math.log(0.75)) < 1e-15);
  ok(ls.toArray().slice(2).every((v) => Math.abs(v + Math.LN2) < 1e-12), `${ls.toArray()}`);
});

Deno.test("shape mismatches throw errors naming both shapes", () => {
  throws(
    () => op.matmul(Tensor.zeros([64, 17]), Tensor.zeros([16, 256])),
    /Cannot matmul shapes \[64, 17\] and \[16, 256\]: inner sizes 17 and 16 differ/,
  );
  throws(
    () => op.add(Tensor.zeros([4, 3]), Tensor.zeros([4])),
    /Cannot add shapes \[4, 3\] and \[4\]/,
  );
  throws(
    () => op.mul(Tensor.zeros([2, 3]), Tensor.zeros([3, 2])),
    /Cannot mul shapes \[2, 3\] and \[3, 2\]/,
  );
  throws(
    () => op.linear(Tensor.zeros([2, 3]), Tensor.zeros([3, 4]), Tensor.zeros([3])),
    /bias of shape \[3\]/,
  );
  throws(
    () => op.sliceCols(Tensor.zeros([2, 3]), 2, 5),
    /Cannot slice columns 2:5 of shape \[2, 3\]/,
  );
  throws(() => new Tensor(new Float32Array(5), [2, 3]), /5 elements but shape \[2, 3\] needs 6/);
});

Deno.test("gradients accumulate across backward calls and noGrad records nothing", () => {
  const w = Tensor.from([3], undefined, { requiresGrad: true });
  op.sum(op.mul(w, w)).backward();
  op.sum(op.mul(w, w)).backward();
  deepStrictEqual(w.toArray(), [3]);
  deepStrictEqual(Array.from(w.grad), [12]); // 2·(2w) accumulated
  const y = noGrad(() => op.mul(w, w));
  ok(!y.requiresGrad);
  throws(() => op.sum(y).backward(), /backward\(\): this tensor is not on the tape/);
});

Deno.test("float32 stays float32 and float64 stays float64", () => {
  ok(op.exp(Tensor.zeros([2])).data instanceof Float32Array);
  ok(op.exp(Tensor.zeros([2], { float64: true })).data instanceof Float64Array);
});

Deno.test("clamp's gradient at and past the bounds; `inward` passes only gradients that point back inside", () => {
  const grad = (xs: number[], gy: number, inward: boolean) => {
    const x = new Tensor(Float64Array.from(xs), [xs.length], { requiresGrad: true });
    op.sum(op.mulScalar(op.clamp(x, -1, 2, { inward }), gy)).backward();
    return Array.from(x.grad);
  };
  // x = −3 (below), −1 (at lo), 0.5 (inside), 2 (at hi), 5 (above)
  const xs = [-3, -1, 0.5, 2, 5];
  deepStrictEqual(grad(xs, 1, false), [0, 1, 1, 1, 0]);
  deepStrictEqual(grad(xs, 1, true), [0, 1, 1, 1, 1]); // ∂ > 0: descent lowers x, so x = 5 moves in
  deepStrictEqual(grad(xs, -1, true), [-1, -1, -1, -1, 0]); // ∂ < 0: descent raises x, so x = −3 moves in
});

Deno.test("float32 relu, branch-free, equals max(x, 0) and its gradient [x > 0], at ±0 too", () => {
  const xs = [-2, -0, 0, 1e-45, -1e-45, 3.5, -1e30, 1e30, 0.25].map(Math.fround);
  const x = Tensor.from(xs, undefined, { requiresGrad: true });
  const y = op.relu(x);
  deepStrictEqual(y.toArray(), xs.map((v) => (v > 0 ? v : 0)));
  ok(Object.is(y.data[1], 0), "relu(−0) is +0");
  op.sum(op.mulScalar(y, 3)).backward();
  deepStrictEqual(Array.from(x.grad), xs.map((v) => (v > 0 ? 3 : 0)));
});

Deno.test("relu on the wasm backend (lib/ops_wasm.ts) gives the bits of the TypeScript loops", async () => {
  const { getBackend, setBackend } = await import("../../lib/backend.ts");
  const before = getBackend(), rng = new Rng(5), n = 64 * 17 + 3; // ≥ 1024 elements, not a multiple of 4
  const special = [-2, -0, 0, 1e-45, -1e-45, -1e30, 1e30, NaN, Infinity, -Infinity];
  const xs = Float32Array.from({ length: n }, (_, i) => special[i] ?? rng.normal());
  const gys = Float32Array.from({ length: n }, (_, i) => i === 20 ? Infinity : rng.normal());
  const g0 = Float32Array.from({ length: n }, () => rng.normal()); // gradients accumulate
  const run = (be: "ts" | "wasm") => {
    setBackend(be);
    const x = new Tensor(xs.slice(), [n], { requiresGrad: true });
    x.grad.set(g0);
    const y = op.relu(x);
    op.sum(op.mul(y, new Tensor(gys, [n]))).backward(); // ∂L/∂y = gy
    return { y: Array.from(y.data), g: Array.from(x.grad) };
  };
  const ts = run("ts"), wasm = run("wasm");
  setBackend(before);
  deepStrictEqual(wasm, ts);
  deepStrictEqual(wasm.y.slice(0, 7), [0, 0, 0, xs[3], 0, 0, xs[6]].map((v) => v)); // max(x, 0)
  ok(Object.is(wasm.y[1], 0) && Number.isNaN(wasm.y[7]) && wasm.y[8] === Infinity);
  strictEqual(wasm.g[5], g0[5], "x < 0: no gradient");
  strictEqual(wasm.g[12], Math.fround(g0[12] + (xs[12] > 0 ? gys[12] : 0)), "g + gy·[x > 0]");
});

Deno.test("linear's bias gradient on the wasm backend gives the bits of the TypeScript loop", async () => {
  const { getBackend, setBackend } = await import("../../lib/backend.ts");
  const before = getBackend(), rng = new Rng(6);
  for (const [B, K, N] of [[64, 5, 6], [64, 3, 256], [300, 2, 17]]) {
    const data = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const [a, w, b, gy, gb0] = [data(B * K), data(K * N), data(N), data(B * N), data(N)];
    const run = (be: "ts" | "wasm") => {
      setBackend(be);
      const bias = new Tensor(b.slice(), [N], { requiresGrad: true });
      bias.grad.set(gb0); // gradients accumulate
      const y = op.linear(new Tensor(a, [B, K]), new Tensor(w, [K, N]), bias);
      op.sum(op.mul(y, new Tensor(gy, [B, N]))).backward(); // ∂L/∂y = Gy
      return Array.from(bias.grad);
    };
    const ts = run("ts"), wasm = run("wasm");
    deepStrictEqual(wasm, ts, `B=${B} N=${N}`);
    let s = 0; // float64 reference for column N − 1
    for (let r = 0; r < B; r++) s += gy[r * N + N - 1];
    ok(Math.abs(wasm[N - 1] - (gb0[N - 1] + s)) < 1e-4, `Σ_rows Gy, B=${B} N=${N}`);
  }
  setBackend(before);
});
