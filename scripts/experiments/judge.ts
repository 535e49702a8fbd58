/**
 * Experiment 2: a dense per-step reward vs an outcome-only judge, on Pendulum-v1 with GRPO.
 *
 *   deno task exp:judge [--seed 1] [--steps 100000]
 *
 * The judge `upright` scores a whole trajectory: the fraction of its last 50 states within 0.1 rad
 * of upright. It is paid once, at the trajectory's end, and turned into group z-scores (outcome
 * advantages). A group in which no member gets near the top scores all zeros: it has no spread, so
 * its advantages are zero and it teaches nothing (`frac_reward_zero_std`).
 *
 * Runs, all with the GRPO Pendulum preset and the same seed:
 * - dense: the env's reward (process advantages, vine groups of 32 steps);
 * - judge: `--reward upright --adv-mode outcome` with the same groups;
 * - judge, whole episodes: as judge, but every group starts from a fresh reset and runs all 200 steps
 *   (`--branch-prob 0 --horizon 200 --groups 8`), so "the last 50 states" are the episode's.
 *
 * Writes docs/experiments/judge/: curves.csv, results.csv, curves.svg, report.md.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { readMetrics } from "../../lib/metrics.ts";
import { curvesSpec, renderSvg, toCsv } from "../plot.ts";
import { main as train } from "../train.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { seed: { type: "string", default: "1" }, steps: { type: "string", default: "100000" } },
});
const seed = Number(values.seed), steps = values.steps;
const variants: Record<string, string[]> = {
  dense: [],
  judge: ["--reward", "upright", "--adv-mode", "outcome"],
  "judge, whole episodes": [
    "--reward",
    "upright",
    "--adv-mode",
    "outcome",
    "--branch-prob",
    "0",
    "--horizon",
    "200",
    "--groups",
    "8",
  ],
};
const runs = "runs/experiments/judge", out = "docs/experiments/judge";
const dirOf = (name: string) => `${runs}/${name.replaceAll(/[^a-z]+/g, "_")}_s${seed}`;

for (const [name, flags] of Object.entries(variants)) {
  if (await Deno.stat(`${dirOf(name)}/eval.json`).then(() => true, () => false)) continue;
  await train([
    "--algo",
    "grpo",
    "--seed",
    String(seed),
    "--total-steps",
    steps,
    ...flags,
    "--out",
    dirOf(name),
    "--quiet",
    "--overwrite", // an unfinished run (no eval.json) starts over
  ]);
}

const curves: Record<string, unknown>[] = [], results: Record<string, unknown>[] = [];
for (const name of Object.keys(variants)) {
  const rows = readMetrics(dirOf(name));
  for (const row of rows) {
    curves.push({
      run: name,
      step: row.global_step,
      metric: "groups with no reward spread (frac_reward_zero_std)",
      value: row.frac_reward_zero_std,
    });
    if (typeof row["charts/eval_return"] === "number") {
      curves.push({
        run: name,
        step: row.global_step,
        metric: "true return per episode (env reward, evaluation)",
        value: row["charts/eval_return"],
      });
    }
  }
  const ev = JSON.parse(await Deno.readTextFile(`${dirOf(name)}/eval.json`));
  const zero = rows.map((r) => r.frac_reward_zero_std as number);
  results.push({
    run: name,
    envSteps: ev.step,
    finalEval: ev.mean,
    finalEvalStd: ev.std,
    meanFracZeroStd: zero.reduce((a, b) => a + b, 0) / zero.length,
  });
}

await Deno.mkdir(out, { recursive: true });
await Deno.writeTextFile(`${out}/curves.csv`, toCsv(curves, ["run", "step", "metric", "value"]));
await Deno.writeTextFile(
  `${out}/results.csv`,
  toCsv(results, ["run", "envSteps", "finalEval", "finalEvalStd", "meanFracZeroStd"]),
);
await Deno.writeTextFile(
  `${out}/curves.svg`,
  await renderSvg(curvesSpec("Dense reward vs outcome-only judge (Pendulum-v1, GRPO)", curves)),
);
const fmt = (
  x: unknown,
) => (typeof x === "number" ? (Math.abs(x) < 10 ? x.toFixed(2) : x.toFixed(1)) : String(x));
await Deno.writeTextFile(
  `${out}/report.md`,
  [
    "# A dense reward vs an outcome judge",
    "",
    `Command: \`deno task exp:judge --seed ${seed} --steps ${steps}\` (${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}).`,
    "",
    "GRPO on Pendulum-v1 trained on the env's dense reward, or only on the `upright` judge (the fraction of the last 50",
    "states within 0.1 rad of upright, paid once per trajectory, outcome advantages). The true return is the env's reward",
    "of the mean action on 10 fresh episodes. `frac_reward_zero_std` is the share of groups whose members all scored the",
    "same, which get zero advantage.",
    "",
    "| run | env steps | final true return (mean ± std, 10 episodes) | mean frac_reward_zero_std |",
    "|---|---:|---:|---:|",
    ...results.map((r) =>
      `| ${r.run} | ${r.envSteps} | ${fmt(r.finalEval)} ± ${fmt(r.finalEvalStd)} | ${
        fmt(r.meanFracZeroStd)
      } |`
    ),
    "",
    "![curves](curves.svg)",
    "",
  ].join("\n"),
);
console.log(await Deno.readTextFile(`${out}/report.md`));
