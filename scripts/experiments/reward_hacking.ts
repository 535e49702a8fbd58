/**
 * Experiment 3: reward hacking, measured, and its fix — on Pendulum-v1 and HalfCheetah-v5.
 *
 *   deno task exp:reward-hacking [--env Pendulum-v1] [--seed 1] [--steps 100000] [--threads 1]
 *
 * Pendulum-v1: the proxy `spin` pays angular speed |θ̇|. GRPO maximizes it by spinning through the
 * top, so the proxy return rises while the true objective (the env's reward, balancing upright)
 * falls. The fix adds the missing objective term `angle` and the `overspeed` penalty (0 up to
 * 1 rad/s, then −2 per rad/s, floored at −8), under which balancing is optimal again.
 *
 * HalfCheetah-v5: the proxy `speed` pays |x_velocity| in either direction with no control cost
 * (velocity only). The true objective is the env's reward (forward − 0.1·ctrl). The fix adds the
 * missing terms `forward` and `ctrl` and the `upright` penalty (−max(0, |pitch| − 1) per step),
 * against running backwards, thrashing and flipping onto the back.
 *
 * Runs (the env's GRPO preset, same seed): hack = `--reward <proxy>:1`; fixed = the spec below.
 * Then, from each final policy, 8 groups × 8 episodes from shared start states give a scatter of
 * proxy return vs penalty per trajectory, coloured by its group advantage under the fixed reward
 * (the same trajectories are scored by each reward: the rollout is seeded, rewards never feed back).
 *
 * Writes docs/experiments/reward_hacking[_<env>]/: curves.csv, scatter.csv, results.csv,
 * curves.svg, scatter.svg, report.md. Runs (with checkpoints) go to runs/experiments/reward_hacking*.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { makeEnv } from "../../envs/registry.ts";
import { boxSpace } from "../../lib/env.ts";
import { VectorEnv } from "../../lib/vector_env.ts";
import { readMetrics } from "../../lib/metrics.ts";
import type { Activation } from "../../lib/nn.ts";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { groupAdvantages } from "../../lib/returns.ts";
import { composeRewards, parseRewardSpec } from "../../lib/rewards.ts";
import { Rng } from "../../lib/rng.ts";
import { collectGroups } from "../../lib/rollout.ts";
import { layerSizes, presetFor } from "../../lib/config.ts";
import { evaluate, loadPolicy } from "../eval.ts";
import { curvesSpec, renderSvg, toCsv } from "../plot.ts";
import { main as train } from "../train.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    env: { type: "string", default: "Pendulum-v1" },
    seed: { type: "string", default: "1" },
    steps: { type: "string", default: "100000" },
    threads: { type: "string", default: "1" },
  },
});
/** Per env: the proxy, the penalty against its hack, the fixed reward, and how to name them. */
const setups = {
  "Pendulum-v1": {
    proxy: "spin",
    penalty: "overspeed",
    fixed: "spin:1,angle:1,overspeed:1",
    proxyLabel: "|θ̇|",
    hackLabel: "spin",
    horizon: 200,
    evalEvery: "5",
    suffix: "",
  },
  "HalfCheetah-v5": {
    proxy: "speed",
    penalty: "upright",
    fixed: "speed:1,forward:1,ctrl:0.1,upright:1",
    proxyLabel: "|x velocity|",
    hackLabel: "velocity-only",
    horizon: 1000,
    evalEvery: "10",
    suffix: "_HalfCheetah-v5",
  },
} as const;
const env = values.env as keyof typeof setups;
if (!(env in setups)) {
  throw new Error(
    `--env ${values.env} has no hacking setup; known: ${Object.keys(setups).join(", ")}`,
  );
}
const setup = setups[env];
const seed = Number(values.seed), steps = values.steps;
const specs = { hack: `${setup.proxy}:1`, fixed: setup.fixed };
const runs = `runs/experiments/reward_hacking${setup.suffix}`,
  out = `docs/experiments/reward_hacking${setup.suffix}`;
const done = (dir: string) => Deno.stat(`${dir}/eval.json`).then(() => true, () => false);
const dirOf = (run: string) => `${runs}/${run}_s${seed}`;

// ---- 1. train under each reward (the env's own reward is always logged as the true objective)
for (const [run, spec] of Object.entries(specs)) {
  if (!(await done(dirOf(run)))) {
    await train([
      "--env",
      env,
      "--algo",
      "grpo",
      "--threads",
      values.threads,
      "--eval-every",
      setup.evalEvery,
      "--seed",
      String(seed),
      "--reward",
      spec,
      "--total-steps",
      steps,
      "--out",
      dirOf(run),
      "--quiet",
      "--overwrite", // an unfinished run starts over
    ]);
  }
}

// ---- 2. learning curves: proxy return of the training groups vs the true (env) return in evaluation
const pre = presetFor(env, "grpo");
const probe = await makeEnv(env);
const S = probe.observationSpace.shape[0],
  D = boxSpace(probe.actionSpace, "reward_hacking").shape[0];
