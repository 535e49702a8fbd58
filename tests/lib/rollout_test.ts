import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { CartPole } from "../../envs/cartpole.ts";
import { Pendulum } from "../../envs/pendulum.ts";
import { CategoricalMlpPolicy } from "../../lib/categorical_policy.ts";
import { VectorEnv } from "../../lib/vector_env.ts";
import { GaussianMlpPolicy, ValueMlp } from "../../lib/policy.ts";
import { composeRewards, parseRewardSpec } from "../../lib/rewards.ts";
import { Rng } from "../../lib/rng.ts";
import { collectGroups, collectSteps } from "../../lib/rollout.ts";
import { noGrad, Tensor } from "../../lib/tensor.ts";

const policy = new GaussianMlpPolicy(3, 1, { rng: new Rng(0), hidden: [8] });
const venv = (n: number, autoreset: boolean, maxEpisodeSteps = 200) =>
  new VectorEnv(
    Array.from({ length: n }, (_, i) => new Pendulum({ rng: new Rng(100 + i), maxEpisodeSteps })),
    { autoreset },
  );

Deno.test("collectGroups: members of a group share their start, then diverge; [T, N] layout", () => {
  const v = venv(6, false);
  const ro = collectGroups(v, policy, { rng: new Rng(1), groupSize: 3, horizon: 5, seed: 7 });
  const row = (t: number, i: number) =>
    Array.from(ro.obs.subarray((t * 6 + i) * 3, (t * 6 + i + 1) * 3));
  deepStrictEqual(row(0, 1), row(0, 0));
  deepStrictEqual(row(0, 2), row(0, 0));
  ok(row(0, 3).join() !== row(0, 0).join(), "different groups start apart");
  ok(row(4, 1).join() !== row(4, 0).join(), "members diverge through their own actions");
  deepStrictEqual([ro.T, ro.N, ro.rewards.length, ro.running.every((x) => x === 1)], [
    5,
    6,
    30,
    true,
  ]);
  v.close();
});

Deno.test("collectGroups: independent members start from their own resets, as reset({ seed }) gives them", () => {
  const v = venv(4, false);
  const want = Array.from(v.reset({ seed: 7 }).obs);
  const ro = collectGroups(v, policy, {
    rng: new Rng(1),
    groupSize: 2,
    horizon: 3,
    seed: 7,
    independent: true,
  });
  deepStrictEqual(Array.from(ro.obs.subarray(0, 4 * 3)), want);
  ok(want.slice(0, 3).join() !== want.slice(3, 6).join(), "members of one group start apart");
  const shared = collectGroups(v, policy, { rng: new Rng(1), groupSize: 2, horizon: 3, seed: 7 });
  deepStrictEqual(
    Array.from(shared.obs.subarray(0, 6)),
    [...want.slice(0, 3), ...want.slice(0, 3)],
    "the shared start clones the leader's reset",
  );
  throws(
    () =>
      collectGroups(v, policy, {
        rng: new Rng(1),
        groupSize: 2,
        horizon: 3,
        seed: 7,
        independent: true,
        starts: [undefined, { state: new Float64Array(3), obs: new Float32Array(3) }],
      }),
    /independent members cannot branch/,
  );
  v.close();
});

Deno.test("collectGroups: members stop at their episode's end; only fresh-reset groups report whole episodes", () => {
  const v = venv(4, false, 3); // every episode ends after 3 steps
  const ro = collectGroups(v, policy, {
    rng: new Rng(1),
    groupSize: 2,
    horizon: 10,
    seed: 7,
    record: [{ member: 1, t: 1 }],
  });
  deepStrictEqual(ro.T, 3, "the rollout ends when every member has stopped");
  deepStrictEqual(ro.episodes.lengths, [3, 3, 3, 3]);
  deepStrictEqual(ro.visited.length, 1);
  // Branch group 0 from the recorded state; group 1 starts fresh.
  const ro2 = collectGroups(v, policy, {
    rng: new Rng(2),
    groupSize: 2,
    horizon: 10,
    seed: 8,
    starts: [ro.visited[0], undefined],
  });
  deepStrictEqual(Array.from(ro2.obs.subarray(0, 3)), Array.from(ro.visited[0].obs));
  // The branch starts at step 1 of 3, so its members run 2 steps while the fresh group runs 3.
  deepStrictEqual(Array.from(ro2.running.subarray(2 * 4, 3 * 4)), [0, 0, 1, 1]);
  deepStrictEqual(
    ro2.episodes.lengths,
    [3, 3],
    "the branched group's partial episodes are not reported",
  );
  throws(
    () =>
      collectGroups(v, policy, {
        rng: new Rng(2),
        groupSize: 2,
        horizon: 4,
        seed: 8,
        starts: [undefined],
      }),
    /1 start states for 2 groups of G = 2/,
  );
  v.close();
});

