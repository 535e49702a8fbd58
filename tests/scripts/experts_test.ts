import { ok } from "node:assert/strict";
import { PendulumExpert, recordDemonstrations } from "../../scripts/experts.ts";

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
