/**
 * scripts/verdict.ts and scripts/task_traits.ts: the verdict rule on hand-made intervals, the page
 * on hand-made runs whose P(GRPO > PPO) is known by construction, the AUC comparison against a
 * computation from the fixture's raw returns, and every env's traits against the env itself.
 * (The fixture page's golden copy is checked in benchmark_test.ts.)
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { envIds, makeEnv } from "../../envs/registry.ts";
import type { Env } from "../../envs/types.ts";
import { configFor } from "../../lib/config.ts";
import type { RunResults } from "../../lib/results.ts";
import { Rng } from "../../lib/rng.ts";
import { type BenchData, type BenchRun, loadBench } from "../../scripts/benchmark.ts";
import { taskTraits } from "../../scripts/task_traits.ts";
import {
  grpoDesign,
  poolDifference,
  verdict,
  verdictMarkdown,
  verdictStats,
  verdictText,
} from "../../scripts/verdict.ts";

const root = new URL("../..", import.meta.url).pathname;
const iv = (point: number, low: number, high: number) => ({ point, low, high });

Deno.test("verdict: a CI above 0.5 is GRPO better, below is PPO better, containing or touching 0.5 is neither", () => {
  strictEqual(verdict(iv(0.8, 0.51, 0.95)), "GRPO better");
  strictEqual(verdict(iv(1, 1, 1)), "GRPO better");
  strictEqual(verdict(iv(0.2, 0.05, 0.49)), "PPO better");
  strictEqual(verdict(iv(0, 0, 0)), "PPO better");
  strictEqual(verdict(iv(0.5, 0.3, 0.7)), "no detectable difference");
  strictEqual(verdict(iv(0.7, 0.5, 0.9)), "no detectable difference"); // touching from above
  strictEqual(verdict(iv(0.3, 0.1, 0.5)), "no detectable difference"); // touching from below
  strictEqual(verdict(iv(0.9, 0.2, 1)), "no detectable difference"); // the point alone decides nothing
  throws(() => verdict(iv(0.5, 0.7, 0.3)), /CI \[0\.7, 0\.3\], expected 0 ≤ low ≤ high ≤ 1/);
  throws(() => verdict(iv(0.5, NaN, 0.6)), /CI \[NaN, 0\.6\]/);
  throws(() => verdict(iv(0.5, 0.2, 1.2)), /CI \[0\.2, 1\.2\]/);
});

Deno.test("verdictText: n beside no difference, bold winners, provisional below 5 runs of either", () => {
  strictEqual(verdictText(iv(0.8, 0.6, 0.9), { grpo: 10, ppo: 10 }), "**GRPO better**");
  strictEqual(verdictText(iv(0.1, 0, 0.3), { grpo: 5, ppo: 5 }), "**PPO better**");
  strictEqual(
    verdictText(iv(0.5, 0.3, 0.7), { grpo: 10, ppo: 8 }),
    "no detectable difference at n = 10 + 8",
  );
  strictEqual(
    verdictText(iv(1, 1, 1), { grpo: 10, ppo: 4 }),
    "**GRPO better** (n < 5: provisional)",
  );
  strictEqual(
    verdictText(iv(1, 1, 1), { grpo: 20, ppo: 20 }, true),
    "**GRPO better** (n < 5: provisional)",
  );
});

Deno.test("poolDifference: P over group A − P over group B, resampled within tasks", () => {
  const aWins = [{ grpo: [2, 3], ppo: [0, 1] }]; // P = 1 in every resample
  const bLoses = [{ grpo: [0], ppo: [1] }, { grpo: [5, 6], ppo: [7, 9] }]; // P = 0 in every resample
  deepStrictEqual(poolDifference(aWins, bLoses), iv(1, 1, 1));
  deepStrictEqual(poolDifference(bLoses, aWins), iv(-1, -1, -1));
  const half = [{ grpo: [1, 3], ppo: [2] }]; // P = ½: 3 beats 2, 1 loses
  const d = poolDifference(aWins, half);
  strictEqual(d.point, 0.5);
  ok(d.low <= 0.5 && d.high === 1, `${d.low} ${d.high}`); // resamples {1,1}: P 0, Δ 1; {3,3}: Δ 0
});

/** A finished run with the given learning curve on grid [0, 50, 100] and its preset's config. */
function run(env: string, algo: string, seed: number, curve: number[], over = {}): BenchRun {
  const config = { ...configFor({ env, algo, seed, totalSteps: 100 }), ...over };
  const results = { env, algo, seed, config } as unknown as RunResults;
  return { file: `${env}_${algo}_s${seed}/results.json`, results, score: curve.at(-1)!, curve };
}
const five = [0, 1, 2, 3, 4];

/**
 * Hopper: GRPO ends above PPO in every pair but trails over training (AUC GRPO (10 + i)/4, PPO
 * (16 + i)/4); HalfCheetah: PPO above in every pair; Swimmer: interleaved, P = 10/25 = 0.4;
 * CartPole: GRPO runs only.
 */