Deno.test("collectGroups: a composed reward replaces the env's and is logged per term", () => {
  const v = venv(4, false);
  const native = composeRewards(
    parseRewardSpec("angle:1,velocity:0.1,torque:0.001", "Pendulum-v1"),
  );
  const a = collectGroups(v, policy, { rng: new Rng(3), groupSize: 2, horizon: 20, seed: 9 });
  const b = collectGroups(v, policy, {
    rng: new Rng(3),
    groupSize: 2,
    horizon: 20,
    seed: 9,
    reward: native,
  });
  ok(
    b.rewards.every((r, k) => Math.abs(r - a.rewards[k]) < 1e-3 * (1 + Math.abs(r))),
    "the native split matches the env reward",
  );
  deepStrictEqual(Object.keys(b.rewardTerms), [
    "rewards/angle/mean",
    "rewards/velocity/mean",
    "rewards/torque/mean",
  ]);
  v.close();
});

Deno.test("collectSteps: next values bootstrap within the episode and from V(s_T) at truncation", () => {
  const v = venv(2, true, 4);
  const critic = new ValueMlp(3, { rng: new Rng(0), hidden: [8] });
  const first = v.reset({ seed: 1 }).obs.slice();
  const ro = collectSteps(v, policy, critic, first, { rng: new Rng(4), steps: 6 });
  for (let t = 0; t < 5; t++) {
    for (let i = 0; i < 2; i++) {
      const k = t * 2 + i;
      if (!ro.dones[k]) deepStrictEqual(ro.nextValues[k], ro.values[k + 2], `t=${t} i=${i}`);
    }
  }
  const k = 3 * 2; // step 3 of env 0 truncates (4-step episodes)
  ok(ro.dones[k] === 1 && ro.terminated[k] === 0, "step 3 truncates");
  // V(s_T) recomputed: replay the clipped actions in a twin env and evaluate the critic on its final obs.
  const twin = venv(2, true, 4);
  twin.reset({ seed: 1 });
  let finalObs = new Float32Array(0);
  for (let t = 0; t <= 3; t++) {
    const a = Float32Array.from(
      ro.actions.subarray(t * 2, t * 2 + 2),
      (x) => Math.min(2, Math.max(-2, x)),
    );
    const r = twin.step(a);
    if (t === 3) finalObs = r.finalObs.slice(0, 3);
  }
  const vT = noGrad(() => critic.forward(new Tensor(finalObs, [1, 3])).data[0]);
  strictEqual(ro.nextValues[k], vT, "truncation bootstraps from V(s_T)");
  ok(vT !== ro.values[k + 2], "V(s_T) differs from V(reset), so the check can fail");
  deepStrictEqual(ro.episodes.lengths, [4, 4]);
  v.close();
  twin.close();
});

Deno.test("the obs statistics count each observation once: PPO's boundary obs, GRPO's running members", () => {
  let counted = 0;
  const transform = (o: Float32Array, update: boolean) => {
    if (update) counted += o.length / 3;
    return o;
  };
  const v = venv(2, true, 4);
  const critic = new ValueMlp(3, { rng: new Rng(0), hidden: [8] });
  let obs: Float32Array = v.reset({ seed: 1 }).obs.slice();
  for (let u = 0; u < 2; u++) {
    obs = collectSteps(v, policy, critic, obs, { rng: new Rng(4), steps: 6, transform }).lastObs;
  }
  strictEqual(counted, 2 * 6 * 2); // the obs acted on; each rollout's s_T is the next one's s_0
  v.close();
  counted = 0;
  const g = new VectorEnv( // episodes of 3, 4, 5 and 6 steps, horizon 8: members stop at different t
    Array.from({ length: 4 }, (_, i) => new Pendulum({ rng: new Rng(i), maxEpisodeSteps: 3 + i })),
    { autoreset: false },
  );
  const ro = collectGroups(g, policy, {
    rng: new Rng(2),
    groupSize: 2,
    horizon: 8,
    seed: 3,
    transform,
  });
  const running = ro.running.reduce((a, b) => a + b, 0);
  ok(running < ro.T * ro.N, `some rows belong to stopped members: ${running} of ${ro.T * ro.N}`);
  strictEqual(counted, running);
  g.close();
});

Deno.test("collectGroups and collectSteps run a Discrete env with a categorical policy", () => {
  const pi = new CategoricalMlpPolicy(4, 2, { rng: new Rng(0), hidden: [8] });
  const cartpoles = (n: number, autoreset: boolean) =>
    new VectorEnv(Array.from({ length: n }, (_, i) => new CartPole({ rng: new Rng(i) })), {
      autoreset,
    });
  const g = cartpoles(4, false);
  const ro = collectGroups(g, pi, { rng: new Rng(1), groupSize: 2, horizon: 40, seed: 3 });
  ok(ro.actions.length === ro.T * 4 && ro.actions.every((a) => a === 0 || a === 1));
  ok(ro.episodes.lengths.length > 0 && ro.T < 40, "random pushes end episodes early");
  g.close();
  const s = cartpoles(2, true);
  const critic = new ValueMlp(4, { rng: new Rng(0), hidden: [8] });
  const st = collectSteps(s, pi, critic, s.reset({ seed: 0 }).obs.slice(), {
    rng: new Rng(2),
    steps: 50,
  });
  ok(st.actions.length === 100 && st.actions.every((a) => a === 0 || a === 1));
  deepStrictEqual(st.rewards.slice(0, 4), Float64Array.of(1, 1, 1, 1));
  ok(st.terminated.some((x) => x === 1), "some episodes end by termination");
  s.close();
});
