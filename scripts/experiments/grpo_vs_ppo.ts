/**
 * Experiment 1: GRPO vs PPO on the same network and the same env-step budget.
 *
 *   deno task exp:grpo-vs-ppo [--env Pendulum-v1] [--seeds 1,2,3,4,5] [--steps 150000] [--jobs 2]
 *                             [--variants grpo-outcome,grpo-G4 --variant-seeds 1]
 *                             [--report-only] [--note "a paragraph for the report"]
 *
 * Both algorithms use their env preset with the budget overridden to `--steps` (the Pendulum
 * presets share one network: 32-32 ReLU with a state-independent log σ). Every 5 updates the mean
 * action is evaluated on the same 10 fresh episodes. Reported: the final evaluation return (mean ±
 * std over seeds), the env steps each run first reached the threshold (−200 on Pendulum, 1500 on
 * HalfCheetah) and the ratio of the two algorithms' medians, learning curves with a ±1 std band,
 * and the seed README's claims beside ours. `--variants` adds GRPO with one design choice changed
 * (scripts/variants.ts: group size, outcome advantages, the KL trust region) on `--variant-seeds`,
 * reported beside the presets on the same seeds, with their own curves (ablation.svg).
 *
 * Writes docs/experiments/grpo_vs_ppo_<env>/: curves.csv, results.csv, curves.svg, report.md (and
 * ablation.svg with --variants).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readMetrics } from "../../lib/metrics.ts";
import { renderSvg, toCsv } from "../plot.ts";
import { runJobs } from "../runner.ts";
import { variantFlags } from "../variants.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    env: { type: "string", default: "Pendulum-v1" },
    seeds: { type: "string", default: "1,2,3,4,5" },
    steps: { type: "string", default: "150000" },
    jobs: { type: "string", default: "2" },
    algos: { type: "string", default: "grpo,ppo" },
    "eval-every": { type: "string", default: "5" },
    "eval-episodes": { type: "string", default: "10" },
    threads: { type: "string", default: "1" },
    variants: { type: "string", default: "" },
    "variant-seeds": { type: "string", default: "" }, // default: --seeds
    "report-only": { type: "boolean", default: false }, // no training: report the finished runs
    note: { type: "string", default: "" }, // a paragraph for the report, e.g. where runs came from
  },
});
const evalEvery = values["eval-every"], evalEpisodes = values["eval-episodes"];
const env = values.env, seeds = values.seeds.split(",").map(Number), steps = values.steps;
const threshold = env === "HalfCheetah-v5" ? 1500 : -200;
const claims: Record<string, Record<string, string>> = {
  "Pendulum-v1": { grpo: "−180 ± 20", ppo: "−300 ± 30", efficiency: "GRPO 2× faster" },
  "HalfCheetah-v5": {
    grpo: "3000 ± 150",
    ppo: "2500 ± 200; published PPO at 1M steps: 1443 (CleanRL defaults), 5819 (SB3 zoo, tuned)",
    efficiency: "GRPO 1.5× faster",
  },
};
const algos = values.algos.split(",");
const ablation = variantFlags(env, values.variants ? values.variants.split(",") : []);
const variantSeeds = (values["variant-seeds"] || values.seeds).split(",").map(Number);
/** Every (run name, seeds, flags): the presets on --seeds, the variants on --variant-seeds. */
const studies: [string, number[], string[]][] = [
  ...algos.map((a): [string, number[], string[]] => [a, seeds, ["--algo", a]]),
  ...Object.entries(ablation).map(([v, f]): [string, number[], string[]] => [v, variantSeeds, f]),
];
const runs = `runs/experiments/grpo_vs_ppo_${env}`, out = `docs/experiments/grpo_vs_ppo_${env}`;
const dirOf = (algo: string, seed: number) => `${runs}/${algo}_s${seed}`;

