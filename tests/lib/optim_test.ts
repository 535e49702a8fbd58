import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Adam, clipGradNorm, SGD, zeroGrad } from "../../lib/optim.ts";
import { simdSupported } from "../../lib/gemm_wasm.ts";
import { Rng } from "../../lib/rng.ts";
import { Tensor } from "../../lib/tensor.ts";

function param(name: string, values: number[]): Tensor {
  const p = new Tensor(Float64Array.from(values), [values.length], { requiresGrad: true });
  p.name = name;
  return p;
}

function close(actual: ArrayLike<number>, expected: number[], tol: number, what: string) {
  strictEqual(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`,
    );
  }
}

// The three gradients fed to Adam, per step; a = [a0, a1], b = [b0].
const GRADS = [
  { a: [0.5, -1.0], b: [2.0] },
  { a: [-0.5, 0.25], b: [2.0] },
  { a: [1.0, 0.0], b: [-4.0] },
];

Deno.test("Adam: 2 parameters over 3 steps match a hand computation, with an lr change", () => {
  const a = param("a", [1.0, -2.0]), b = param("b", [0.5]);
  const opt = new Adam([a, b], { lr: 0.1 }); // β₁ 0.9, β₂ 0.999, ε 1e-8
  const setGrads = (t: number) => {
    a.grad.set(GRADS[t].a);
    b.grad.set(GRADS[t].b);
  };
  // Oracle, worked by hand: m, v are the moments after the step; c₁ = 1 − 0.9ᵗ, c₂ = 1 − 0.999ᵗ;
  // θ ← θ − lr·(m/c₁)/(√(v/c₂) + ε).
  // t = 1: c₁ = 0.1, c₂ = 0.001, lr = 0.1
  //   a0: g 0.5   m = 0.1·0.5 = 0.05     v = 0.001·0.25 = 0.00025   m̂ = 0.5   v̂ = 0.25
  //   a1: g −1    m = −0.1               v = 0.001                  m̂ = −1    v̂ = 1
  //   b0: g 2     m = 0.2                v = 0.004                  m̂ = 2     v̂ = 4
  const a0t1 = 1.0 - (0.1 * 0.5) / (0.5 + 1e-8);
  const a1t1 = -2.0 - (0.1 * -1) / (1 + 1e-8);
  const b0t1 = 0.5 - (0.1 * 2) / (2 + 1e-8);
  setGrads(0);
  opt.step();
  close(a.data, [a0t1, a1t1], 1e-13, "a after step 1");
  close(b.data, [b0t1], 1e-13, "b after step 1");
  close(a.data, [0.900000002, -1.900000001], 1e-12, "a after step 1 (decimal)");

  // t = 2: c₁ = 1 − 0.81 = 0.19, c₂ = 1 − 0.998001 = 0.001999, lr = 0.1
  //   a0: g −0.5  m = 0.9·0.05 − 0.05 = −0.005        v = 0.999·0.00025 + 0.00025 = 0.00049975
  //   a1: g 0.25  m = 0.9·(−0.1) + 0.025 = −0.065     v = 0.000999 + 0.0000625 = 0.0010615
  //   b0: g 2     m = 0.18 + 0.2 = 0.38               v = 0.003996 + 0.004 = 0.007996
  const a0t2 = a0t1 - (0.1 * (-0.005 / 0.19)) / (Math.sqrt(0.00049975 / 0.001999) + 1e-8);
  const a1t2 = a1t1 - (0.1 * (-0.065 / 0.19)) / (Math.sqrt(0.0010615 / 0.001999) + 1e-8);
  const b0t2 = b0t1 - (0.1 * (0.38 / 0.19)) / (Math.sqrt(0.007996 / 0.001999) + 1e-8);
  setGrads(1);
  opt.step();
  close(a.data, [a0t2, a1t2], 1e-13, "a after step 2");
  close(b.data, [b0t2], 1e-13, "b after step 2");

  // A schedule lowers the lr between steps: t = 3 uses lr = 0.01.
  // t = 3: c₁ = 1 − 0.729 = 0.271, c₂ = 1 − 0.997002999 = 0.002997001
  //   a0: g 1     m = −0.0045 + 0.1 = 0.0955         v = 0.999·0.00049975 + 0.001 = 0.00149925025
  //   a1: g 0     m = 0.9·(−0.065) = −0.0585         v = 0.999·0.0010615 = 0.0010604385
  //   b0: g −4    m = 0.342 − 0.4 = −0.058           v = 0.999·0.007996 + 0.016 = 0.023988004
  opt.lr = 0.01;
  const a0t3 = a0t2 - (0.01 * (0.0955 / 0.271)) / (Math.sqrt(0.00149925025 / 0.002997001) + 1e-8);
  const a1t3 = a1t2 - (0.01 * (-0.0585 / 0.271)) / (Math.sqrt(0.0010604385 / 0.002997001) + 1e-8);
  const b0t3 = b0t2 - (0.01 * (-0.058 / 0.271)) / (Math.sqrt(0.023988004 / 0.002997001) + 1e-8);
  setGrads(2);
  opt.step();
  close(a.data, [a0t3, a1t3], 1e-13, "a after step 3");
  close(b.data, [b0t3], 1e-13, "b after step 3");
  // The same three numbers to 16 digits, so a reader can check them with a calculator.
  close(a.data, [0.9002807384204256, -1.8494241820143782], 1e-12, "a after step 3 (decimal)");
  close(b.data, [0.30075649430489365], 1e-12, "b after step 3 (decimal)");
  // The moments are the hand values above.
  const st = opt.state();
  strictEqual(st.step, 3);
  close(st.buffers.m.a, [0.0955, -0.0585], 1e-15, "m[a]");
  close(st.buffers.v.b, [0.023988004], 1e-15, "v[b]");
});

Deno.test("Adam: a float32 parameter moves by −lr·sign(g) on the first step", () => {
  const w = new Tensor(new Float32Array([1, 1]), [2], { requiresGrad: true, name: "w" });
  w.grad.set([3, -0.5]);
  new Adam([w], { lr: 0.25 }).step();
  close(w.data, [0.75, 1.25], 1e-6, "w");
});

Deno.test("Adam: weightDecay adds λ·θ to the gradient (PyTorch Adam)", () => {
  const w = param("w", [1]);
  w.grad[0] = -0.5; // g + λθ = −0.5 + 1·1 = 0.5 > 0: θ falls by lr on the first step
  new Adam([w], { lr: 0.1, weightDecay: 1 }).step();
  close(w.data, [0.9], 1e-7, "w");
});

Deno.test("Adam and SGD skip a parameter whose gradient was never allocated (PyTorch: p.grad is None)", () => {
  for (
    const make of [
      (ps: Tensor[]) => new Adam(ps, { lr: 0.1, weightDecay: 1 }),
      (ps: Tensor[]) => new SGD(ps, { lr: 0.1, weightDecay: 1, momentum: 0.9 }),
    ]
  ) {
    const w = param("w", [1]), u = param("u", [1]);
    w.grad[0] = 1;
    const opt = make([w, u]);
    opt.step();
    opt.step();
    ok(w.data[0] < 1 && u.data[0] === 1 && !u.hasGrad, `w ${w.data[0]}, u ${u.data[0]}`); // λθ alone would move u
  }
});

Deno.test("Adam: state() → JSON → setState() continues identically", () => {
  const make = () => [param("pi.0.weight", [1.0, -2.0]), param("pi.0.bias", [0.5])];
  const p1 = make();
  const o1 = new Adam(p1, { lr: 0.1 });
  for (let t = 0; t < 2; t++) {
    p1[0].grad.set(GRADS[t].a);
    p1[1].grad.set(GRADS[t].b);
    o1.step();
  }
  const saved = JSON.parse(JSON.stringify(o1.state()));
  const p2 = make();
  p2.forEach((p, i) => p.data.set(p1[i].data));
  const o2 = new Adam(p2, { lr: 123 });
  o2.setState(saved);
  strictEqual(o2.lr, 0.1);
  for (const [ps, o] of [[p1, o1], [p2, o2]] as const) {
    ps[0].grad.set(GRADS[2].a);
    ps[1].grad.set(GRADS[2].b);
    o.step();
  }
  deepStrictEqual(Array.from(p2[0].data), Array.from(p1[0].data));
  deepStrictEqual(Array.from(p2[1].data), Array.from(p1[1].data));
  deepStrictEqual(o2.state(), o1.state());
});

Deno.test("Adam.setState rejects a mismatched state with a clear error", () => {
  const opt = new Adam([param("a", [1, 2]), param("b", [3])]);
  const good = opt.state();
  const edit = (f: (s: typeof good) => void) => {
    const s = structuredClone(good);
    f(s);
    return s;
  };
  throws(() => opt.setState(edit((s) => (s.kind = "sgd"))), /state is for optimizer "sgd"/);
  throws(
    () => opt.setState(edit((s) => (s.buffers.m.a = [0]))),
    /"m" for "a" has 1 values, parameter has 2/,
  );
  throws(
    () =>
      opt.setState(edit((s) => {
        delete s.buffers.v.b;
      })),
    /no "v" for parameter "b"/,
  );
  throws(
    () => opt.setState(edit((s) => (s.buffers.m.c = [1]))),
    /"m" for unknown parameters c/,
  );
  throws(
    () =>
      opt.setState(edit((s) => {
        delete (s.buffers as Record<string, unknown>).v;
      })),
    /no "v" buffers/,
  );
  throws(() => opt.setState(edit((s) => (s.step = -1))), /step -1/);
  opt.setState(good); // the untouched state still loads
});

Deno.test("optimizers: duplicate names throw; unnamed parameters are keyed by position", () => {
  throws(() => new Adam([param("w", [1]), param("w", [2])]), /two parameters share the name "w"/);
  const unnamed = new Tensor(new Float64Array(2), [2]);
  deepStrictEqual(Object.keys(new SGD([unnamed, param("b", [0])]).state().buffers.momentum), [
    "#0",
    "b",
  ]);
  throws(() => new Adam([param("w", [1])], { beta1: 1 }), /betas must be in \[0, 1\)/);
});

Deno.test("SGD: plain, momentum, and weight decay match hand computations", () => {
  const w = param("w", [2]);
  w.grad[0] = 1;
  new SGD([w], { lr: 0.1, weightDecay: 0.5 }).step(); // d = 1 + 0.5·2 = 2; θ = 2 − 0.2
  close(w.data, [1.8], 1e-15, "weight decay");

  const v = param("v", [1]);
  const opt = new SGD([v], { lr: 0.1, momentum: 0.9 });
  const expected = [0.9, 0.71, 0.439]; // b = 1, 1.9, 2.71; θ = 1 − 0.1, 0.9 − 0.19, 0.71 − 0.271
  for (let t = 0; t < 3; t++) {
    v.grad[0] = 1;
    opt.step();
    close(v.data, [expected[t]], 1e-15, `momentum step ${t + 1}`);
  }
  const u = param("v", [...v.data]);
  const resumed = new SGD([u], { lr: 0.1, momentum: 0.9 });
  resumed.setState(JSON.parse(JSON.stringify(opt.state())));
  v.grad[0] = u.grad[0] = 1;
  opt.step();
  resumed.step();
  strictEqual(u.data[0], v.data[0]); // b = 3.439; θ = 0.439 − 0.3439 = 0.0951
  close(u.data, [0.0951], 1e-15, "resumed");
});

Deno.test("zeroGrad zeroes every parameter's gradient", () => {
  const a = param("a", [1, 2]), b = param("b", [3]);
  a.grad.set([1, 2]);
  b.grad.set([3]);
  zeroGrad([a, b]);
  deepStrictEqual([...a.grad, ...b.grad], [0, 0, 0]);
});

Deno.test("clipGradNorm returns the norm before clipping and scales by maxNorm/(norm + 1e-6)", () => {
  const a = param("a", [0, 0]), b = param("b", [0]), noGradYet = param("c", [5]);
  a.grad.set([3, 4]);
  b.grad.set([12]); // ‖g‖ = √(9 + 16 + 144) = 13
  strictEqual(clipGradNorm([a, b, noGradYet], 6.5), 13);
  const s = 6.5 / (13 + 1e-6);
  close(a.grad, [3 * s, 4 * s], 1e-15, "a.grad");
  close(b.grad, [12 * s], 1e-15, "b.grad");
  strictEqual(noGradYet.hasGrad, false);
  // Below the threshold nothing changes, and the norm is still returned.
  close([clipGradNorm([a, b], 100)], [13 * s], 1e-12, "norm after clipping");
  close(a.grad, [3 * s, 4 * s], 0, "unclipped a.grad");
  throws(() => clipGradNorm([a], 0), /maxNorm must be > 0, got 0/);
});

Deno.test("clipGradNorm returns a non-finite norm as-is and scales nothing", () => {
  const a = param("a", [0, 0]);
  a.grad.set([NaN, 1]);
  ok(Number.isNaN(clipGradNorm([a], 1)));
  strictEqual(a.grad[1], 1);
  a.grad.set([Infinity, 1]);
  strictEqual(clipGradNorm([a], 1), Infinity);
  strictEqual(a.grad[1], 1);
});

Deno.test("Adam's wasm path gives the same bits as its TypeScript loop, state and resume included", () => {
  const rng = new Rng(7), sizes = [1, 3, 64, 257];
  const init = sizes.map((n) => Float32Array.from({ length: n }, () => rng.normal()));
  const grads = Array.from(
    { length: 6 },
    () => sizes.map((n) => Float32Array.from({ length: n }, () => rng.normal())),
  );
  const run = (simd: boolean[]) => { // a fresh optimizer from the saved state where the path changes
    const ps = init.map((d, i) =>
      new Tensor(d.slice(), [d.length], { requiresGrad: true, name: `p${i}` })
    );
    let opt = new Adam(ps, { lr: 0.01, weightDecay: 0.1, simd: simd[0] });
    simd.forEach((on, step) => {
      if (step === 3 || on !== opt.simd) {
        const saved = JSON.parse(JSON.stringify(opt.state()));
        opt = new Adam(ps, { lr: 0.01, weightDecay: 0.1, simd: on });
        opt.setState(saved);
      }
      strictEqual(opt.simd, on);
      ps.forEach((p, i) => p.grad.set(grads[step][i]));
      opt.step();
    });
    return { params: ps.map((p) => Array.from(p.data)), state: opt.state() };
  };
  const ts = run([false, false, false, false, false, false]);
  const wasm = run([true, true, true, true, true, true]);
  const mixed = run([true, false, true, false, true, false]);
  deepStrictEqual(wasm, ts);
  deepStrictEqual(mixed, ts);
});

Deno.test("the optimizer's wasm paths are chosen by option, not by the global backend", async () => {
  const { setBackend, getBackend } = await import("../../lib/backend.ts");
  const before = getBackend(), w = param("w", [1]);
  try {
    setBackend("ts");
    strictEqual(new Adam([w], { simd: true }).simd, true);
    setBackend("wasm");
    strictEqual(new Adam([w], { simd: false }).simd, false);
    strictEqual(new Adam([w]).simd, simdSupported(), "default: whether SIMD validates");
  } finally {
    setBackend(before);
  }
  const src = await Deno.readTextFile(new URL("../../lib/optim.ts", import.meta.url));
  ok(!/from "\.\/backend\.ts"/.test(src), "lib/optim.ts imports lib/backend.ts");
});

Deno.test("clipGradNorm's wasm path gives the same norm and bits as its TypeScript loops", () => {
  const rng = new Rng(3), sizes = [1, 3, 64, 257, 4352];
  const grads = sizes.map((n, k) =>
    Float32Array.from({ length: n }, () => rng.normal() * 10 ** (k - 2)) // magnitudes 0.01 … 100
  );
  const run = (be: "ts" | "wasm", maxNorm: number, bad?: number) => {
    const ps = grads.map((g, i) => {
      const p = new Tensor(new Float32Array(g.length), [g.length], { requiresGrad: true });
      p.grad.set(g);
      if (bad !== undefined && i === 3) p.grad[5] = bad;
      return p;
    });
    const norm = clipGradNorm(ps, maxNorm, { simd: be === "wasm" });
    return { norm, grads: ps.map((p) => Array.from(p.grad)) };
  };
  let sq = 0; // float64 reference norm
  for (const g of grads) for (const x of g) sq += x * x;
  for (const maxNorm of [1, 1e9]) { // clipped, not clipped
    const ts = run("ts", maxNorm), wasm = run("wasm", maxNorm);
    close([wasm.norm], [Math.sqrt(sq)], 1e-12, "norm");
    deepStrictEqual(wasm, ts);
    if (maxNorm === 1) ok(wasm.grads[4][0] !== grads[4][0], "clipping scaled the gradients");
  }
  for (const bad of [NaN, Infinity]) {
    const wasm = run("wasm", 1, bad);
    ok(!Number.isFinite(wasm.norm));
    strictEqual(wasm.grads[4][0], grads[4][0], "nothing scaled");
  }
});
