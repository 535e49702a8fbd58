/**
 * Experiment 5: SFT vs GRPO vs SFT→GRPO on Pendulum-v1 or HalfCheetah-v5, with the demonstrations
 * counted in the env-step budget.
 *
 *   deno task exp:sft [--seeds 1,2,3] [--budget 102400] [--demos 1,2,5,20] [--sft-steps 5000] [--jobs 2]
 *   deno task exp:sft --env HalfCheetah-v5 [--expert CKPT] [--seeds 1] [--budget 300000] [--demos 2,10]
 *     [--eval-every 5] [--jobs 1] [--threads 1]
 *
 * 1. Record demonstrations from the expert, T-step episodes (T = 200 on Pendulum, 1000 on
 *    HalfCheetah) seeded 100000 + 1000·seed + e; the budget of k episodes takes the first k.
 *    Pendulum: the hand-written expert (scripts/experts.ts: energy swing-up + LQR). HalfCheetah: a
 *    trained GRPO checkpoint (--expert, default the `exp:grpo-vs-ppo` seed-1 run) acting with its
 *    clipped mean action on observations normalized with its own statistics (PolicyExpert).
 * 2. SFT: behaviour cloning (lib/sft.ts) of the GRPO preset's network (state-independent σ,
 *    initialized exactly as `train --seed S` initializes it) with the same number of Adam steps
 *    (--sft-steps, minibatches of 64) at every data size. Saved as a checkpoint `train --init` reads.
 *    With a normalizing expert the inputs are normalized with the expert's statistics, stored in the
 *    SFT checkpoint's `normalizers.obs`, which `train --init` and `loadPolicy` restore.
 * 3. GRPO from scratch for `budget` env steps, and SFT→GRPO (`train --init`) for budget − T·k, each
 *    rounded down to whole GRPO updates (so no total exceeds the budget), both with the env's GRPO
 *    preset and a deterministic evaluation every --eval-every updates.
 * 4. Evaluate every final policy with the mean action on 10 fresh episodes (seeds 20000 + seed …),
 *    and on 100 more (10 on HalfCheetah) as a second estimate.
 *
 * Writes docs/experiments/sft/ (HalfCheetah: docs/experiments/sft_HalfCheetah-v5/): results.csv,
 * curves.csv, curves.svg (eval return vs env steps, demonstrations included), final.svg (final
 * returns) and report.md. Runs (with checkpoints) go to runs/experiments/sft/ (HalfCheetah:
 * runs/experiments/sft_HalfCheetah-v5/); finished runs are skipped, so the script can be rerun to
 * resume.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { makeEnv } from "../../envs/registry.ts";
import { boxSpace } from "../../lib/env.ts";
import { RunningMeanStd } from "../../lib/running_stats.ts";
import { paramsToRecord, saveRunCheckpoint } from "../../lib/checkpoint.ts";
import { readMetrics } from "../../lib/metrics.ts";
import type { Activation } from "../../lib/nn.ts";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { Rng } from "../../lib/rng.ts";
import { behaviourCloning, nll } from "../../lib/sft.ts";
import { layerSizes } from "../../lib/config.ts";
import { parseConfig } from "../config.ts";
import { evaluate, loadPolicy } from "../eval.ts";
import { PendulumExpert, PolicyExpert, recordDemonstrations } from "../experts.ts";
import { renderSvg, toCsv } from "../plot.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    env: { type: "string", default: "Pendulum-v1" },
    expert: { type: "string" }, // HalfCheetah: the expert checkpoint
    seeds: { type: "string" },
    budget: { type: "string" },
    demos: { type: "string" },
    "sft-steps": { type: "string", default: "5000" },
    "sft-lr": { type: "string", default: "3e-3" },
    "eval-every": { type: "string" },
    jobs: { type: "string" },
    threads: { type: "string" }, // HalfCheetah: train's --threads
    runs: { type: "string" },
    out: { type: "string" },
    "sft-one": { type: "string" }, // internal: "K:SEED" runs only that SFT (how the pool runs SFT)
  },
});
const env = flags.env;
const expertCommand =
  "deno task exp:grpo-vs-ppo --env HalfCheetah-v5 --seeds 1 --steps 1000000 --algos grpo --eval-every 25 --eval-episodes 5";
/** Per-env defaults: T the episode length, `tight` the episodes of the second final evaluation. */
const envDefaults: Record<string, {
  T: number;
  tight: number;
  trainEvalEpisodes: number;
  trainArgs: string[];
  values: Record<string, string>;
}> = {
  "Pendulum-v1": {
    T: 200,
    tight: 100,
    trainEvalEpisodes: 10, // train's default
    trainArgs: [],
    values: {
      seeds: "1,2,3",
      budget: "102400",
      demos: "1,2,5,20",
      "eval-every": "2",
      jobs: "2",
      runs: "runs/experiments/sft",
      out: "docs/experiments/sft",
    },
  },
  "HalfCheetah-v5": {
    T: 1000,
    tight: 10, // 100 episodes of 1000 steps per policy would be too slow
    trainEvalEpisodes: 5,
    trainArgs: ["--env", env, "--threads", flags.threads ?? "1", "--eval-episodes", "5"],
    values: {
      expert: "runs/experiments/grpo_vs_ppo_HalfCheetah-v5/grpo_s1/checkpoint.json",
      seeds: "1",
      budget: "300000",
      demos: "2,10",
      "eval-every": "5",
      jobs: "1",
      runs: "runs/experiments/sft_HalfCheetah-v5",
      out: "docs/experiments/sft_HalfCheetah-v5",
    },
  },
};
if (!(env in envDefaults)) {
  throw new Error(
    `exp:sft: --env ${env} is not supported; expected one of ${
      Object.keys(envDefaults).join(", ")
    }`,
  );
}
const { T, tight, trainEvalEpisodes, trainArgs } = envDefaults[env];
const given = Object.entries(flags).filter(([, v]) => v !== undefined);
const values: Record<string, string> = { ...envDefaults[env].values, ...Object.fromEntries(given) };
const seeds = values.seeds.split(",").map(Number), demoSizes = values.demos.split(",").map(Number);
const budget = Number(values.budget), sftSteps = Number(values["sft-steps"]);
const sftLr = Number(values["sft-lr"]), jobs = Number(values.jobs);
const minibatchSize = 64;
const probe = await makeEnv(env);
const actionSpace = boxSpace(probe.actionSpace, "sft experiment");
const S = probe.observationSpace.shape[0], D = actionSpace.shape[0];
const actionLow = Float32Array.from(actionSpace.low),
  actionHigh = Float32Array.from(actionSpace.high);
