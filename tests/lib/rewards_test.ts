import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { makeEnv } from "../../envs/registry.ts";
import {
  composeRewards,
  parseRewardSpec,
  pendulumTerms,
  rewardRegistry,
} from "../../lib/rewards.ts";
import { Rng } from "../../lib/rng.ts";

for (const envId of Object.keys(rewardRegistry)) {
  Deno.test(`${envId}: the native spec reproduces the env's reward, term by term`, async () => {
    const env = await makeEnv(envId);
    const reward = composeRewards(parseRewardSpec(rewardRegistry[envId].native, envId));
    const rng = new Rng(4), space = env.actionSpace;
    const values = new Float64Array(reward.names.length);
    let { obs } = env.reset({ seed: 1 });
    for (let t = 0; t < 100; t++) {
      const a = space.kind === "discrete"
        ? Float32Array.of(rng.int(space.n))
        : Float32Array.from(space.low, (lo, d) => rng.uniform(lo, space.high[d]));
      const r = env.step(a);
      const total = reward.step(obs, a, r.obs, r.info, values);
      // Pendulum's terms read the float32 observation; the env uses its float64 state.
      ok(
        Math.abs(total - r.reward) < 1e-4 * (1 + Math.abs(r.reward)),
        `t=${t}: ${total} vs ${r.reward}`,
      );
      ok(
        Math.abs(
          values.reduce(
            (s, v, k) => s + v * parseRewardSpec(rewardRegistry[envId].native, envId)[k].weight,
            0,
          ) - total,
        ) < 1e-12,
      );
      obs = r.obs;
    }
    env.close();
  });
}

Deno.test("weights scale the total and every term is reported unweighted", () => {
  const r = composeRewards(parseRewardSpec("angle:2,torque:10", "Pendulum-v1"));
  const s = new Float32Array([0, 1, 3]); // θ = π/2, θ̇ = 3
  const values = new Float64Array(2);
  const total = r.step(s, new Float32Array([1.5]), s, {}, values);
  deepStrictEqual(r.names, ["angle", "torque"]);
  ok(Math.abs(values[0] + (Math.PI / 2) ** 2) < 1e-6 && values[1] === -2.25);
  ok(Math.abs(total - (2 * values[0] + 10 * values[1])) < 1e-12);
});

Deno.test("the upright judge scores the fraction of the last 50 states near the top", () => {
  const up = new Float32Array([1, 0, 0]), down = new Float32Array([-1, 0, 0]);
  const obs = [...Array(60).fill(down), ...Array(40).fill(up)];
  const r = composeRewards([pendulumTerms.upright]);
  ok(r.hasOutcome);
  ok(Math.abs(r.outcome({ obs, actions: [], infos: [] }) - 40 / 50) < 1e-12);
  deepStrictEqual(
    r.step(up, new Float32Array([0]), up, {}),
    0,
    "an outcome term pays nothing per step",
  );
});

Deno.test("reward specs are validated and list the known terms", () => {
  throws(
    () => parseRewardSpec("forward:1,fly:2", "HalfCheetah-v5"),
    /Unknown reward term "fly" for HalfCheetah-v5: known terms are forward, ctrl, speed, upright/,
  );
  throws(() => parseRewardSpec("angle:x", "Pendulum-v1"), /Bad reward term "angle:x"/);
  throws(
    () => parseRewardSpec("angle", "CartPole-v1"),
    /known envs are Pendulum-v1, HalfCheetah-v5/,
  );
  throws(
    () => parseRewardSpec("linup", "HumanoidStandup-v5"),
    /known envs are .*, Pusher-v5, MountainCar-v0$/,
  );
  throws(
    () => composeRewards(parseRewardSpec("angle,angle:2", "Pendulum-v1")),
    /"angle" appears twice/,
  );
  deepStrictEqual(
    parseRewardSpec("angle", "Pendulum-v1")[0].weight,
    1,
    "a bare name keeps its default weight",
  );
});

Deno.test("the overspeed penalty is 0 within the budget, linear above it, floored at −8", () => {
  const r = composeRewards(parseRewardSpec("overspeed", "Pendulum-v1"));
  const at = (w: number) =>
    r.step(new Float32Array([1, 0, w]), new Float32Array([0]), new Float32Array(3), {});
  deepStrictEqual([at(0.5), at(-1), at(2), at(-3.5), at(8)].map((v) => v + 0), [0, 0, -2, -5, -8]);
});

Deno.test("MountainCar's energy shaping is the mechanical energy: near-constant while coasting", async () => {
  // Hand value: at the valley floor p = −π/6 (sin 3p = −1) with v = 0.05, Φ = 0.05²/0.005 − 1/3.
  const energy = composeRewards(parseRewardSpec("energy:1", "MountainCar-v0"));
  const floor = Float32Array.of(-Math.PI / 6, 0.05), rest = Float32Array.of(-Math.PI / 6, 0);
  ok(Math.abs(energy.step(rest, Float32Array.of(1), floor, {}) - 0.5) < 1e-6);
  // Coasting (action 1: no push) from rest at p = −0.9, the car swings through the valley without
  // touching a wall: its speed term v²/(2g) swings by ≈ 0.19, the summed shaping stays within 0.02
  // of 0 (the integrator's error), where a wrong Φ (e.g. sin(3p)/2) would drift by ≈ 0.1.
  const env = await makeEnv("MountainCar-v0");
  env.reset({ seed: 1 });
  env.setState(Float64Array.of(-0.9, 0, 0));
  let obs: Float32Array = Float32Array.of(-0.9, 0), sum = 0, maxKinetic = 0;
  for (let t = 0; t < 150; t++) {
    const r = env.step(Float32Array.of(1));
    sum += energy.step(obs, Float32Array.of(1), r.obs, {});
    ok(Math.abs(sum) < 0.02, `t=${t}: Σ F = ${sum}`);
    maxKinetic = Math.max(maxKinetic, r.obs[1] ** 2 / 0.005);
    obs = r.obs;
  }
  ok(maxKinetic > 0.15, `the car coasted (max v²/2g ${maxKinetic})`);
  env.close();
});