function handMade(): BenchData {
  const grid = [0, 50, 100];
  const task = (env: string, runs: Record<string, BenchRun[]>) => ({
    env,
    budget: 100,
    grid,
    runs,
  });
  return {
    tasks: [
      task("HalfCheetah-v5", {
        grpo: five.map((i) => run("HalfCheetah-v5", "grpo", 1000 + i, [0, 0, i])),
        ppo: five.map((i) => run("HalfCheetah-v5", "ppo", 1000 + i, [0, 0, 10 + i])),
      }),
      task("Hopper-v5", {
        grpo: five.map((i) =>
          run("Hopper-v5", "grpo", 1000 + i, [0, 0, 10 + i], i === 4 ? { horizon: 7 } : {})
        ),
        ppo: five.map((i) => run("Hopper-v5", "ppo", 1000 + i, [0, 8, i])),
      }),
      task("Swimmer-v5", {
        grpo: five.map((i) => run("Swimmer-v5", "grpo", 1000 + i, [0, 0, 1 + 2 * i])),
        ppo: five.map((i) => run("Swimmer-v5", "ppo", 1000 + i, [0, 0, 2 + 2 * i])),
      }),
      task("CartPole-v1", { grpo: [run("CartPole-v1", "grpo", 1000, [0, 9, 9])] }),
    ],
    random: {},
    randomCommand: "",
    references: {},
    published: [],
    studies: [],
    unfinished: [],
  };
}

Deno.test("the page on hand-made runs: each verdict as constructed, pools, Δ, designs, warnings", () => {
  const data = handMade(), v = verdictStats(data);
  const byEnv = (env: string) => v.perTask.get(data.tasks.find((t) => t.env === env)!)!;
  deepStrictEqual(byEnv("Hopper-v5").final, iv(1, 1, 1));
  deepStrictEqual(byEnv("Hopper-v5").auc, iv(0, 0, 0));
  deepStrictEqual(byEnv("HalfCheetah-v5").final, iv(0, 0, 0));
  strictEqual(byEnv("Swimmer-v5").final.point, 0.4);
  strictEqual(v.perTask.size, 3); // CartPole has no PPO runs
  const pool = (name: string) => v.pools.find((p) => p.name === name)!;
  strictEqual(pool("early termination: yes").tasks.length, 1);
  ok(Math.abs(pool("early termination: no").final!.point - 0.2) < 1e-12); // (0 + 0.4)/2
  ok(Math.abs(pool("all tasks").final!.point - 1.4 / 3) < 1e-12);
  ok(Math.abs(v.difference!.final.point - 0.8) < 1e-12); // 1 − 0.2
  ok(v.difference!.final.low > 0);
  const md = verdictMarkdown(data, v, "x");
  const row = (env: string) => md.split("\n").find((l) => l.startsWith(`| ${env} | `))!;
  ok(
    row("Hopper-v5").includes(
      "| 1.00 [1.00, 1.00] | **GRPO better** | 0.00 [0.00, 0.00] | **PPO better** |",
    ),
  );
  ok(row("HalfCheetah-v5").includes("| **PPO better** |"));
  ok(row("Swimmer-v5").includes("| 0.40 ["));
  ok(row("Swimmer-v5").includes("no detectable difference at n = 5 + 5 |"));
  ok(row("CartPole-v1").includes("| only GRPO has runs |"), row("CartPole-v1"));
  ok(row("Walker2d-v5").includes("| yes (failure) | dense | Box | not yet run |"));
  ok(md.includes("- CartPole-v1 1 + 0: only GRPO has runs: no comparison."));
  ok(md.includes("- **Runs of one algorithm only, no comparison yet:** CartPole-v1.\n"));
  ok(md.includes("GRPO better on: Hopper-v5. PPO better on: HalfCheetah-v5."));
  ok(!md.includes(": provisional)"));
  // The designs come from the configs: Hopper's GRPO runs differ in one horizon.
  const c = configFor({ env: "Hopper-v5", algo: "grpo" });
  ok(md.includes(`horizon ${c.horizon}`) && md.includes("horizon 7"));
  ok(md.includes(`${grpoDesign({ ...c, horizon: 7 })} (1 run)`));
  ok(md.includes(`(4 runs)`));
  strictEqual(md, verdictMarkdown(handMade(), undefined, "x")); // deterministic
});