probe.close();
const initial = new GaussianMlpPolicy(S, D, {
  rng: new Rng(seed), // train.ts builds its policy first from Rng(seed): this is its initial policy
  hidden: layerSizes("hidden", pre.hidden ?? "64,64"),
  activation: (pre.activation ?? "tanh") as Activation,
  stateIndependentStd: pre.stateIndependentStd,
  initLogStd: pre.initLogStd,
});
const proxy = composeRewards(parseRewardSpec(specs.hack, env));
const evalOpts = { env, episodes: 10, seed: 10_000 + seed, reward: proxy };
// The initial policy meets raw observations: its normalizer starts at mean 0, variance 1.
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
      metric: `proxy per step, ${setup.proxyLabel} (training rollouts)`,
      value: row[`rewards/${setup.proxy}/mean`],
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
const G = 8, groups = 8, N = G * groups, T = setup.horizon;
const scatter: Record<string, unknown>[] = [];
const results: Record<string, unknown>[] = [{
  run: "initial policy",
  trueReturn: initialEval.mean,
  proxyReturn: initialEval.rewardMean,
}];
const scorers = {
  proxy: proxy,
  penalty: composeRewards(parseRewardSpec(`${setup.penalty}:1`, env)),
  fixed: composeRewards(parseRewardSpec(specs.fixed, env)),
  true: undefined, // the env's own reward
};
for (const run of Object.keys(specs)) {
  const { policy, transform } = await loadPolicy(`${dirOf(run)}/checkpoint.json`);
  const final = await evaluate(policy, { ...evalOpts, transform });
  results.push({ run, trueReturn: final.mean, proxyReturn: final.rewardMean });
  const ret: Record<string, Float64Array> = {}; // per trajectory: Σ_t of each scorer's reward
  let fixed: ReturnType<typeof collectGroups> | undefined;
  for (const [name, reward] of Object.entries(scorers)) {
    const envs = await Promise.all(
      Array.from({ length: N }, (_, i) => makeEnv(env, { rng: new Rng(50_000 + i) })),
    );
    const venv = new VectorEnv(envs, { autoreset: false });
    const ro = collectGroups(venv, policy, {
      rng: new Rng(seed + 7),
      groupSize: G,
      horizon: T,
      seed: 30_000 + seed,
      transform,
      reward,
    });
    venv.close();
    ret[name] = new Float64Array(N);
    for (let k = 0; k < ro.rewards.length; k++) ret[name][k % N] += ro.rewards[k];
    if (name === "fixed") fixed = ro;
  }
  const adv = groupAdvantages(fixed!.rewards, fixed!.running, {
    numEnvs: N,
    groupSize: G,
    mode: "outcome",
  }).advantages;
  for (let i = 0; i < N; i++) {
    scatter.push({
      policy: `${run} policy`,
      proxyReturn: ret.proxy[i],
      penalty: ret.penalty[i],
      trueReturn: ret.true[i],
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
    curvesSpec(
      `Training on the ${setup.proxy} proxy vs on the fixed reward (${env}, GRPO)`,
      curves,
    ),
  ),
);
await Deno.writeTextFile(
  `${out}/scatter.svg`,
  await renderSvg({
    title:
      `Per trajectory: proxy return vs ${setup.penalty} penalty, coloured by group advantage under the fixed reward`,
    data: { values: scatter },
    facet: { column: { field: "policy", type: "nominal", title: null } },
    spec: {
      width: 300,
      height: 260,
      mark: { type: "point", filled: true, size: 40 },
      encoding: {
        x: {
          field: "proxyReturn",
          type: "quantitative",
          title: `proxy return (Σ ${setup.proxyLabel})`,
        },
        y: { field: "penalty", type: "quantitative", title: `${setup.penalty} penalty (Σ)` },
        color: {
          field: "advantage",
          type: "quantitative",
          scale: { scheme: "redblue", domainMid: 0 },
        },
      },
    },
  }),
);
function meanPenalty(run: string): number {
  const pts = scatter.filter((p) => p.policy === `${run} policy`) as { penalty: number }[];
  return pts.reduce((a, p) => a + p.penalty, 0) / pts.length;
}
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
    `# Reward hacking on ${env}`,
    "",
    `Command: \`deno task exp:reward-hacking --env ${env} --seed ${seed} --steps ${steps} --threads ${values.threads}\` (${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}).`,
    "",
    `GRPO with the ${env} preset, trained on the ${setup.hackLabel} proxy (\`${specs.hack}\`), and on the fixed reward`,
    `\`${specs.fixed}\`. The true objective is the env's own reward. Evaluation: the mean action on 10 fresh`,
    "episodes, scored by both the env reward and the proxy.",
    "",
    `| policy | true return (env reward) | proxy return (${setup.proxy}, per episode) |`,
    "|---|---:|---:|",
    ...results.map((r) => `| ${r.run} | ${fmt(r.trueReturn)} | ${fmt(r.proxyReturn)} |`),
    "",
    `- The hack: the proxy return went from ${fmt(initialEval.rewardMean)} to ${
      fmt(hack.proxyReturn)
    } while the true return went from ${fmt(initialEval.mean)} to ${fmt(hack.trueReturn)}.`,
    `- The fix: under \`${specs.fixed}\` the true return went from ${fmt(initialEval.mean)} to ${
      fmt(fixed.trueReturn)
    }.`,
    `- The scatter: each point is one ${T}-step trajectory from a fresh reset, 8 groups of 8 sharing a start state; colour is`,
    "  its outcome advantage (group z-score) under the fixed reward. Correlation of penalty with advantage over the 64",
    `  trajectories: ${
      Object.keys(specs).map((run) => `${run} policy ${corr(run).toFixed(2)}`).join(", ")
    } (higher penalty`,
    `  is more negative, so a positive correlation means the fixed reward's advantage punishes ${setup.penalty} violations).`,
    `- The penalty term \`${setup.penalty}\` per trajectory, mean over the 64 sampled trajectories: ${
      Object.keys(specs).map((run) => `${run} policy ${fmt(meanPenalty(run))}`).join(", ")
    }.`,
    "",
    "![curves](curves.svg)",
    "",
    "![scatter](scatter.svg)",
    "",
  ].join("\n"),
);
console.log(await Deno.readTextFile(`${out}/report.md`));
