import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { gradcheck } from "../../lib/gradcheck.ts";
import { DiagGaussian, k3, kl } from "../../lib/normal.ts";
import { mean, mulScalar, sum } from "../../lib/ops.ts";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { Rng } from "../../lib/rng.ts";
import { checkK3Unbiased } from "./k3_check.ts";
import { Tensor } from "../../lib/tensor.ts";

const close = (a: number, b: number, tol: number, what: string) =>
  ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const f64 = (xs: number[], shape: number[]) => new Tensor(Float64Array.from(xs), shape);

function randomGaussian(rng: Rng, B: number, D: number, sharedVar = false): DiagGaussian {
  const mu = f64(Array.from({ length: B * D }, () => rng.uniform(-2, 2)), [B, D]);
  const v = sharedVar
    ? f64(Array.from({ length: D }, () => rng.uniform(-2, 1)), [D])
    : f64(Array.from({ length: B * D }, () => rng.uniform(-2, 1)), [B, D]);
  return new DiagGaussian(mu, v);
}

Deno.test("logProb matches hand-computed values", () => {
  // D = 1, μ = 0.5, v = log 4 (σ = 2), a = 1.5:
  // log π = −½[(1)²/4 + log 4 + log 2π] = −½[0.25 + 1.3862943611 + 1.8378770664] = −1.7370857138
  const p = new DiagGaussian(f64([0.5], [1, 1]), f64([Math.log(4)], [1, 1]));
  close(p.logProb(new Float64Array([1.5])).item(), -1.7370857138, 1e-9, "1-d");
  // D = 2, μ = (0, 1), v = (0, −2·ln 2) (σ = 1, ½), a = (1, 0):
  // −½[1 + 0 + log 2π] − ½[(−1)²·4 − 2 ln 2 + log 2π] = −1.4189385332 − ½[4 − 1.3862943611 + 1.8378770664] = −3.6447298858
  const q = new DiagGaussian(f64([0, 1], [1, 2]), f64([0, -2 * Math.LN2], [1, 2]));
  close(q.logProb(new Float64Array([1, 0])).item(), -3.6447298858, 1e-9, "2-d");
  // A state-independent [D] log-variance broadcasts over rows.
  const r = new DiagGaussian(f64([0, 1, 0, 1], [2, 2]), f64([0, -2 * Math.LN2], [2]));
  close(r.logProb(new Float64Array([1, 0, 1, 0])).data[1], -3.6447298858, 1e-9, "broadcast row 1");
});

Deno.test("entropy matches the closed form and a Monte Carlo estimate", () => {
  const rng = new Rng(3);
  const p = randomGaussian(rng, 3, 4);
  const H = p.entropy();
  for (let b = 0; b < 3; b++) {
    let closed = 0;
    for (let d = 0; d < 4; d++) {
      closed += 0.5 * (1 + Math.log(2 * Math.PI) + p.logVar.data[b * 4 + d]);
    }
    close(H.data[b], closed, 1e-9, "closed form");
  }
  // H = −E[log π(a)], a ~ π: 20k samples, standard error ≈ √(D/2)/√n ≈ 0.01.
  const n = 20000;
  let acc = 0;
  for (let i = 0; i < n; i++) acc -= p.logProb(p.sample(rng)).data[0];
  close(acc / n, H.data[0], 0.05, "Monte Carlo entropy");
});

Deno.test("KL(p‖p) = 0 and KL(p‖q) ≥ 0 over many seeded cases; k3 is ≥ 0 and unbiased", () => {
  const rng = new Rng(11);
  for (let c = 0; c < 200; c++) {
    const shared = c % 2 === 0;
    const p = randomGaussian(rng, 2, 3, shared), q = randomGaussian(rng, 2, 3, shared);
    for (const v of kl(p, p).data) close(v, 0, 1e-12, "KL(p‖p)");
    for (const v of kl(p, q).data) ok(v >= 0, `KL ≥ 0, got ${v}`);
  }
  // k3 on samples from π_θ: E[k3] = KL(π_θ‖π_ref).
  const p = randomGaussian(rng, 1, 2),
    q = new DiagGaussian(
      new Tensor(p.mean.data.map((v) => v + 0.3), [1, 2]),
      new Tensor(p.logVar.data.map((v) => v - 0.2), [1, 2]),
    );
  const exact = kl(p, q).item();
  checkK3Unbiased(p, q, exact, rng);
});

