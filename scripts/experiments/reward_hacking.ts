/**
 * Experiment 3: reward hacking on Pendulum-v1, measured, and its fix.
 *
 *   deno task exp:reward-hacking [--seed 1] [--steps 100000]
 *
 * The proxy `spin` pays angular speed |θ̇|. GRPO maximizes it by spinning through the top, so the
 * proxy return rises while the true objective (the env's reward, balancing upright) falls. The fix
 * adds the missing objective term `angle` and the `overspeed` penalty (0 up to 1 rad/s, then −2 per
 * rad/s, floored at −8), under which balancing is optimal again.
 *
 * Runs (GRPO preset, same seed): hack = `--reward spin:1`; fixed = `--reward spin:1,angle:1,overspeed:1`.
 * Then, from each final policy, 8 groups × 8 fresh episodes give a scatter of proxy return vs
 * penalty per trajectory, coloured by its group advantage under the fixed reward.
 *
 * Writes docs/experiments/reward_hacking/: curves.csv, scatter.csv, results.csv, curves.svg,
 * scatter.svg, report.md. Runs (with checkpoints) go to runs/experiments/reward_hacking/.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { makeEnv } from "../../envs/registry.ts";
import { VectorEnv } from "../../envs/vector.ts";
import { readMetrics } from "../../lib/metrics.ts";
import type { Activation } from "../../lib/nn.ts";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { groupAdvantages } from "../../lib/returns.ts";
import { composeRewards, parseRewardSpec, pendulumTerms } from "../../lib/rewards.ts";
import { Rng } from "../../lib/rng.ts";
import { collectGroups } from "../../lib/rollout.ts";
import { presets } from "../config.ts";
import { evaluate, loadPolicy } from "../eval.ts";
import { curvesSpec, renderSvg, toCsv } from "../plot.ts";
import { main as train } from "../train.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { seed: { type: "string", default: "1" }, steps: { type: "string", default: "100000" } },
});
const seed = Number(values.seed), steps = values.steps;
const env = "Pendulum-v1";
const specs = { hack: "spin:1", fixed: "spin:1,angle:1,overspeed:1" } as const;
const runs = "runs/experiments/reward_hacking", out = "docs/experiments/reward_hacking";
const done = (dir: string) => Deno.stat(`${dir}/eval.json`).then(() => true, () => false);
const dirOf = (run: string) => `${runs}/${run}_s${seed}`;

// ---- 1. train under each reward (the env's own reward is always logged as the true objective)
for (const [run, spec] of Object.entries(specs)) {
  if (!(await done(dirOf(run)))) {
    await train([
      "--algo",
      "grpo",
      "--seed",
      String(seed),
      "--reward",
      spec,
      "--total-steps",
      steps,
      "--out",
      dirOf(run),
      "--quiet",
    ]);
  }
}

// ---- 2. learning curves: proxy return of the training groups vs the true (env) return in evaluation
const pre = presets["Pendulum-v1/grpo"];
const initial = new GaussianMlpPolicy(3, 1, {
  rng: new Rng(seed), // train.ts builds its policy first from Rng(seed): this is its initial policy
  hidden: String(pre.hidden ?? "64,64").split(",").map(Number),
  activation: (pre.activation ?? "tanh") as Activation,
  stateIndependentStd: pre.stateIndependentStd,
});
const proxy = composeRewards(parseRewardSpec(specs.hack, env));
const evalOpts = { env, episodes: 10, seed: 10_000 + seed, reward: proxy };
const initialEval = await evaluate(initial, evalOpts);
const curves: Record<string, unknown>[] = [];
for (const run of Object.keys(specs)) {
  curves.push({
    run,
    step: 0,
    metric: "true return per episode (env reward, evaluation)",
    value: initialEval.mean,
  });
  for (const row of readMetrics(dirOf(run))) {
    const step = row.global_step;
    curves.push({
      run,
      step,
      metric: "proxy per step, |θ̇| (training rollouts)",
      value: row["rewards/spin/mean"],
    });
    if (typeof row["charts/eval_return"] === "number") {
      curves.push({
        run,
        step,
        metric: "true return per episode (env reward, evaluation)",
        value: row["charts/eval_return"],
      });
    }
  }
}

// ---- 3. per-trajectory scatter: proxy vs penalty, coloured by the fixed reward's group advantage
const G = 8, groups = 8, N = G * groups, T = 200;
const scatter: Record<string, unknown>[] = [];
const results: Record<string, unknown>[] = [{
  run: "initial policy",
  trueReturn: initialEval.mean,
  proxyReturn: initialEval.rewardMean,
}];
for (const run of Object.keys(specs)) {
  const { policy } = await loadPolicy(`${dirOf(run)}/checkpoint.json`);
  const final = await evaluate(policy, evalOpts);
  results.push({ run, trueReturn: final.mean, proxyReturn: final.rewardMean });
  const envs = await Promise.all(
    Array.from({ length: N }, (_, i) => makeEnv(env, { rng: new Rng(50_000 + i) })),
  );
  const venv = new VectorEnv(envs, { autoreset: false });
  const ro = collectGroups(venv, policy, {
    rng: new Rng(seed + 7),
    groupSize: G,
    horizon: T,
    seed: 30_000 + seed,
    reward: proxy,
  });
  venv.close();
  const fixedRewards = new Float64Array(ro.rewards.length); // spin (from the rollout) + angle + overspeed of s_t
  const penalty = new Float64Array(N),
    proxyRet = new Float64Array(N),
    trueRet = new Float64Array(N);
  for (let k = 0; k < ro.rewards.length; k++) {
    if (!ro.running[k]) continue;
    const s = ro.obs.subarray(k * 3, k * 3 + 3), i = k % N;
    const pen = pendulumTerms.overspeed.fn(s, new Float32Array(1), s, {});
    fixedRewards[k] = ro.rewards[k] + pendulumTerms.angle.fn(s, new Float32Array(1), s, {}) + pen;
    penalty[i] += pen;
    proxyRet[i] += ro.rewards[k];
    trueRet[i] += pendulumTerms.angle.fn(s, new Float32Array(1), s, {}) +
      0.1 * pendulumTerms.velocity.fn(s, new Float32Array(1), s, {}) +
      0.001 *
        pendulumTerms.torque.fn(
          s,
          ro.actions.subarray(k, k + 1).map((a) => Math.max(-2, Math.min(2, a))),
          s,
          {},
        );
  }
  const adv =
    groupAdvantages(fixedRewards, ro.running, { numEnvs: N, groupSize: G, mode: "outcome" })
      .advantages;
  for (let i = 0; i < N; i++) {
    scatter.push({
      policy: `${run} policy`,
      proxyReturn: proxyRet[i],
      penalty: penalty[i],
      trueReturn: trueRet[i],
      advantage: adv[i],
    });
  }
}

// ---- 4. write CSVs, plots and the report
await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(`${out}/curves.csv`, toCsv(curves, ["run", "step", "metric", "value"]));
await Deno.writeTextFile(
  `${out}/scatter.csv`,
  toCsv(scatter, ["policy", "proxyReturn", "penalty", "trueReturn", "advantage"]),
);
await Deno.writeTextFile(
  `${out}/results.csv`,
  toCsv(results, ["run", "trueReturn", "proxyReturn"]),
);
await Deno.writeTextFile(
  `${out}/curves.svg`,
  await renderSvg(
    curvesSpec("Training on the spin proxy vs on the fixed reward (Pendulum-v1, GRPO)", curves),
  ),
);
await Deno.writeTextFile(
  `${out}/scatter.svg`,
  await renderSvg({
    title:
      "Per trajectory: proxy return vs overspeed penalty, coloured by group advantage under the fixed reward",
    data: { values: scatter },
    facet: { column: { field: "policy", type: "nominal", title: null } },
    spec: {
      width: 300,
      height: 260,
      mark: { type: "point", filled: true, size: 40 },
      encoding: {
        x: { field: "proxyReturn", type: "quantitative", title: "proxy return (Σ |θ̇|)" },
        y: { field: "penalty", type: "quantitative", title: "overspeed penalty (Σ)" },
        color: {
          field: "advantage",
          type: "quantitative",
          scale: { scheme: "redblue", domainMid: 0 },
        },
      },
    },
  }),
);
function corr(run: string): number {
  const pts = scatter.filter((p) => p.policy === `${run} policy`) as {
    penalty: number;
    advantage: number;
  }[];
  const mx = pts.reduce((a, p) => a + p.penalty, 0) / pts.length,
    my = pts.reduce((a, p) => a + p.advantage, 0) / pts.length;
  let sxy = 0, sxx = 0, syy = 0;
  for (const p of pts) {
    sxy += (p.penalty - mx) * (p.advantage - my),
      sxx += (p.penalty - mx) ** 2,
      syy += (p.advantage - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
const fmt = (x: unknown) => (typeof x === "number" ? x.toFixed(1) : String(x));
const hack = results[1], fixed = results[2];
await Deno.writeTextFile(
  `${out}/report.md`,
  [
    "# Reward hacking on Pendulum-v1",
    "",
    `Command: \`deno task exp:reward-hacking --seed ${seed} --steps ${steps}\` (${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}).`,
    "",
    "GRPO with the Pendulum preset, trained on a proxy that pays angular speed (`spin:1`), and on the fixed reward",
    "`spin:1,angle:1,overspeed:1`. The true objective is the env's own reward. Evaluation: the mean action on 10 fresh",
    "episodes, scored by both the env reward and the proxy.",
    "",
    "| policy | true return (env reward) | proxy return (spin, per episode) |",
    "|---|---:|---:|",
    ...results.map((r) => `| ${r.run} | ${fmt(r.trueReturn)} | ${fmt(r.proxyReturn)} |`),
    "",
    `- The hack: the proxy return went from ${fmt(initialEval.rewardMean)} to ${
      fmt(hack.proxyReturn)
    } while the true return went from ${fmt(initialEval.mean)} to ${fmt(hack.trueReturn)}.`,
    `- The fix: under \`${specs.fixed}\` the true return went from ${fmt(initialEval.mean)} to ${
      fmt(fixed.trueReturn)
    }.`,
    "- The scatter: each point is one 200-step trajectory from a fresh reset, 8 groups of 8 sharing a start state; colour is",
    "  its outcome advantage (group z-score) under the fixed reward. Correlation of penalty with advantage over the 64",
    `  trajectories: ${
      Object.keys(specs).map((run) => `${run} policy ${corr(run).toFixed(2)}`).join(", ")
    } (higher penalty`,
    "  is more negative, so a positive correlation means the fixed reward's advantage punishes overspeed).",
    "",
    "![curves](curves.svg)",
    "",
    "![scatter](scatter.svg)",
    "",
  ].join("\n"),
);
console.log(await Deno.readTextFile(`${out}/report.md`));
