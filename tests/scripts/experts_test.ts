import { deepEqual, ok, throws } from "node:assert/strict";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { Rng } from "../../lib/rng.ts";
import { PendulumExpert, PolicyExpert, recordDemonstrations } from "../../scripts/experts.ts";

Deno.test("the Pendulum expert scores at least −200 on average over 20 seeded episodes", async () => {
  const demos = await recordDemonstrations(new PendulumExpert(), { episodes: 20, seed: 0 });
  const mean = demos.returns.reduce((a, b) => a + b, 0) / demos.returns.length;
  ok(mean >= -200, `expert mean return ${mean.toFixed(1)} over seeds 0…19`);
  ok(demos.obs.length === 20 * 200 * 3 && demos.actions.length === 20 * 200);
  ok(demos.actions.every((u) => u >= -2 && u <= 2));
});

Deno.test("the expert's LQR balances an upright start; without LQR (pumping only) it fails", async () => {
  const upright = { act: (o: Float32Array) => new PendulumExpert().act(o) };
  const env = (await import("../../envs/pendulum.ts")).Pendulum;
  const run = (ctrl: { act(o: Float32Array): Float32Array }) => {
    const e = new env();
    let { obs } = e.reset({ seed: 0, options: { x_init: 0.3, y_init: 0.5 } });
    let total = 0;
    for (let t = 0; t < 200; t++) {
      const r = e.step(ctrl.act(obs));
      total += r.reward;
      obs = r.obs;
    }
    return total;
  };
  const balanced = run(upright);
  const pumpOnly = run(new PendulumExpert({ switchAngle: 0, captureAngle: 0 }));
  ok(balanced > -5, `LQR from a near-upright start: ${balanced}`);
  ok(pumpOnly < balanced - 50, `pumping only: ${pumpOnly}, with LQR: ${balanced}`);
});

Deno.test("PolicyExpert acts with the policy's mean action on the transformed observation, clipped", () => {
  const policy = new GaussianMlpPolicy(3, 2, { rng: new Rng(3), hidden: [16] });
  for (const p of policy.parameters()) p.data.forEach((_, i, a) => (a[i] *= 50)); // visible actions
  const transform = (o: Float32Array) => o.map((x, i) => 2 * x - (i % 3)); // rows [B·3]
  const obs = Float32Array.of(0.1, -0.4, 1.5, -0.7, 0.2, 0.3); // B = 2
  const mu = policy.act(transform(obs), new Rng(9), { deterministic: true }).actions;
  const raw = policy.act(obs, new Rng(9), { deterministic: true }).actions;
  ok(mu.some((m, i) => Math.abs(m - raw[i]) > 1e-3), "the transform must matter for this check");
  deepEqual(new PolicyExpert(policy, { transform }).act(obs), mu);
  const low = [-0.05, -0.1], high = [0.05, 0.1];
  const clipped = new PolicyExpert(policy, { transform, low, high }).act(obs);
  deepEqual(clipped, mu.map((m, i) => Math.min(high[i % 2], Math.max(low[i % 2], m))));
  ok(clipped.some((c, i) => c !== mu[i]), "some mean actions must lie outside the box");
  throws(
    () => new PolicyExpert(policy, { low: [-1] }),
    /low has length 1, expected the action size 2/,
  );
  throws(() => new PolicyExpert(policy).act(new Float32Array(4)), /obs has 4 values/);
});

Deno.test("recordDemonstrations with a PolicyExpert is deterministic and records its actions", async () => {
  const policy = new GaussianMlpPolicy(3, 1, { rng: new Rng(5), hidden: [16] });
  for (const p of policy.parameters()) p.data.forEach((_, i, a) => (a[i] *= 30));
  const transform = (o: Float32Array) => o.map((x) => 0.5 * x);
  const expert = () => new PolicyExpert(policy, { transform, low: [-2], high: [2] });
  const a = await recordDemonstrations(expert(), { episodes: 2, seed: 7 });
  const b = await recordDemonstrations(expert(), { episodes: 2, seed: 7 });
  deepEqual(a, b);
  ok(a.obs.length === 2 * 200 * 3 && a.actions.length === 2 * 200);
  deepEqual(expert().act(a.obs), a.actions); // each recorded action is the expert's on the raw obs
  ok(new Set(a.actions).size > 10, "the actions should vary along the episode");
});