probe.close();
const runs = values.runs, out = values.out;
const done = (dir: string) => Deno.stat(`${dir}/eval.json`).then(() => true, () => false);
const grpoDir = (seed: number) => `${runs}/grpo_s${seed}`;
const sftDir = (k: number, seed: number) => `${runs}/sft_d${k}_s${seed}`;
const sftGrpoDir = (k: number, seed: number) => `${runs}/sft_grpo_d${k}_s${seed}`;
const command = `deno task exp:sft ${Deno.args.join(" ")}`.trim();
const t0 = performance.now();

/** The GRPO preset's config for `seed`: the args `train` writes, so `--init` and `loadPolicy` read it. */
const presetArgs = (seed: number) => {
  const parsed = parseConfig(["--env", env, "--algo", "grpo", "--seed", String(seed)]);
  if (parsed === "help") throw new Error("unreachable");
  return parsed.cfg;
};

// ---- 1. the expert and its demonstrations (recorded raw; the policy's inputs are `toInput(obs)`)
/** The expert, and for a checkpoint expert its observation statistics and input transform. */
async function loadExpert(): Promise<{
  expert: { act(obs: Float32Array): Float32Array };
  obsStats: ReturnType<RunningMeanStd["stats"]> | null;
  transform?: (obs: Float32Array) => Float32Array;
}> {
  if (env === "Pendulum-v1") return { expert: new PendulumExpert(), obsStats: null };
  const path = values.expert;
  if (!(await Deno.stat(path).then(() => true, () => false))) {
    throw new Error(
      `exp:sft: the expert checkpoint ${path} does not exist; produce it with \`${expertCommand}\`` +
        " (or pass --expert PATH)",
    );
  }
  const { policy, transform, obsStats, args } = await loadPolicy(path);
  if (args.env !== env) {
    throw new Error(`exp:sft: the expert checkpoint ${path} is for ${args.env}, expected ${env}`);
  }
  if (!(policy instanceof GaussianMlpPolicy)) throw new Error(`exp:sft needs a Box action space`);
  return {
    expert: new PolicyExpert(policy, { transform, low: actionLow, high: actionHigh }),
    obsStats,
    transform,
  };
}
const { expert, obsStats: expertObsStats, transform: expertTransform } = await loadExpert();
const toInput = (obs: Float32Array) => expertTransform ? expertTransform(obs) : obs; // rows [N·S]
const demoCache = new Map<number, Awaited<ReturnType<typeof recordDemonstrations>>>();
/** The first max(demos) demonstration episodes of `seed` (raw observations). */
const demos = async (seed: number) => {
  if (!demoCache.has(seed)) {
    demoCache.set(
      seed,
      await recordDemonstrations(expert, {
        env,
        episodes: Math.max(...demoSizes),
        seed: 100_000 + 1000 * seed,
      }),
    );
  }
  return demoCache.get(seed)!;
};
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

