import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { Categorical, categoricalKl } from "../../lib/categorical.ts";
import { gradcheck } from "../../lib/gradcheck.ts";
import { k3 } from "../../lib/normal.ts";
import { mean } from "../../lib/ops.ts";
import { Rng } from "../../lib/rng.ts";
import { checkK3Unbiased } from "./k3_check.ts";
import { Tensor } from "../../lib/tensor.ts";

const close = (a: number, b: number, tol: number, what: string) =>
  ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
const f64 = (xs: number[], shape: number[]) => new Tensor(Float64Array.from(xs), shape);
const randomLogits = (rng: Rng, B: number, K: number, scale = 2) =>
  f64(Array.from({ length: B * K }, () => rng.uniform(-scale, scale)), [B, K]);

/** π = softmax(z) of one row, computed directly in float64. */
function probs(z: ArrayLike<number>): number[] {
  const e = Array.from(z, Math.exp), s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

Deno.test("categorical: logProb, entropy and mode match hand-computed values", () => {
  // z = [0, ln 2, ln 3] → π = [1/6, 2/6, 3/6]; z = [5, 5, 5] → uniform
  const p = new Categorical(f64([0, Math.log(2), Math.log(3), 5, 5, 5], [2, 3]));
  const lp = p.logProb(new Float64Array([2, 0])).toArray();
  close(lp[0], Math.log(0.5), 1e-15, "log ½");
  close(lp[1], -Math.log(3), 1e-15, "log ⅓");
  const H = p.entropy().toArray();
  // H = −(⅙ ln ⅙ + ⅓ ln ⅓ + ½ ln ½) = 1.0114042647073518; uniform: ln 3
  close(H[0], 1.0114042647073518, 1e-14, "H(1/6, 2/6, 3/6)");
  close(H[1], Math.log(3), 1e-14, "H uniform");
  deepStrictEqual(p.mode(), Float32Array.of(2, 0)); // ties take the lowest index
  // Huge logits stay finite: π = [½, ½, 0]
  const big = new Categorical(f64([1000, 1000, -1000], [1, 3]));
  close(big.logProb(new Float64Array([0])).item(), -Math.LN2, 1e-12, "stable log-softmax");
  close(big.entropy().item(), Math.LN2, 1e-12, "stable entropy");
});

Deno.test("categorical: entropy and KL match closed forms; samples follow π (Monte Carlo)", () => {
  const rng = new Rng(3);
  const p = new Categorical(randomLogits(rng, 3, 5)), q = new Categorical(randomLogits(rng, 3, 5));
  const H = p.entropy().data, K = categoricalKl(p, q).data;
  for (let b = 0; b < 3; b++) {
    const pb = probs(p.logits.data.subarray(b * 5, b * 5 + 5));
    const qb = probs(q.logits.data.subarray(b * 5, b * 5 + 5));
    close(H[b], -pb.reduce((s, v) => s + v * Math.log(v), 0), 1e-12, "H closed form");
    close(K[b], pb.reduce((s, v, k) => s + v * Math.log(v / qb[k]), 0), 1e-12, "KL closed form");
  }
  // Frequencies of 40k draws from row 0 within 4 standard errors of π; −mean log π(a) ≈ H.
  const n = 40000, counts = new Array(5).fill(0), row0 = probs(p.logits.data.subarray(0, 5));
  const one = new Categorical(f64(Array.from(p.logits.data.subarray(0, 5)), [1, 5]));
  let negLogp = 0;
  for (let i = 0; i < n; i++) {
    const a = one.sample(rng);
    counts[a[0]]++;
    negLogp -= one.logProb(a).item();
  }
  counts.forEach((c, k) =>
    close(c / n, row0[k], 4 * Math.sqrt(row0[k] * (1 - row0[k]) / n), `freq[${k}]`)
  );
  close(negLogp / n, H[0], 0.03, "Monte Carlo entropy");
});

Deno.test("categorical: KL(p‖p) = 0, KL ≥ 0 over many seeded cases; k3 ≥ 0 and unbiased", () => {
  const rng = new Rng(11);
  for (let c = 0; c < 200; c++) {
    const p = new Categorical(randomLogits(rng, 2, 4, 4)),
      q = new Categorical(randomLogits(rng, 2, 4, 4));
    for (const v of categoricalKl(p, p).data) close(v, 0, 1e-12, "KL(p‖p)");
    for (const v of categoricalKl(p, q).data) ok(v >= 0, `KL ≥ 0, got ${v}`);
  }
  const p = new Categorical(f64([0.5, -0.3, 1.2, 0], [1, 4]));
  const q = new Categorical(f64([0.1, 0.4, 0.9, -0.5], [1, 4]));
  const exact = categoricalKl(p, q).item();
  checkK3Unbiased(p, q, exact, rng);
});

Deno.test("categorical: logProb, entropy, KL and k3 pass the finite-difference check", () => {
  const rng = new Rng(5);
  const z = randomLogits(rng, 3, 4), z2 = randomLogits(rng, 3, 4);
  const a = new Float64Array([3, 0, 2]);
  const check = (name: string, f: (...xs: Tensor[]) => Tensor, xs: Tensor[]) => {
    const r = gradcheck(f, xs);
    ok(r.ok, `${name}: ${r.message}`);
  };
  check("logProb", (x) => new Categorical(x).logProb(a), [z]);
  check("entropy", (x) => new Categorical(x).entropy(), [z]);
  check("kl", (x, y) => categoricalKl(new Categorical(x), new Categorical(y)), [z, z2]);
  const ref = f64([-1.2, -0.4, -2.5], [3]);
  check("k3 of logProb", (x) => mean(k3(new Categorical(x).logProb(a), ref)), [z]);
});

Deno.test("categorical: rejects bad shapes and actions with the bounds in the message", () => {
  throws(() => new Categorical(Tensor.zeros([4])), /logits \[B, K\] with K ≥ 1, got \[4\]/);
  const p = new Categorical(Tensor.zeros([2, 3]));
  throws(() => p.logProb(new Float32Array(3)), /actions have 3 elements, expected B = 2/);
  throws(
    () => p.logProb(Float32Array.of(0, 3)),
    /actions\[1\] is 3, expected an integer in \[0, 2\]/,
  );
  throws(() => p.logProb(Float32Array.of(0.5, 1)), /actions\[0\] is 0\.5/);
  throws(
    () => categoricalKl(p, new Categorical(Tensor.zeros([2, 4]))),
    /differ in shape: \[2, 3\] vs \[2, 4\]/,
  );
});
