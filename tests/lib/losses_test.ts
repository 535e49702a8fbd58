import { ok, throws } from "node:assert/strict";
import { gradcheck } from "../../lib/gradcheck.ts";
import { adaptKlCoef, grpoLoss } from "../../lib/grpo.ts";
import { DiagGaussian } from "../../lib/normal.ts";
import { ppoLoss } from "../../lib/ppo.ts";
import { Rng } from "../../lib/rng.ts";
import { noGrad, Tensor } from "../../lib/tensor.ts";

const rng = new Rng(21);
const B = 6, D = 2;
const f64 = (n: number, lo: number, hi: number, shape: number[]) =>
  new Tensor(Float64Array.from({ length: n }, () => rng.uniform(lo, hi)), shape);
const mu = f64(B * D, -1, 1, [B, D]), v = f64(B * D, -1, 0.5, [B, D]);
const actions = Float32Array.from({ length: B * D }, () => rng.normal());
const advantages = Float32Array.from({ length: B }, () => rng.normal());
const dist = (m: Tensor, lv: Tensor) => new DiagGaussian(m, lv);

/** log π_old chosen so the ratios r = π_θ/π_old spread over (0.5, 1.6), none within 0.02 of a clip bound. */
function oldLogProbs(epsLow: number, epsHigh: number): Float32Array {
  const lp = noGrad(() => dist(mu, v).logProb(actions));
  return Float32Array.from(lp.data, (x, i) => {
    let r: number;
    do r = 0.5 + 1.1 * ((i * 0.37 + rng.uniform()) % 1); while (
      Math.abs(r - (1 - epsLow)) < 0.02 || Math.abs(r - (1 + epsHigh)) < 0.02
    );
    return x - Math.log(r);
  });
}

Deno.test("GRPO loss with every term passes the finite-difference check", () => {
  const logProbOld = oldLogProbs(0.2, 0.28);
  const oldDist = dist(f64(B * D, -1, 1, [B, D]), f64(B * D, -1, 0.5, [B, D]));
  const refDist = dist(f64(B * D, -1, 1, [B, D]), f64(D, -1, 0.5, [D]));
  for (const refKl of ["k3", "exact"] as const) {
    const r = gradcheck(
      (m, lv) =>
        grpoLoss(dist(m, lv), { actions, logProbOld, advantages, oldDist, refDist }, {
          klCoef: 0.7,
          refCoef: 0.3,
          refKl,
          entCoef: 0.01,
        }).loss,
      [mu, v],
    );
    ok(r.ok, `${refKl}: ${r.message}`);
  }
});

Deno.test("GRPO at r = 1: the loss is −mean(Â), clip fractions are 0, and β terms add as weighted", () => {
  const logProbOld = Float32Array.from(noGrad(() => dist(mu, v).logProb(actions)).data);
  const same = dist(mu, v);
  const { terms, loss } = grpoLoss(same, {
    actions,
    logProbOld,
    advantages,
    oldDist: same,
    refDist: same,
  }, { klCoef: 1, refCoef: 1 });
  const meanAdv = advantages.reduce((a, b) => a + b, 0) / B;
  ok(Math.abs(terms.policy_loss + meanAdv) < 1e-6, `${terms.policy_loss} vs ${-meanAdv}`);
  ok(
    Math.abs(terms.kl_old) < 1e-9 && Math.abs(terms.kl_ref) < 1e-6 &&
      Math.abs(terms.approx_kl) < 1e-6,
  );
  ok(terms.clip_low === 0 && terms.clip_high === 0);
  ok(Math.abs(loss.item() - terms.policy_loss) < 1e-6);
});

Deno.test("GRPO clip counts use ε_low and ε_high separately", () => {
  const lpNew = noGrad(() => dist(mu, v).logProb(actions)).data;
  // r = 0.75 with Â < 0 is below 1 − 0.2; r = 1.25 with Â > 0 is inside 1 + 0.28 but outside 1 + 0.2.
  const adv = new Float32Array([-1, 1, 1, 1, 1, 1]);
  const logProbOld = Float32Array.from(lpNew, (x, i) => x - Math.log(i === 0 ? 0.75 : 1.25));
  const t1 =
    grpoLoss(dist(mu, v), { actions, logProbOld, advantages: adv }, { epsLow: 0.2, epsHigh: 0.28 })
      .terms;
  ok(Math.abs(t1.clip_low - 1 / 6) < 1e-9 && t1.clip_high === 0, JSON.stringify(t1));
  const t2 =
    grpoLoss(dist(mu, v), { actions, logProbOld, advantages: adv }, { epsLow: 0.2, epsHigh: 0.2 })
      .terms;
  ok(Math.abs(t2.clip_high - 5 / 6) < 1e-9);
});

Deno.test("GRPO loss names the missing distribution", () => {
  throws(
    () =>
      grpoLoss(dist(mu, v), { actions, logProbOld: new Float32Array(B), advantages }, {
        refCoef: 0.1,
      }),
    /refCoef = 0.1 needs batch.refDist/,
  );
});

Deno.test("adaptive β halves below d/1.5 and doubles above 1.5·d", () => {
  ok(adaptKlCoef(1, 0.0066, 0.01) === 0.5 && adaptKlCoef(1, 0.0067, 0.01) === 1);
  ok(adaptKlCoef(1, 0.0151, 0.01) === 2 && adaptKlCoef(1, 0.015, 0.01) === 1);
});

Deno.test("PPO loss (policy, clipped value, entropy) passes the finite-difference check", () => {
  const logProbOld = oldLogProbs(0.2, 0.2);
  const valuesOld = Float32Array.from({ length: B }, () => rng.normal());
  const returns = Float32Array.from({ length: B }, () => rng.normal());
  // V − V_old away from ±ε, and the two value errors not tied.
  const values = new Tensor(
    Float64Array.from(valuesOld, (x, i) => x + [0.5, -0.6, 0.1, -0.05, 0.3, -0.4][i]),
    [B],
  );
  const r = gradcheck(
    (m, lv, val) =>
      ppoLoss(dist(m, lv), val, { actions, logProbOld, advantages, returns, valuesOld }, {
        entCoef: 0.01,
      }).loss,
    [mu, v, values],
  );
  ok(r.ok, r.message);
});