Deno.test("entropy with a shared log σ² [D] is one value per row, [B]", () => {
  const rng = new Rng(4);
  const p = randomGaussian(rng, 3, 2, true);
  const H = p.entropy();
  ok(H.shape.length === 1 && H.shape[0] === 3, `shape [${H.shape}]`);
  const closed = 0.5 * (2 * (1 + Math.log(2 * Math.PI)) + p.logVar.data[0] + p.logVar.data[1]);
  for (let b = 0; b < 3; b++) close(H.data[b], closed, 1e-9, `row ${b}`);
  // Σ_b H_b = B·½·Σ_d(…): ∂/∂v_d = B/2, a shape-sensitive gradient (1/2 if H had one row).
  const v = new Tensor(Float64Array.from(p.logVar.data), [2], { requiresGrad: true });
  sum(new DiagGaussian(p.mean, v).entropy()).backward();
  ok(v.grad[0] === 1.5 && v.grad[1] === 1.5, `∂ΣH/∂v = ${Array.from(v.grad)}`);
});

Deno.test("k3 stays finite when log π_ref − log π_θ is far beyond ±20", () => {
  const lp = f64([0, 0, 0], [3]);
  const k = k3(lp, f64([100, -100, 5], [3])).data;
  close(k[0], Math.exp(20) - 20 - 1, 1e-3, "δ = 100 bounded to 20");
  close(k[1], Math.exp(-20) + 20 - 1, 1e-9, "δ = −100 bounded to −20");
  close(k[2], Math.exp(5) - 5 - 1, 1e-9, "inside the bound: unchanged");
});

Deno.test("logProb, entropy, kl and k3 pass the finite-difference check", () => {
  const rng = new Rng(5);
  const a = Float64Array.from({ length: 6 }, () => rng.normal());
  const mu = f64(Array.from({ length: 6 }, () => rng.normal()), [3, 2]);
  const v = f64(Array.from({ length: 6 }, () => rng.uniform(-1, 1)), [3, 2]);
  const v1 = f64([0.3, -0.4], [2]);
  const check = (name: string, f: (...xs: Tensor[]) => Tensor, xs: Tensor[]) => {
    const r = gradcheck(f, xs);
    ok(r.ok, `${name}: ${r.message}`);
  };
  check("logProb", (m, lv) => new DiagGaussian(m, lv).logProb(a), [mu, v]);
  check("logProb, shared v", (m, lv) => new DiagGaussian(m, lv).logProb(a), [mu, v1]);
  check("entropy", (m, lv) => new DiagGaussian(m, lv).entropy(), [mu, v]);
  check("entropy, shared v", (m, lv) => new DiagGaussian(m, lv).entropy(), [mu, v1]);
  const mu2 = f64(Array.from({ length: 6 }, () => rng.normal()), [3, 2]);
  const v2 = f64(Array.from({ length: 6 }, () => rng.uniform(-1, 1)), [3, 2]);
  check("kl", (m1, l1, m2, l2) => kl(new DiagGaussian(m1, l1), new DiagGaussian(m2, l2)), [
    mu,
    v,
    mu2,
    v2,
  ]);
  check(
    "kl, shared v",
    (m1, l1, m2, l2) => kl(new DiagGaussian(m1, l1), new DiagGaussian(m2, l2)),
    [mu, v1, mu2, f64([0.1, 0.2], [2])],
  );
  const ref = f64([-1.2, -0.4, -2.5], [3]);
  check("k3", (lp) => mean(k3(lp, ref)), [f64([-1.0, -0.9, -2.0], [3])]);
});

Deno.test("DiagGaussian and logProb reject mismatched shapes", () => {
  throws(
    () => new DiagGaussian(Tensor.zeros([4, 2]), Tensor.zeros([3])),
    /mean \[B, D\] and logVar \[B, D\] or \[D\], got \[4, 2\] and \[3\]/,
  );
  const p = new DiagGaussian(Tensor.zeros([4, 2]), Tensor.zeros([2]));
  throws(() => p.logProb(new Float32Array(7)), /actions have 7 elements, expected B·D = 4·2 = 8/);
});

Deno.test("a state-independent log σ pushed past the log σ² bound gets a gradient back, and only inward", () => {
  const pi = new GaussianMlpPolicy(2, 1, {
    rng: new Rng(0),
    hidden: [4],
    stateIndependentStd: true,
    initLogStd: 3, // v = 6, past v_max = 2
    logVarRange: [-3, 2],
  });
  const obs = Tensor.zeros([2, 2]);
  const v = () => pi.forward(obs).logVar;
  deepStrictEqual(v().toArray(), [2]);
  sum(v()).backward(); // ∂L/∂v = 1 > 0: descent lowers v, towards the range
  strictEqual(pi.logStd!.grad[0], 2); // ∂v/∂log σ = 2, passed straight through
  pi.logStd!.zeroGrad();
  sum(mulScalar(v(), -1)).backward(); // descent would raise v further out: no gradient
  strictEqual(pi.logStd!.grad[0], 0);
});