// ---- 2. SFT and 3. GRPO runs, each a subprocess, `jobs` at a time
async function sft(k: number, seed: number): Promise<void> {
  const dir = sftDir(k, seed);
  if (await done(dir)) return;
  const cfg = presetArgs(seed);
  const N = k * T, all = await demos(seed);
  const data = { obs: toInput(all.obs.slice(0, N * S)), actions: all.actions.slice(0, N * D) };
  const heldOut = await recordDemonstrations(expert, { env, episodes: 5, seed: 30_000 });
  heldOut.obs = toInput(heldOut.obs);
  const policy = new GaussianMlpPolicy(S, D, { // the same init as `train --seed seed`
    rng: new Rng(seed),
    hidden: layerSizes("hidden", cfg.hidden),
    activation: cfg.activation as Activation,
    stateIndependentStd: cfg.stateIndependentStd,
    initLogStd: cfg.initLogStd,
  });
  const epochs = Math.ceil(sftSteps / Math.ceil(N / minibatchSize));
  const start = performance.now();
  const res = behaviourCloning(policy, data, {
    rng: new Rng(seed + 2),
    epochs,
    minibatchSize,
    lr: sftLr,
  });
  const wall = (performance.now() - start) / 1000;
  await saveRunCheckpoint(dir, {
    step: N, // env steps spent: the demonstrations
    update: epochs * Math.ceil(N / minibatchSize),
    args: cfg as unknown as Record<string, unknown>,
    params: paramsToRecord(policy.parameters()),
    optimizer: null,
    normalizers: { obs: expertObsStats, ret: null }, // the inputs BC saw (train --init restores them)
    rng: {},
    extra: { sft: { demoEpisodes: k, epochs, minibatchSize, lr: sftLr } },
  });
  const trainEval = await evaluate(policy, { // train's eval seeds
    env,
    episodes: trainEvalEpisodes,
    seed: 10_000 + seed,
    transform: expertTransform,
  });
  await Deno.writeTextFile(
    `${dir}/sft.json`,
    JSON.stringify({
      demoEpisodes: k,
      epochs,
      wallSeconds: wall,
      trainNll: res.train,
      heldOutNll: nll(policy, heldOut),
      trainEvalReturn: trainEval.mean,
    }),
  );
  await Deno.writeTextFile(`${dir}/eval.json`, JSON.stringify({ step: N, ...trainEval }));
}

/** Runs `deno run -A FILE ARGS` to completion; throws with its stderr on failure. */
async function spawn(file: string, args: string[]): Promise<void> {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(file, import.meta.url).pathname, ...args],
    stdout: "null",
  }).output();
  if (code !== 0) throw new Error(`${file} ${args.join(" ")}: ${new TextDecoder().decode(stderr)}`);
}

