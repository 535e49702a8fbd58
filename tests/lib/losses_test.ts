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

// ---- loss values against a float64 reference, with ratios on both sides of every clip bound

/** log π(a) in float64, written out independently of lib/normal.ts. */
function refLogProb(m: Tensor, lv: Tensor, a: ArrayLike<number>): number[] {
  const n = m.shape[0], d = m.shape[1];
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const k = i * d + j, vk = lv.data[lv.size === d ? j : k];
      s += (a[k] - m.data[k]) ** 2 * Math.exp(-vk) + vk + Math.log(2 * Math.PI);
    }
    return -0.5 * s;
  });
}
const shift = (t: Tensor, c: number) =>
  new Tensor(Float64Array.from(t.data, (x) => x + c), [...t.shape]);
const clipRef = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
const meanRef = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

// r = 0.5 < 1 − 0.28 < r = 0.75 < 1 − 0.2 < r = 0.9, 1.1 < 1 + 0.2 < r = 1.25 < 1 + 0.28 < r = 1.5,
// each with Â > 0 and Â < 0, so a swapped ε_low/ε_high or min/max changes the loss.
const RATIOS = [0.5, 0.75, 0.9, 1.1, 1.25, 1.5];
const CB = 2 * RATIOS.length;
const cMu = new Tensor(Float64Array.from({ length: CB * D }, () => rng.uniform(-1, 1)), [CB, D]);
const cV = new Tensor(Float64Array.from({ length: CB * D }, () => rng.uniform(-1, 0.5)), [CB, D]);
const cActions = Float32Array.from({ length: CB * D }, () => rng.normal());
const cAdv = Float32Array.from({ length: CB }, (_, i) => (i % 2 ? -0.7 : 1.3) * (1 + i / 10));
const cLpNew = refLogProb(cMu, cV, cActions);
const cLpOld = Float32Array.from(cLpNew, (x, i) => x - Math.log(RATIOS[i >> 1]));
/** The exact ratios r_i = exp(log π_θ − log π_old) of the stored float32 log π_old. */
const cRatio = cLpNew.map((x, i) => Math.exp(x - cLpOld[i]));

function refSurrogate(epsLow: number, epsHigh: number): number {
  return -meanRef(
    cRatio.map((r, i) => Math.min(r * cAdv[i], clipRef(r, 1 - epsLow, 1 + epsHigh) * cAdv[i])),
  );
}

Deno.test("GRPO loss value matches a float64 reference on both sides of ε_low and ε_high", () => {
  for (const [epsLow, epsHigh] of [[0.2, 0.28], [0.28, 0.2], [0.2, 0.2]]) {
    const { loss, terms } = grpoLoss(dist(cMu, cV), {
      actions: cActions,
      logProbOld: cLpOld,
      advantages: cAdv,
    }, { epsLow, epsHigh });
    const want = refSurrogate(epsLow, epsHigh);
    ok(Math.abs(loss.item() - want) < 1e-6, `ε ${epsLow}/${epsHigh}: ${loss.item()} vs ${want}`);
    ok(Math.abs(terms.policy_loss - want) < 1e-6);
  }
  // The reference itself tells the variants apart, so the check above can fail.
  ok(Math.abs(refSurrogate(0.2, 0.28) - refSurrogate(0.28, 0.2)) > 1e-2);
});

Deno.test("GRPO loss value adds β_old·KL, β_ref·k3 and −c_H·H as weighted", () => {
  const q = dist(shift(cMu, 0.1), shift(cV, -0.2));
  const { loss, terms } = grpoLoss(dist(cMu, cV), {
    actions: cActions,
    logProbOld: cLpOld,
    advantages: cAdv,
    oldDist: q,
    refDist: q,
  }, { klCoef: 0.5, refCoef: 0.3, entCoef: 0.01 });
  let klOld = 0, k3Ref = 0, h = 0;
  const lpRef = refLogProb(q.mean, q.logVar, cActions);
  for (let i = 0; i < CB; i++) {
    for (let j = 0; j < D; j++) {
      const k = i * D + j, vp = q.logVar.data[k], vq = cV.data[k];
      klOld += 0.5 *
        (vq - vp + (Math.exp(vp) + (q.mean.data[k] - cMu.data[k]) ** 2) / Math.exp(vq) - 1);
      h += 0.5 * (1 + Math.log(2 * Math.PI) + vq);
    }
    const delta = lpRef[i] - cLpNew[i];
    k3Ref += Math.exp(delta) - delta - 1;
  }
  const want = refSurrogate(0.2, 0.28) + 0.5 * klOld / CB + 0.3 * k3Ref / CB - 0.01 * h / CB;
  ok(Math.abs(loss.item() - want) < 1e-6, `${loss.item()} vs ${want}`);
  ok(Math.abs(terms.kl_old - klOld / CB) < 1e-6 && Math.abs(terms.kl_ref - k3Ref / CB) < 1e-6);
});