Deno.test("the fixture's P(GRPO > PPO) on the AUC matches a trapezoid and a win count computed from the raw files", async () => {
  const fixture = "tests/fixtures/bench";
  const data = await loadBench(`${root}${fixture}`);
  const task = data.tasks.find((t) => t.env === "Pendulum-v1")!;
  const areas: Record<string, number[]> = { grpo: [], ppo: [] };
  for (const algo of ["grpo", "ppo"]) {
    for (const seed of [1000, 1001, 1002, 1003]) {
      const r = JSON.parse(
        Deno.readTextFileSync(`${root}${fixture}/tiny/Pendulum-v1_${algo}_s${seed}/results.json`),
      );
      const y = r.evals.map((e: { returns: number[] }) =>
        e.returns.reduce((a, b) => a + b, 0) / e.returns.length
      );
      const x = r.evals.map((e: { grid: number }) => e.grid);
      let area = 0;
      for (let g = 1; g < x.length; g++) area += (x[g] - x[g - 1]) * (y[g] + y[g - 1]) / 2;
      areas[algo].push(area / x.at(-1));
    }
  }
  let wins = 0;
  for (const a of areas.grpo) for (const b of areas.ppo) wins += a > b ? 1 : a === b ? 0.5 : 0;
  const v = verdictStats(data);
  strictEqual(v.perTask.get(task)!.auc.point, wins / 16);
  const md = verdictMarkdown(data, v, fixture);
  ok(md.includes(`| ${(wins / 16).toFixed(2)} [`));
});

/** One episode under `act`; the rewards of its steps and how it ended. */
function episode(env: Env, seed: number, act: (obs: Float32Array) => Float32Array) {
  let { obs } = env.reset({ seed });
  const rewards: number[] = [];
  for (;;) {
    const r = env.step(act(obs));
    rewards.push(r.reward);
    obs = r.obs;
    if (r.terminated || r.truncated) return { rewards, terminated: r.terminated };
  }
}

// Controllers that pump energy into the swing, reaching the goal well within the time limit.
const toGoal: Record<string, (o: Float32Array) => number> = {
  "MountainCar-v0": (o) => o[1] >= 0 ? 2 : 0,
  "MountainCarContinuous-v0": (o) => o[1] >= 0 ? 1 : -1,
  "Acrobot-v1": (o) => o[4] + o[5] >= 0 ? 2 : 0,
};

Deno.test("every env's traits agree with the env: action space, early termination, reward kind", async () => {
  deepStrictEqual(Object.keys(taskTraits), [...envIds]);
  const rng = new Rng(1);
  for (const id of envIds) {
    const tr = taskTraits[id], env = await makeEnv(id), sp = env.actionSpace;
    try {
      strictEqual(sp.kind === "discrete" ? "Discrete" : "Box", tr.actions, id);
      const random = () =>
        sp.kind === "discrete"
          ? Float32Array.of(rng.int(sp.n))
          : Float32Array.from(sp.low, (lo, i) => lo + (sp.high[i] - lo) * rng.uniform());
      const fixed = sp.kind === "discrete" ? Float32Array.of(0) : new Float32Array(sp.low.length);
      const still = episode(env, 0, () => fixed);
      // A never-terminating env says so in the cited file (a goal the tests cannot reach by
      // chance would otherwise pass for "none").
      const file = `${root}${tr.source.split(":")[0].split(" ")[0]}`;
      if (tr.termination === "none") {
        ok(Deno.readTextFileSync(file).includes("terminated: false"), id);
      }
      if (tr.termination === "none") {
        ok(!still.terminated && !episode(env, 1, random).terminated, `${id} terminated`);
      } else if (tr.termination === "failure") {
        const ends = [0, 1, 2, 3, 4].map((s) => episode(env, s, random).terminated);
        ok(ends.some((t) => t), `${id}: no random episode ended early`);
      } else {
        for (const s of [0, 1, 2]) {
          const f = toGoal[id];
          ok(episode(env, s, (o) => Float32Array.of(f(o))).terminated, `${id}: goal not reached`);
        }
      }
      // Under a constant action: a dense reward varies, alive and sparse ones are constant until
      // the end (alive > 0: a survival bonus; sparse ≤ 0: a cost per step until the goal).
      const body = new Set(still.terminated ? still.rewards.slice(0, -1) : still.rewards);
      if (tr.reward === "dense") ok(body.size > 1, `${id}: constant reward`);
      else {
        deepStrictEqual(body.size, 1, `${id}: ${[...body].slice(0, 3)}`);
        ok(tr.reward === "alive" ? [...body][0] > 0 : [...body][0] <= 0, id);
      }
    } finally {
      env.close();
    }
  }
});

Deno.test("an env without task traits is compared and pooled in 'all tasks' only", () => {
  const data = handMade(), grid = [0, 50, 100];
  const runs = (algo: string, top: number) =>
    five.map((i) => run("Foo-v0", algo, 1000 + i, [0, 0, top + i]));
  data.tasks.push({
    env: "Foo-v0",
    budget: 100,
    grid,
    runs: { grpo: runs("grpo", 0), ppo: runs("ppo", 0) },
  });
  const v = verdictStats(data);
  const size = (name: string) => v.pools.find((p) => p.name === name)!.tasks.length;
  deepStrictEqual(
    ["all tasks", "early termination: yes", "early termination: no", "reward: alive or sparse"].map(
      size,
    ),
    [4, 1, 2, 0],
  );
  const md = verdictMarkdown(data, v, "x");
  ok(md.includes("| Foo-v0 | 100 | unknown | unknown | unknown |"));
  ok(md.includes("| 0.50 [")); // identical runs: every pair ties
});