async function train(dir: string, steps: number, seed: number, init?: string): Promise<void> {
  if (await done(dir)) return;
  const start = performance.now();
  await spawn("../train.ts", [
    ...["--algo", "grpo", "--seed", String(seed), "--total-steps", String(steps)],
    ...["--eval-every", values["eval-every"], "--out", dir, "--quiet", "--overwrite"],
    ...trainArgs,
    ...(init ? ["--init", init] : []),
  ]);
  await Deno.writeTextFile(`${dir}/wall.json`, JSON.stringify((performance.now() - start) / 1000));
}

if (values["sft-one"]) {
  const [k, seed] = values["sft-one"].split(":").map(Number);
  await sft(k, seed);
  Deno.exit(0);
}

const preset = presetArgs(1);
const stepsPerUpdate = preset.groups * preset.groupSize * preset.horizon; // 4096
const grpoBudget = (k: number) => Math.floor((budget - k * T) / stepsPerUpdate) * stepsPerUpdate;

// The expert's own score on each seed's evaluation episodes (the same seeds as the final evaluation).
const expertFinals: number[] = [], expert100: number[] = [];
for (const seed of seeds) {
  const { returns } = await recordDemonstrations(expert, {
    env,
    episodes: 10,
    seed: 20_000 + seed,
  });
  expertFinals.push(mean(returns));
  const many = await recordDemonstrations(expert, {
    env,
    episodes: tight,
    seed: 40_000 + 100 * seed,
  });
  expert100.push(mean(many.returns));
}
const sftTasks = new Map<string, Promise<void>>(); // SFT runs in subprocesses too, so `jobs` cores stay busy
const tasks: (() => Promise<void>)[] = [
  ...seeds.flatMap((seed) =>
    demoSizes.map((k) => () => {
      const p = done(sftDir(k, seed)).then((d) =>
        d ? undefined : spawn("./sft.ts", [
          ...["--sft-one", `${k}:${seed}`, "--seeds", String(seed), "--demos", String(k)],
          ...["--sft-steps", String(sftSteps), "--sft-lr", String(sftLr), "--runs", runs],
          ...(env === "Pendulum-v1" ? [] : ["--env", env, "--expert", values.expert]),
        ])
      );
      sftTasks.set(`${k}/${seed}`, p);
      return p;
    })
  ),
  ...seeds.map((seed) => () => train(grpoDir(seed), grpoBudget(0), seed)),
  ...seeds.flatMap((seed) =>
    demoSizes.map((k) => async () => {
      await sftTasks.get(`${k}/${seed}`); // started earlier: tasks start in order
      await train(sftGrpoDir(k, seed), grpoBudget(k), seed, `${sftDir(k, seed)}/checkpoint.json`);
    })
  ),
];
let next = 0;
await Promise.all(
  Array.from({ length: jobs }, async () => {
    while (next < tasks.length) await tasks[next++]();
  }),
);

