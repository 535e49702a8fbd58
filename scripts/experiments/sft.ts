/**
 * Experiment 5: SFT vs GRPO vs SFT→GRPO on Pendulum-v1, with the demonstrations counted in the
 * env-step budget.
 *
 *   deno task exp:sft [--seeds 1,2,3] [--budget 102400] [--demos 1,2,5,20] [--sft-steps 5000] [--jobs 2]
 *
 * 1. Record demonstrations from the hand-written expert (scripts/experts.ts: energy swing-up + LQR),
 *    200-step episodes seeded 100000 + 1000·seed + e; the budget of k episodes takes the first k.
 * 2. SFT: behaviour cloning (lib/sft.ts) of the GRPO preset's network (64,64 tanh, state-independent
 *    σ, initialized exactly as `train --seed S` initializes it) with the same number of Adam steps
 *    (--sft-steps, minibatches of 64) at every data size. Saved as a checkpoint `train --init` reads.
 * 3. GRPO from scratch for `budget` env steps, and SFT→GRPO (`train --init`) for budget − 200·k
 *    rounded down to whole GRPO updates (so its total never exceeds the budget), both with the
 *    Pendulum GRPO preset and a deterministic evaluation every --eval-every updates.
 * 4. Evaluate every final policy with the mean action on 10 fresh episodes (seeds 20000 + seed …).
 *
 * Writes docs/experiments/sft/: results.csv, curves.csv, curves.svg (eval return vs env steps,
 * demonstrations included), final.svg (final returns) and report.md. Runs (with checkpoints) go to
 * runs/experiments/sft/; finished runs are skipped, so the script can be rerun to resume.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { paramsToRecord, saveRunCheckpoint } from "../../lib/checkpoint.ts";
import { readMetrics } from "../../lib/metrics.ts";
import type { Activation } from "../../lib/nn.ts";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { Rng } from "../../lib/rng.ts";
import { behaviourCloning, nll } from "../../lib/sft.ts";
import { parseConfig } from "../config.ts";
import { evaluate, loadPolicy } from "../eval.ts";
import { PendulumExpert, recordDemonstrations } from "../experts.ts";
import { renderSvg, toCsv } from "../plot.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "1,2,3" },
    budget: { type: "string", default: "102400" },
    demos: { type: "string", default: "1,2,5,20" },
    "sft-steps": { type: "string", default: "5000" },
    "sft-lr": { type: "string", default: "3e-3" },
    "eval-every": { type: "string", default: "2" },
    jobs: { type: "string", default: "2" },
    runs: { type: "string", default: "runs/experiments/sft" },
    out: { type: "string", default: "docs/experiments/sft" },
    "sft-one": { type: "string" }, // internal: "K:SEED" runs only that SFT (how the pool runs SFT)
  },
});
const seeds = values.seeds.split(",").map(Number), demoSizes = values.demos.split(",").map(Number);
const budget = Number(values.budget), sftSteps = Number(values["sft-steps"]);
const sftLr = Number(values["sft-lr"]), jobs = Number(values.jobs);
const env = "Pendulum-v1", S = 3, D = 1, T = 200, minibatchSize = 64;
const runs = values.runs, out = values.out;
const done = (dir: string) => Deno.stat(`${dir}/eval.json`).then(() => true, () => false);
const grpoDir = (seed: number) => `${runs}/grpo_s${seed}`;
const sftDir = (k: number, seed: number) => `${runs}/sft_d${k}_s${seed}`;
const sftGrpoDir = (k: number, seed: number) => `${runs}/sft_grpo_d${k}_s${seed}`;
const command = `deno task exp:sft ${Deno.args.join(" ")}`.trim();
const t0 = performance.now();

/** The GRPO preset's config for `seed`: the args `train` writes, so `--init` and `loadPolicy` read it. */
const presetArgs = (seed: number) => {
  const parsed = parseConfig(["--algo", "grpo", "--seed", String(seed)]);
  if (parsed === "help") throw new Error("unreachable");
  return parsed.cfg;
};

// ---- 1. demonstrations (and the expert's own score on the evaluation seeds)
const expert = new PendulumExpert();
const demos = new Map<number, Awaited<ReturnType<typeof recordDemonstrations>>>();
for (const seed of seeds) {
  demos.set(
    seed,
    await recordDemonstrations(expert, {
      env,
      episodes: Math.max(...demoSizes),
      seed: 100_000 + 1000 * seed,
    }),
  );
}
const heldOut = await recordDemonstrations(expert, { env, episodes: 5, seed: 30_000 });
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const expertFinals: number[] = [], expert100: number[] = []; // the expert on each seed's evaluation episodes
for (const seed of seeds) {
  const { returns } = await recordDemonstrations(expert, {
    env,
    episodes: 10,
    seed: 20_000 + seed,
  });
  expertFinals.push(mean(returns));
  const many = await recordDemonstrations(expert, {
    env,
    episodes: 100,
    seed: 40_000 + 100 * seed,
  });
  expert100.push(mean(many.returns));
}
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

