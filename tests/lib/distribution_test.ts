import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { Categorical, categoricalKl } from "../../lib/categorical.ts";
import { gatherDist, klDivergence } from "../../lib/distribution.ts";
import { gradcheck } from "../../lib/gradcheck.ts";
import { grpoLoss } from "../../lib/grpo.ts";
import { DiagGaussian, kl } from "../../lib/normal.ts";
import { ppoLoss } from "../../lib/ppo.ts";
import { Rng } from "../../lib/rng.ts";
import { Tensor } from "../../lib/tensor.ts";

const rng = new Rng(4);
const f64 = (shape: number[], lo = -1, hi = 1) =>
  new Tensor(
    Float64Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.uniform(lo, hi)),
    shape,
  );

Deno.test("klDivergence dispatches on the kind and refuses a mixed pair", () => {
  const g1 = new DiagGaussian(f64([3, 2]), f64([3, 2])),
    g2 = new DiagGaussian(f64([3, 2]), f64([2]));
  const c1 = new Categorical(f64([3, 4], -2, 2)), c2 = new Categorical(f64([3, 4], -2, 2));
  deepStrictEqual(klDivergence(g1, g2).data, kl(g1, g2).data);
  deepStrictEqual(klDivergence(c1, c2).data, categoricalKl(c1, c2).data);
  throws(() => klDivergence(g1, c1), /p is a DiagGaussian and q a Categorical/);
});

Deno.test("gatherDist takes rows of either kind (a shared log-variance stays shared)", () => {
  const idx = [2, 0];
  const c = new Categorical(f64([3, 4]));
  deepStrictEqual(gatherDist(c, idx).logits.toArray(), [
    ...c.logits.toArray().slice(8, 12),
    ...c.logits.toArray().slice(0, 4),
  ]);
  const g = new DiagGaussian(f64([3, 2]), f64([3, 2]));
  const s = gatherDist(g, idx);
  deepStrictEqual([s.mean.toArray(), s.logVar.toArray()], [
    [...g.mean.toArray().slice(4), ...g.mean.toArray().slice(0, 2)],
    [...g.logVar.toArray().slice(4), ...g.logVar.toArray().slice(0, 2)],
  ]);
  const shared = new DiagGaussian(f64([3, 2]), f64([2]));
  ok(gatherDist(shared, idx).logVar === shared.logVar);
});

Deno.test("GRPO and PPO losses take a categorical π: value vs a float64 reference, and gradcheck", () => {
  const B = 4, K = 3;
  const z = f64([B, K], -2, 2), zOld = f64([B, K], -2, 2);
  const actions = Float32Array.of(0, 2, 1, 2), adv = Float32Array.of(1.5, -0.7, 0.3, -1.1);
  const old = new Categorical(zOld);
  const logProbOld = Float32Array.from(old.logProb(actions).data);
  // Reference: −mean min(r·Â, clip(r, 1 − ε_low, 1 + ε_high)·Â) + β·mean KL(π_old‖π_θ), r = π_θ(a)/π_old(a)
  const softmax = (t: Tensor, i: number) => {
    const e = Array.from(t.data.subarray(i * K, i * K + K), Math.exp),
      s = e.reduce((a, b) => a + b);
    return e.map((v) => v / s);
  };
  let obj = 0, klSum = 0;
  for (let i = 0; i < B; i++) {
    const p = softmax(z, i), q = softmax(zOld, i);
    const r = p[actions[i]] / Math.exp(logProbOld[i]);
    obj += Math.min(r * adv[i], Math.min(Math.max(r, 0.8), 1.28) * adv[i]);
    klSum += q.reduce((s, qk, k) => s + qk * Math.log(qk / p[k]), 0);
  }
  const want = -obj / B + 0.5 * klSum / B;
  const batch = { actions, logProbOld, advantages: adv, oldDist: old };
  const got = grpoLoss(new Categorical(z), batch, { klCoef: 0.5 }).loss.item();
  ok(Math.abs(got - want) < 1e-6, `GRPO loss ${got} vs ${want}`);
  const r1 = gradcheck((x) => grpoLoss(new Categorical(x), batch, { klCoef: 0.5 }).loss, [z]);
  ok(r1.ok, `grpo: ${r1.message}`);
  const values = f64([B]), returns = Float32Array.of(1, 0, -1, 2);
  const ppoBatch = {
    actions,
    logProbOld,
    advantages: adv,
    returns,
    valuesOld: Float32Array.from(values.data),
  };
  const r2 = gradcheck(
    (x, v) => ppoLoss(new Categorical(x), v, ppoBatch, { entCoef: 0.01 }).loss,
    [z, values],
  );
  ok(r2.ok, `ppo: ${r2.message}`);
});