// ---- 4. final evaluation on fresh seeds, learning curves
interface Row {
  method: string;
  demoEpisodes: number;
  seed: number;
  demoSteps: number;
  grpoSteps: number;
  totalSteps: number;
  finalReturn: number;
  finalStd: number;
  return100: number;
  sftTrainNll?: number;
  sftHeldOutNll?: number;
}
const rows: Row[] = [];
const curve: { method: string; seed: number; steps: number; evalReturn: number }[] = [];
const label = (method: string, k: number) => method === "GRPO" ? "GRPO" : `${method} (${k} ep)`;
const finalEval = async (dir: string, seed: number) => {
  const { policy, transform } = await loadPolicy(`${dir}/checkpoint.json`);
  const ev = await evaluate(policy, { env, episodes: 10, seed: 20_000 + seed, transform });
  const ev100 = await evaluate(policy, { // a tighter check
    env,
    episodes: tight,
    seed: 40_000 + 100 * seed,
    transform,
  });
  return { ...ev, mean100: ev100.mean };
};
const grpoCurve = (dir: string, method: string, seed: number, offset: number) => {
  const ms = readMetrics(dir).filter((r) => typeof r["charts/eval_return"] === "number");
  for (const r of ms) {
    curve.push({
      method,
      seed,
      steps: offset + (r.global_step as number),
      evalReturn: r["charts/eval_return"] as number,
    });
  }
  return (ms.at(-1)?.global_step as number) ?? 0;
};
const fresh = new RunningMeanStd(S);
for (const seed of seeds) {
  const cfg = presetArgs(seed);
  const init = new GaussianMlpPolicy(S, D, { // train's initial policy
    rng: new Rng(seed),
    hidden: layerSizes("hidden", cfg.hidden),
    activation: cfg.activation as Activation,
    stateIndependentStd: cfg.stateIndependentStd,
    initLogStd: cfg.initLogStd,
  });
  curve.push({
    method: "GRPO",
    seed,
    steps: 0,
    evalReturn: (await evaluate(init, {
      env,
      episodes: trainEvalEpisodes,
      seed: 10_000 + seed,
      transform: cfg.normObs ? (o) => fresh.normalize(o) : undefined, // train's initial statistics
    })).mean,
  });
  const g = grpoCurve(grpoDir(seed), "GRPO", seed, 0);
  const ev = await finalEval(grpoDir(seed), seed);
  rows.push({
    method: "GRPO",
    demoEpisodes: 0,
    seed,
    demoSteps: 0,
    grpoSteps: g,
    totalSteps: g,
    finalReturn: ev.mean,
    finalStd: ev.std,
    return100: ev.mean100,
  });
  for (const k of demoSizes) {
    const N = k * T;
    const info = JSON.parse(await Deno.readTextFile(`${sftDir(k, seed)}/sft.json`));
    const sftEv = await finalEval(sftDir(k, seed), seed);
    const nlls = { sftTrainNll: info.trainNll.at(-1), sftHeldOutNll: info.heldOutNll };
    rows.push({
      method: "SFT",
      demoEpisodes: k,
      seed,
      demoSteps: N,
      grpoSteps: 0,
      totalSteps: N,
      finalReturn: sftEv.mean,
      finalStd: sftEv.std,
      return100: sftEv.mean100,
      ...nlls,
    });
    const m = label("SFT→GRPO", k);
    curve.push({ method: m, seed, steps: N, evalReturn: info.trainEvalReturn });
    const gs = grpoCurve(sftGrpoDir(k, seed), m, seed, N);
    const ev2 = await finalEval(sftGrpoDir(k, seed), seed);
    rows.push({
      method: "SFT→GRPO",
      demoEpisodes: k,
      seed,
      demoSteps: N,
      grpoSteps: gs,
      totalSteps: N + gs,
      finalReturn: ev2.mean,
      finalStd: ev2.std,
      return100: ev2.mean100,
      ...nlls,
    });
  }
}

