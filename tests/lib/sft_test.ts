import { ok, throws } from "node:assert/strict";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { Rng } from "../../lib/rng.ts";
import { behaviourCloning, nll } from "../../lib/sft.ts";

// A linear-Gaussian teacher: a = W·s + b + σ⊙ε, s ~ N(0, I₃), ε ~ N(0, I₂).
const S = 3, D = 2;
const W = [[0.8, -0.5, 0.3], [-0.2, 0.6, 0.7]], b = [0.1, -0.3], sigma = [0.2, 0.4];
const teacherMean = (s: ArrayLike<number>, d: number) =>
  b[d] + W[d][0] * s[0] + W[d][1] * s[1] + W[d][2] * s[2];

function sample(n: number, rng: Rng) {
  const obs = new Float32Array(n * S), actions = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < S; k++) obs[i * S + k] = rng.normal();
    for (let d = 0; d < D; d++) {
      actions[i * D + d] = teacherMean(obs.subarray(i * S), d) + sigma[d] * rng.normal();
    }
  }
  return { obs, actions };
}

Deno.test("behaviour cloning recovers a linear-Gaussian teacher: NLL falls to the noise entropy, μ and σ match on held-out states", () => {
  const rng = new Rng(3);
  const train = sample(2000, rng), heldOut = sample(500, rng);
  const pi = new GaussianMlpPolicy(S, D, {
    rng: new Rng(0),
    hidden: [32],
    activation: "tanh",
    stateIndependentStd: true,
  });
  const before = nll(pi, heldOut);
  const res = behaviourCloning(pi, train, {
    rng: new Rng(1),
    epochs: 30,
    lr: 3e-3,
    validation: heldOut,
  });
  ok(res.train.length === 30 && res.validation!.length === 30);
  ok(res.train[29] < res.train[0] - 0.5, `train NLL ${res.train[0]} → ${res.train[29]}`);
  ok(res.validation![29] < before - 0.5, `held-out NLL ${before} → ${res.validation![29]}`);
  // The best possible NLL is the teacher's noise entropy Σ_d ½·log(2πe·σ_d²).
  const floor = sigma.reduce((h, s) => h + 0.5 * Math.log(2 * Math.PI * Math.E * s * s), 0);
  ok(
    Math.abs(res.validation![29] - floor) < 0.1,
    `held-out NLL ${res.validation![29]}, floor ${floor}`,
  );
  // The learned mean approaches the teacher's on held-out states.
  const { actions: mu } = pi.act(heldOut.obs, new Rng(0), { deterministic: true });
  let sq = 0;
  for (let i = 0; i < 500; i++) {
    for (let d = 0; d < D; d++) {
      sq += (mu[i * D + d] - teacherMean(heldOut.obs.subarray(i * S), d)) ** 2;
    }
  }
  const rmse = Math.sqrt(sq / (500 * D));
  ok(rmse < 0.08, `held-out RMSE of μ to the teacher's mean ${rmse}`);
  const learnedSigma = Array.from(pi.logStd!.data, Math.exp);
  sigma.forEach((s, d) =>
    ok(Math.abs(learnedSigma[d] / s - 1) < 0.15, `σ ${learnedSigma} vs ${sigma}`)
  );
});

Deno.test("behaviour cloning rejects demonstrations of the wrong size, naming the sizes", () => {
  const pi = new GaussianMlpPolicy(S, D, { rng: new Rng(0), hidden: [4] });
  throws(
    () =>
      behaviourCloning(pi, { obs: new Float32Array(9), actions: new Float32Array(4) }, {
        rng: new Rng(0),
      }),
    /9 observation values and 4 action values, expected N·S and N·D with S = 3, D = 2/,
  );
});