if (!values["report-only"]) {
  await runJobs(
    studies.flatMap(([algo, seedList, flags]) =>
      seedList.map((seed) => ({
        flags: [
          ...flags,
          "--env",
          env,
          "--seed",
          String(seed),
          "--total-steps",
          steps,
          "--eval-every",
          evalEvery,
          "--eval-episodes",
          evalEpisodes,
          "--threads",
          values.threads,
        ],
        out: dirOf(algo, seed),
      }))
    ),
    Number(values.jobs),
  );
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const fmt = (x: number) => x.toFixed(1);
/** For the i-th evaluation of each of `name`'s runs on `seedList`: their env steps and returns. */
const evalsByIndex = (name: string, seedList: number[]) => {
  const slots: { steps: number[]; values: number[] }[] = [];
  for (const seed of seedList) {
    curves.filter((c) => c.algo === name && c.seed === seed).forEach((c, i) => {
      slots[i] ??= { steps: [], values: [] };
      slots[i].steps.push(c.step as number), slots[i].values.push(c.evalReturn as number);
    });
  }
  return slots;
};
const curves: Record<string, unknown>[] = [],
  results: Record<string, unknown>[] = [],
  band: Record<string, unknown>[] = [];
const summary: Record<string, { final: number[]; first: (number | null)[] }> = {};
const unfinished: string[] = []; // runs without eval.json: their curves are shown, not their scores
for (const [algo, seedList] of studies) {
  summary[algo] = { final: [], first: [] };
  for (const seed of seedList) {
    const evals = readMetrics(dirOf(algo, seed)).filter((r) =>
      typeof r["charts/eval_return"] === "number"
    );
    for (const r of evals) {
      curves.push({ algo, seed, step: r.global_step, evalReturn: r["charts/eval_return"] });
    }
    const evalPath = `${dirOf(algo, seed)}/eval.json`;
    if (!(await Deno.stat(evalPath).then(() => true, () => false))) {
      const last = evals.at(-1);
      unfinished.push(
        `${algo} seed ${seed} (${
          last
            ? `eval ${fmt(last["charts/eval_return"] as number)} at ${last.global_step} steps`
            : "not started"
        })`,
      );
      continue;
    }
    const ev = JSON.parse(await Deno.readTextFile(evalPath));
    const first = evals.find((r) => (r["charts/eval_return"] as number) >= threshold);
    const wall = JSON.parse(
      await Deno.readTextFile(`${dirOf(algo, seed)}/wall.json`).catch(() => '{"seconds":null}'),
    ).seconds;
    summary[algo].final.push(ev.mean);
    summary[algo].first.push(first ? (first.global_step as number) : null);
    results.push({
      algo,
      seed,
      envSteps: ev.step,
      wallSeconds: wall,
      finalEval: ev.mean,
      firstStepAtThreshold: first?.global_step ?? "",
    });
  }
  const withData = new Set(curves.filter((c) => c.algo === algo).map((c) => c.seed)).size;
  for (const { steps: s, values: v } of evalsByIndex(algo, seedList)) {
    if (v.length === withData) {
      band.push({ algo, step: mean(s), mean: mean(v), lo: mean(v) - std(v), hi: mean(v) + std(v) });
    }
  }
}

await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(
  `${out}/curves.csv`,
  toCsv(curves, ["algo", "seed", "step", "evalReturn"]),
);
await Deno.writeTextFile(
  `${out}/results.csv`,
  toCsv(results, ["algo", "seed", "envSteps", "wallSeconds", "finalEval", "firstStepAtThreshold"]),
);
await Deno.writeTextFile(
  `${out}/curves.svg`,
  await renderSvg({
    title: `${
      algos.map((a) => a.toUpperCase()).join(" vs ")
    } on ${env}: evaluation return, mean ± 1 std over ${seeds.length} seeds`,
    data: { values: band.filter((b) => algos.includes(b.algo as string)) },
    width: 460,
    height: 300,
    layer: [
      {
        mark: { type: "area", opacity: 0.25 },
        encoding: {
          x: { field: "step", type: "quantitative", title: "env steps" },
          y: { field: "lo", type: "quantitative" },
          y2: { field: "hi" },
          color: { field: "algo", type: "nominal" },
        },
      },
      {
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "step", type: "quantitative" },
          y: {
            field: "mean",
            type: "quantitative",
            title: `return (mean action, ${evalEpisodes} episodes)`,
          },
          color: { field: "algo", type: "nominal" },
        },
      },
      {
        mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
        encoding: { y: { datum: threshold } },
      }, // the threshold
    ],
  }),
);
// A seed that never reached the threshold counts as +∞ steps, so the median exists while most seeds got there.
const med = (algo: string) => median(summary[algo].first.map((x) => x ?? Infinity));
/** One table cell per algorithm, "not run" for an algorithm left out by --algos. */
const cells = (f: (algo: string) => string) =>
  ["grpo", "ppo"].map((a) => (summary[a] ? f(a) : "not run")).join(" | ");
const ratio = summary.grpo && summary.ppo ? med("ppo") / med("grpo") : NaN;
const command =
  `deno task exp:grpo-vs-ppo --env ${env} --seeds ${values.seeds} --steps ${steps} --algos ${values.algos}` +
  ` --eval-every ${evalEvery} --eval-episodes ${evalEpisodes}` +
  (values.variants
    ? ` --variants ${values.variants} --variant-seeds ${variantSeeds.join(",")}`
    : "");