// ---- 5. CSVs, plots, report
await Deno.mkdir(out, { recursive: true });
const columns = [
  "method",
  "demoEpisodes",
  "seed",
  "demoSteps",
  "grpoSteps",
  "totalSteps",
  "finalReturn",
  "finalStd",
  "return100",
  "sftTrainNll",
  "sftHeldOutNll",
];
await Deno.writeTextFile(
  `${out}/results.csv`,
  toCsv(rows as unknown as Record<string, unknown>[], columns),
);
await Deno.writeTextFile(
  `${out}/curves.csv`,
  toCsv(curve, ["method", "seed", "steps", "evalReturn"]),
);
// Mean over seeds at each evaluation index (runs of one method evaluate at nearly the same steps).
const methods = [...new Set(curve.map((c) => c.method))];
const meanCurve = methods.flatMap((method) => {
  const bySeed = seeds.map((s) => curve.filter((c) => c.method === method && c.seed === s));
  const n = Math.min(...bySeed.map((c) => c.length));
  return Array.from({ length: n }, (_, i) => ({
    method,
    steps: mean(bySeed.map((c) => c[i].steps)),
    evalReturn: mean(bySeed.map((c) => c[i].evalReturn)),
  }));
});
const group = (r: Row) => r.method === "GRPO" ? "GRPO" : label(r.method, r.demoEpisodes);
const summary = [...new Set(rows.map(group))].map((name) => {
  const rs = rows.filter((r) => group(r) === name);
  const finals = rs.map((r) => r.finalReturn);
  return {
    name,
    method: rs[0].method,
    demoEpisodes: rs[0].demoEpisodes,
    demoSteps: rs[0].demoSteps,
    totalSteps: mean(rs.map((r) => r.totalSteps)),
    mean: mean(finals),
    sd: sd(finals),
    finals,
    mean100: mean(rs.map((r) => r.return100)),
    trainNll: rs[0].sftTrainNll === undefined ? undefined : mean(rs.map((r) => r.sftTrainNll!)),
    heldOutNll: rs[0].sftHeldOutNll === undefined
      ? undefined
      : mean(rs.map((r) => r.sftHeldOutNll!)),
  };
});
const expertMean = mean(expertFinals);
const sftPoints = summary.filter((s) => s.method === "SFT").map((s) => ({
  method: s.name,
  steps: s.demoSteps,
  evalReturn: s.mean,
}));
await Deno.writeTextFile(
  `${out}/curves.svg`,
  await renderSvg({
    title: {
      text: `Pendulum-v1: eval return vs env steps (demos count), mean of ${seeds.length} seeds`,
      subtitle: `diamonds: SFT alone (${demoSizes.join(", ")} episodes); dashed: the expert`,
    },
    width: 520,
    height: 320,
    layer: [
      {
        data: { values: meanCurve },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "steps", type: "quantitative", title: "env steps (demonstrations + GRPO)" },
          y: {
            field: "evalReturn",
            type: "quantitative",
            title: `eval return (${trainEvalEpisodes} episodes)`,
          },
          color: { field: "method", type: "nominal", title: "method", scale: { domain: methods } },
        },
      },
      {
        data: { values: sftPoints },
        mark: { type: "point", shape: "diamond", size: 120, filled: true, color: "black" },
        encoding: {
          x: { field: "steps", type: "quantitative" },
          y: { field: "evalReturn", type: "quantitative" },
          tooltip: { field: "method", type: "nominal" },
        },
      },
      {
        data: { values: [{ y: expertMean, label: "expert" }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
        encoding: { y: { field: "y", type: "quantitative" } },
      },
    ],
  }),
);
const perSeed = rows.map((r) => ({ name: group(r), finalReturn: r.finalReturn }));
await Deno.writeTextFile(
  `${out}/final.svg`,
  await renderSvg({
    title: "Final deterministic return (10 fresh episodes): bar = mean over seeds, dots = seeds",
    width: 460,
    height: 300,
    layer: [
      {
        data: { values: summary.map((s) => ({ name: s.name, mean: s.mean })) },
        mark: "bar",
        encoding: {
          y: { field: "name", type: "nominal", sort: null, title: null },
          x: { field: "mean", type: "quantitative", title: "return" },
        },
      },
      {
        data: { values: perSeed },
        mark: { type: "point", color: "black" },
        encoding: {
          y: { field: "name", type: "nominal", sort: null },
          x: { field: "finalReturn", type: "quantitative" },
        },
      },
      {
        data: { values: [{ x: expertMean }] },
        mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
        encoding: { x: { field: "x", type: "quantitative" } },
      },
    ],
  }),
);

