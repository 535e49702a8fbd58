/**
 * Pendulum-v1 study: both algorithms with their default presets over several seeds, each
 * evaluated deterministically on 10 fresh episodes; writes docs/results.md.
 *
 *   deno run -A scripts/pendulum_study.ts --seeds 1,2,3,4,5 [--jobs 2]
 *
 * Finished runs (with eval.json) are skipped, so the study can be resumed by running it again.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readMetrics } from "../lib/metrics.ts";
import { runJobs } from "./runner.ts";
import { variantFlags } from "./variants.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "1,2,3,4,5" },
    jobs: { type: "string", default: "2" },
    algos: {
      type: "string",
      default: "ppo,grpo,grpo-fresh,grpo-G4,grpo-G16,grpo-outcome,grpo-kl",
    },
  },
});
const variants = variantFlags("Pendulum-v1", values.algos.split(","));
const seeds = values.seeds.split(",").map(Number), algos = values.algos.split(",");
await runJobs(
  algos.flatMap((algo) =>
    seeds.map((seed) => ({
      flags: [...variants[algo], "--seed", String(seed)],
      out: `runs/study/Pendulum-v1_${algo}_s${seed}`,
    }))
  ),
  Number(values.jobs),
);

const fmt = (x: number, d = 1) => x.toFixed(d);
const lines = [
  "# Results",
  "",
  "## Pendulum-v1, default presets",
  "",
  `Command: \`deno run -A scripts/pendulum_study.ts --seeds ${values.seeds}\`; each row is \`deno task train <flags> --seed S\` with`,
  ...Object.entries(variants).map(([k, v]) => `- ${k}: \`${v.join(" ")}\``),
  "",
  `Machine: ${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; ${values.jobs} run${
    values.jobs === "1" ? "" : "s"
  } at a time. Wall times are each run's whole process, comparable only between runs made under the same load.`,
  "Evaluation: the deterministic policy (mean action) on 10 fresh episodes (seeds 10000 + seed …).",
  "First step ≥ −200: the env step of the first periodic deterministic evaluation (every 5 updates, same 10 episodes) with mean return ≥ −200.",
  "",
  "| algo | seed | env steps | wall s | final eval return (mean ± population std over 10 episodes) | first step with eval return ≥ −200 |",
  "|---|---|---|---|---|---|",
];
for (const algo of algos) {
  const evals: number[] = [];
  for (const seed of seeds) {
    const out = `runs/study/Pendulum-v1_${algo}_s${seed}`;
    const ev = JSON.parse(await Deno.readTextFile(`${out}/eval.json`));
    const wall = JSON.parse(
      await Deno.readTextFile(`${out}/wall.json`).catch(() => '{"seconds":NaN}'),
    ).seconds;
    const first = readMetrics(out).find((row) => {
      const r = row["charts/eval_return"]; // null on updates without an evaluation
      return typeof r === "number" && r >= -200;
    });
    evals.push(ev.mean);
    lines.push(
      `| ${algo} | ${seed} | ${ev.step} | ${fmt(wall)} | ${fmt(ev.mean)} ± ${fmt(ev.std)} | ${
        first ? first.global_step : "never"
      } |`,
    );
  }
  const m = evals.reduce((a, b) => a + b, 0) / evals.length;
  const s = Math.sqrt(evals.reduce((a, b) => a + (b - m) ** 2, 0) / evals.length);
  lines.push(
    `| **${algo}** | all | | | **${fmt(m)} ± ${
      fmt(s)
    }** (population std over ${evals.length} seeds) | |`,
  );
}
await Deno.mkdir("docs", { recursive: true });
await Deno.writeTextFile("docs/results.md", lines.join("\n") + "\n");
console.log(lines.join("\n"));