await Deno.writeTextFile(
  `${out}/report.md`,
  [
    `# GRPO vs PPO on ${env}`,
    "",
    `Command: \`${command}\` (${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}).`,
    "",
    `Each algorithm runs its ${env} preset with the budget set to ${steps} env steps; the mean action is evaluated on the`,
    `same ${evalEpisodes} fresh episodes every ${evalEvery} updates and at the end. Threshold: ${threshold}.`,
    "",
    "| | GRPO (ours) | PPO (ours) | seed README's claim |",
    "|---|---:|---:|---|",
    `| final evaluation return, mean ± std over the finished seeds | ${
      cells((a) => {
        const f = summary[a].final, n = `(${f.length} of ${seeds.length})`;
        return f.length ? `${fmt(mean(f))} ± ${fmt(std(f))} ${n}` : `– ${n}`;
      })
    } | GRPO ${claims[env].grpo}, PPO ${claims[env].ppo} |`,
    `| seeds reaching ${threshold} | ${
      cells((a) =>
        `${summary[a].first.filter((x) => x !== null).length}/${summary[a].first.length}`
      )
    } | |`,
    `| median env steps to first reach ${threshold} (never = ∞) | ${
      cells((a) => (summary[a].first.length ? String(med(a)).replace("Infinity", "never") : "–"))
    } | |`,
    `| sample efficiency, PPO steps ÷ GRPO steps (> 1: GRPO faster) | ${
      Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "–"
    } | | ${claims[env].efficiency} |`,
    "",
    ...(unfinished.length ? [`Not finished yet (curves only): ${unfinished.join("; ")}.`, ""] : []),
    ...(values.note ? [values.note, ""] : []),
    "Per run: [results.csv](results.csv); curves per seed: [curves.csv](curves.csv).",
    "",
    "![curves](curves.svg)",
    "",
    ...(await ablationSection()),
  ].join("\n"),
);
console.log(await Deno.readTextFile(`${out}/report.md`));

/**
 * The design-choice ablation: the presets and each variant on the variant seeds (table rows), and
 * their evaluation curves averaged over those seeds (ablation.svg).
 */
async function ablationSection(): Promise<string[]> {
  if (!Object.keys(ablation).length) return [];
  const names = [...algos.filter((a) => a === "grpo" || a === "ppo"), ...Object.keys(ablation)];
  const rows = names.map((name) => {
    const got = results.filter((r) => r.algo === name && variantSeeds.includes(r.seed as number));
    const final = got.map((r) => r.finalEval as number);
    const first = got.map(({ firstStepAtThreshold: t }) => t === "" ? Infinity : t as number);
    const changed = ablation[name]?.filter((f) => f !== "--algo" && f !== "grpo").join(" ");
    return `| ${name} | ${
      changed ? `\`${changed}\`` : "(the preset)"
    } | ${got.length} of ${variantSeeds.length} | ${
      final.length ? `${fmt(mean(final))} ± ${fmt(std(final))}` : "–"
    } | ${first.filter(Number.isFinite).length}/${got.length} | ${
      first.length ? (Number.isFinite(median(first)) ? median(first) : "never") : "–"
    } |`;
  });
  const lines: Record<string, unknown>[] = [];
  for (const name of names) {
    for (const { steps: s, values: v } of evalsByIndex(name, variantSeeds)) {
      lines.push({ run: name, step: mean(s), evalReturn: mean(v) });
    }
  }
  await Deno.writeTextFile(
    `${out}/ablation.svg`,
    await renderSvg({
      title: `GRPO with one design choice changed on ${env}, seeds ${variantSeeds.join(",")}`,
      data: { values: lines },
      width: 460,
      height: 300,
      layer: [
        {
          mark: { type: "line", point: true },
          encoding: {
            x: { field: "step", type: "quantitative", title: "env steps" },
            y: {
              field: "evalReturn",
              type: "quantitative",
              title: `return (mean action, mean over seeds ${variantSeeds.join(",")})`,
            },
            color: { field: "run", type: "nominal" },
          },
        },
        {
          mark: { type: "rule", strokeDash: [4, 4], color: "gray" },
          encoding: { y: { datum: threshold } },
        },
      ],
    }),
  );
  return [
    `## Which GRPO design choice closes the gap`,
    "",
    `GRPO with one setting changed from its preset (flags from scripts/variants.ts), each at the same`,
    `${steps}-step budget, beside the presets on the same seeds (${variantSeeds.join(", ")}).`,
    "",
    `| run | flags over the preset | seeds finished | final evaluation return, mean ± std over seeds | seeds reaching ${threshold} | median env steps to ${threshold} |`,
    "|---|---|---|---:|---:|---:|",
    ...rows,
    "",
    "![ablation](ablation.svg)",
    "",
  ];
}