const f1 = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(1));
const f2 = (x: number | undefined) => (x === undefined ? "–" : x.toFixed(2));
const grpo = summary.find((s) => s.name === "GRPO")!;
const findings = demoSizes.map((k) => {
  const sftK = summary.find((s) => s.name === label("SFT", k))!;
  const both = summary.find((s) => s.name === label("SFT→GRPO", k))!;
  return `- ${k} demo episode${k > 1 ? "s" : ""} (${k * T} steps): SFT alone ${f1(sftK.mean)} ` +
    `(${f1(sftK.mean - expertMean)} vs the expert's ${f1(expertMean)}); SFT→GRPO ${
      f1(both.mean)
    } ` +
    `vs GRPO ${f1(grpo.mean)} at the same total budget (${
      both.mean > grpo.mean ? "SFT→GRPO higher" : "GRPO higher"
    } by ${f1(Math.abs(both.mean - grpo.mean))}; seed spread ±${f1(both.sd)} vs ±${f1(grpo.sd)}).`;
});
const tightLabel = tight === 100 ? "100-episode return" : `second ${tight}-episode return`;
const net = `${presetArgs(seeds[0]).hidden} ${presetArgs(seeds[0]).activation}`;
await Deno.writeTextFile(
  `${out}/report.md`,
  [
    `# SFT vs GRPO vs SFT→GRPO on ${env}`,
    "",
    `Command: \`${command}\` (${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; ${jobs} run${
      jobs === 1 ? "" : "s"
    } at a time; ${
      ((performance.now() - t0) / 1000).toFixed(0)
    } s wall for what was not already done).`,
    "",
    (env === "Pendulum-v1"
      ? "- Expert: energy-pumping swing-up + discrete LQR balance (scripts/experts.ts); "
      : `- Expert: the trained GRPO checkpoint \`${values.expert}\` (made by \`${expertCommand}\`), ` +
        "its clipped mean action on observations normalized with its own statistics (PolicyExpert in scripts/experts.ts); ") +
    `${f1(expertMean)} on the evaluation episodes (per seed: ${expertFinals.map(f1).join(", ")}).`,
    ...(env === "Pendulum-v1" ? [] : [
      `- Demonstrations: ${T}-step episodes (seeds 100000 + 1000·seed …); k episodes take the first k.`,
    ]),
    `- SFT: behaviour cloning by maximum likelihood (lib/sft.ts), ${sftSteps} Adam steps (lr ${sftLr}, minibatches of ${minibatchSize}) at every data size,`,
    `  on the GRPO preset's network (${net}, state-independent σ) initialized as \`train --seed S\` does.`,
    ...(expertObsStats
      ? [
        "  Its inputs are normalized with the expert's observation statistics, which the SFT checkpoint stores (`normalizers.obs`),",
        "  so SFT→GRPO (`train --init` restores them and keeps updating them) and the evaluation see the same inputs.",
      ]
      : []),
    `- GRPO: the ${env === "Pendulum-v1" ? "Pendulum" : env} GRPO preset for ${
      grpoBudget(0)
    } env steps; SFT→GRPO: \`train --init\` the SFT checkpoint for ${budget} − demo steps,`,
    `  rounded down to whole updates of ${stepsPerUpdate} steps. Demonstration steps count in the budget; no SFT→GRPO run exceeds it.` +
    (trainArgs.length
      ? ` Train flags: \`${trainArgs.join(" ")} --eval-every ${values["eval-every"]}\`.`
      : ""),
    `- Evaluation: the mean action on 10 fresh episodes (seeds 20000 + seed …); seeds ${
      seeds.join(", ")
    }.`,
    "  The curves use train's periodic evaluation (seeds 10000 + seed …); an SFT→GRPO line starts at its SFT policy.",
    `- ${tightLabel}: the same final policies on ${tight} more episodes (seeds 40000 + 100·seed …), ${
      tight > 10 ? "a tighter estimate" : "a second estimate"
    }.`,
    "",
    `| method | demo episodes | total env steps | final return (mean ± sd over seeds) | per seed | ${tightLabel} | SFT NLL train / held-out |`,
    "|---|---:|---:|---:|---|---:|---|",
    ...summary.map((s) =>
      `| ${s.method} | ${s.demoEpisodes} | ${Math.round(s.totalSteps)} | ${f1(s.mean)} ± ${
        f1(s.sd)
      } | ${s.finals.map(f1).join(", ")} | ${f1(s.mean100)} | ${f2(s.trainNll)} / ${
        f2(s.heldOutNll)
      } |`
    ),
    `| expert | – | – | ${f1(expertMean)} ± ${f1(sd(expertFinals))} | ${
      expertFinals.map(f1).join(", ")
    } | ${f1(mean(expert100))} | – |`,
    "",
    ...findings,
    "",
    "![learning curves](curves.svg)",
    "",
    "![final returns](final.svg)",
    "",
  ].join("\n"),
);
console.log(await Deno.readTextFile(`${out}/report.md`));