// ---- 2. SFT and 3. GRPO runs, each a subprocess, `jobs` at a time
async function sft(k: number, seed: number): Promise<void> {
  const dir = sftDir(k, seed);
  if (await done(dir)) return;
  const cfg = presetArgs(seed);
  const N = k * T, all = demos.get(seed)!;
  const data = { obs: all.obs.slice(0, N * S), actions: all.actions.slice(0, N * D) };
  const policy = new GaussianMlpPolicy(S, D, { // the same init as `train --seed seed`
    rng: new Rng(seed),
    hidden: cfg.hidden.split(",").map(Number),
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
    normalizers: { obs: null, ret: null },
    rng: {},
    extra: { sft: { demoEpisodes: k, epochs, minibatchSize, lr: sftLr } },
  });
  const trainEval = await evaluate(policy, { env, episodes: 10, seed: 10_000 + seed }); // train's eval seeds
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
    ...["--eval-every", values["eval-every"], "--out", dir, "--quiet"],
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
const sftTasks = new Map<string, Promise<void>>(); // SFT runs in subprocesses too, so `jobs` cores stay busy
const tasks: (() => Promise<void>)[] = [
  ...seeds.flatMap((seed) =>
    demoSizes.map((k) => () => {
      const p = done(sftDir(k, seed)).then((d) =>
        d ? undefined : spawn("./sft.ts", [
          ...["--sft-one", `${k}:${seed}`, "--seeds", String(seed), "--demos", String(k)],
          ...["--sft-steps", String(sftSteps), "--sft-lr", String(sftLr), "--runs", runs],
        ])
      );
      sftTasks.set(`${k}/${seed}`, p);
      return p;
    })
  ),
  ...seeds.map((seed) => () => train(grpoDir(seed), budget, seed)),
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
  const { policy } = await loadPolicy(`${dir}/checkpoint.json`);
  const ev = await evaluate(policy, { env, episodes: 10, seed: 20_000 + seed });
  const ev100 = await evaluate(policy, { env, episodes: 100, seed: 40_000 + 100 * seed }); // a tighter check
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
for (const seed of seeds) {
  const cfg = presetArgs(seed);
  const init = new GaussianMlpPolicy(S, D, { // train's initial policy
    rng: new Rng(seed),
    hidden: cfg.hidden.split(",").map(Number),
    activation: cfg.activation as Activation,
    stateIndependentStd: cfg.stateIndependentStd,
    initLogStd: cfg.initLogStd,
  });
  curve.push({
    method: "GRPO",
    seed,
    steps: 0,
    evalReturn: (await evaluate(init, { env, episodes: 10, seed: 10_000 + seed })).mean,
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
          y: { field: "evalReturn", type: "quantitative", title: "eval return (10 episodes)" },
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
await Deno.writeTextFile(
  `${out}/report.md`,
  [
    "# SFT vs GRPO vs SFT→GRPO on Pendulum-v1",
    "",
    `Command: \`${command}\` (${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; ${jobs} runs at a time; ${
      ((performance.now() - t0) / 1000).toFixed(0)
    } s wall for what was not already done).`,
    "",
    "- Expert: energy-pumping swing-up + discrete LQR balance (scripts/experts.ts); " +
    `${f1(expertMean)} on the evaluation episodes (per seed: ${expertFinals.map(f1).join(", ")}).`,
    `- SFT: behaviour cloning by maximum likelihood (lib/sft.ts), ${sftSteps} Adam steps (lr ${sftLr}, minibatches of ${minibatchSize}) at every data size,`,
    "  on the GRPO preset's network (64,64 tanh, state-independent σ) initialized as `train --seed S` does.",
    `- GRPO: the Pendulum GRPO preset for ${budget} env steps; SFT→GRPO: \`train --init\` the SFT checkpoint for ${budget} − demo steps,`,
    `  rounded down to whole updates of ${stepsPerUpdate} steps. Demonstration steps count in the budget; no SFT→GRPO run exceeds it.`,
    `- Evaluation: the mean action on 10 fresh episodes (seeds 20000 + seed …); seeds ${
      seeds.join(", ")
    }.`,
    "  The curves use train's periodic evaluation (seeds 10000 + seed …); an SFT→GRPO line starts at its SFT policy.",
    "- 100-episode return: the same final policies on 100 more episodes (seeds 40000 + 100·seed …), a tighter estimate.",
    "",
    "| method | demo episodes | total env steps | final return (mean ± sd over seeds) | per seed | 100-episode return | SFT NLL train / held-out |",
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