Deno.test("PPO loss value matches a float64 reference on both sides of the ratio and value clips", () => {
  const eps = 0.2;
  // V − V_old beyond +ε, beyond −ε and inside; R on either side, so max and min of the two value
  // errors differ in both directions.
  const valuesOld = Float32Array.from({ length: CB }, (_, i) => [0, 0.3, -0.2][i % 3]);
  const dV = [0.5, -0.45, 0.1, 0.35, -0.3, -0.05];
  const values = new Tensor(Float64Array.from(valuesOld, (x, i) => x + dV[i % 6]), [CB]);
  const returns = Float32Array.from(
    { length: CB },
    (_, i) => valuesOld[i] + [1, -1, 0.2, -0.5][i % 4],
  );
  for (const clipValue of [true, false]) {
    for (const halfValueLoss of [true, false]) {
      const { loss, terms } = ppoLoss(dist(cMu, cV), values, {
        actions: cActions,
        logProbOld: cLpOld,
        advantages: cAdv,
        returns,
        valuesOld,
      }, { clip: eps, clipValue, halfValueLoss, vfCoef: 0.7, entCoef: 0.01 });
      const vErr = Array.from({ length: CB }, (_, i) => {
        const v = values.data[i], err = (v - returns[i]) ** 2;
        const vc = valuesOld[i] + clipRef(v - valuesOld[i], -eps, eps);
        return clipValue ? Math.max(err, (vc - returns[i]) ** 2) : err;
      });
      const valueLoss = (halfValueLoss ? 0.5 : 1) * meanRef(vErr);
      const h = meanRef(
        Array.from(
          { length: CB },
          (_, i) => 0.5 * (2 * (1 + Math.log(2 * Math.PI)) + cV.data[2 * i] + cV.data[2 * i + 1]),
        ),
      );
      const policyLoss = refSurrogate(eps, eps);
      const want = policyLoss - 0.01 * h + 0.7 * valueLoss;
      const what = `clipValue ${clipValue}, half ${halfValueLoss}`;
      ok(Math.abs(loss.item() - want) < 1e-6, `${what}: ${loss.item()} vs ${want}`);
      ok(Math.abs(terms.policy_loss - policyLoss) < 1e-6, what);
      ok(
        Math.abs(terms.value_loss - valueLoss) < 1e-6,
        `${what}: ${terms.value_loss} vs ${valueLoss}`,
      );
      ok(Math.abs(terms.entropy - h) < 1e-6, what);
    }
  }
});

Deno.test("ratios and k3 stay finite when the log-ratio is far beyond ±20", () => {
  const lpNew = noGrad(() => dist(mu, v).logProb(actions)).data;
  const logProbOld = Float32Array.from(lpNew, (x, i) => x + (i % 2 ? 60 : -60)); // log r = ∓60
  const adv = Float32Array.from({ length: B }, (_, i) => (i % 3 ? -1 : 1));
  const refDist = dist(shift(mu, 30), v); // δ ≈ −½·30²·e^{−v}: far below −20
  const { loss, terms } = grpoLoss(dist(mu, v), { actions, logProbOld, advantages: adv, refDist }, {
    refCoef: 1,
  });
  ok(Number.isFinite(loss.item()) && Number.isFinite(terms.kl_ref), `${loss.item()}`);
  // r = e^{±20} at the bound: −mean(min(r·Â, clip(r)·Â))
  const want = -meanRef(Array.from({ length: B }, (_, i) => {
    const r = Math.exp(i % 2 ? -20 : 20);
    return Math.min(r * adv[i], clipRef(r, 0.8, 1.28) * adv[i]);
  }));
  ok(Math.abs(terms.policy_loss - want) / Math.abs(want) < 1e-5, `${terms.policy_loss} vs ${want}`);
  const ppo = ppoLoss(dist(mu, v), new Tensor(new Float64Array(B), [B]), {
    actions,
    logProbOld,
    advantages: adv,
    returns: new Float32Array(B),
    valuesOld: new Float32Array(B),
  });
  ok(Number.isFinite(ppo.loss.item()), `${ppo.loss.item()}`);
});
