/**
 * The GRPO design studies (scripts/studies.ts `design-*`), compared from their committed results in
 * docs/designs/<study>/: each study sets its GRPO design explicitly over the presets (so a later
 * preset change does not change it) and runs on the benchmark's seeds, budgets and grid; each
 * variant is compared with the design study it changes one lever of, and with PPO. `deno task
 * report` puts this section into docs/grpo_vs_ppo.md.
 *
 * ```text
 * per task m:  P(A > B)_m = P(x_A > x_B), x: a run's score (the mean return at the budget)
 * pooled:      P(A > B)   = (1/M) Σ_m P(A > B)_m, CI from a stratified bootstrap over runs
 * ```
 * The verdict rule is the page's: "A better" when the CI lies above 0.5, "B better" below,
 * "no detectable difference" when it contains 0.5.
 *
 * @module
 */
import { type Interval, probabilityOfImprovement, taskSummary } from "../lib/stats.ts";
import { type BenchData, boot, ci, digitsFor, loadBench } from "./benchmark.ts";
import { termText, traitsOf } from "./task_traits.ts";
import { verdict } from "./verdict.ts";

/** One design study, against the design study it changes one lever of. */
export interface DesignVariant {
  study: string;
  label: string;
  baseline: string;
  baselineLabel: string;
  question: string;
  /** The only tasks it compares, where the baseline is what the label says (default: all). */
  envs?: string[];
}

/** The design studies the page reports, in order (scripts/studies.ts defines them). */
export const DESIGN_VARIANTS: DesignVariant[] = [
  {
    study: "design-whole",
    label: "whole episodes",
    baseline: "design-vine",
    baselineLabel: "vine branches",
    question:
      "Do vine groups (32-step branches from states visited in the previous update) beat groups of whole episodes, each from one fresh cloned reset?",
  },
  {
    study: "design-independent",
    label: "independent starts",
    baseline: "design-whole",
    baselineLabel: "cloned start",
    question:
      "Does a group sharing one cloned start state beat a group of unrelated episodes (each member its own reset, as in “Learning Without Critics?”)? Both run whole episodes.",
  },
  {
    study: "design-mujoco-independent",
    label: "unrelated whole episodes",
    baseline: "design-mujoco-vine",
    baselineLabel: "vine branches",
    question:
      "On MuJoCo, with termination (Walker2d, Ant) and without (HalfCheetah), do groups of unrelated whole episodes scored by their return (“Learning Without Critics?”) beat vine groups (8 groups of 8 branches from visited states: HalfCheetah's, Ant's and Walker2d's presets before their tuning), and do they match PPO? The mujoco study never ran a vine preset on Hopper, so Hopper is in the next comparison only.",
    envs: ["HalfCheetah-v5", "Walker2d-v5", "Ant-v5"],
  },
  {
    study: "design-mujoco-independent",
    label: "unrelated episodes",
    baseline: "design-mujoco-whole",
    baselineLabel: "cloned start",
    question:
      "The same on MuJoCo: whole episodes with outcome advantages, each member its own reset, against each group from one cloned reset.",
  },
  {
    study: "design-g16",
    label: "groups of 16",
    baseline: "preset",
    baselineLabel: "the preset's groups of 8",
    question:
      "The group-size lever on Pendulum and classic control: does a larger group (16 members, half as many groups, the same env steps per update) beat the presets' 8?",
  },
  {
    study: "design-g4",
    label: "groups of 4",
    baseline: "preset",
    baselineLabel: "the preset's groups of 8",
    question:
      "The same lever the other way: does a smaller group (4 members, twice as many groups) beat the presets' 8?",
  },
  {
    study: "design-e2x",
    label: "twice the epochs",
    baseline: "preset",
    baselineLabel: "the preset's epochs",
    question:
      "The epochs lever on Pendulum and classic control: do twice the presets' passes over each batch (12 on Pendulum, 20 elsewhere) beat them?",
  },
  {
    study: "design-kl",
    label: "KL penalty",
    baseline: "preset",
    baselineLabel: "the preset (no KL)",
    question:
      "The KL lever: does the adaptive penalty β_old·KL(π_old ‖ π_θ) (β_old from 0.1, target 0.01) on top of the clipped objective beat the presets, which have none?",
  },
  {
    study: "design-adv",
    label: "the other advantage mode",
    baseline: "preset",
    baselineLabel: "the preset's mode",
    question:
      "Outcome vs process advantages: does each preset do better with the other mode? The presets score outcomes on CartPole, Acrobot, MountainCar and MountainCarContinuous and per-step reward-to-go (process) on Pendulum.",
  },
  {
    study: "design-mujoco-whole-steps",
    label: "whole episodes, vine's gradient steps",
    baseline: "design-mujoco-whole",
    baselineLabel: "whole episodes",
    question:
      "Does the whole-episode design fail on HalfCheetah for want of gradient steps (16 updates of 320 in 1M steps)? The same design in 128-row minibatches takes the vine preset's gradient steps per env step.",
  },
  {
    study: "design-mujoco-whole-steps",
    label: "whole episodes, vine's gradient steps",
    baseline: "design-mujoco-vine",
    baselineLabel: "the 64-step vine",
    question:
      "With gradient steps equal, do whole episodes from a cloned reset match the 64-step vine branches of HalfCheetah's preset as it stood (10 epochs, as here)? The horizon (and with it the update count) is the lever left.",
  },
  {
    study: "design-mujoco-h256",
    label: "256-step branches",
    baseline: "design-mujoco-vine",
    baselineLabel: "64-step branches",
    question:
      "The horizon lever on HalfCheetah with the update count fixed: do the vine groups of its preset as it stood (10 epochs) do better with 256-step branches (2 groups of 8 instead of 8, so an update takes the same 4,096 steps)?",
  },
];

/** GRPO scores per env, of the benchmark's preset runs and of each design study. */
export interface DesignData {
  /** By study name ("preset": the benchmark's GRPO runs; "ppo": its PPO runs; design studies), then env. */
  scores: Record<string, Record<string, number[]>>;
  /** The studies' commands, by name. */
  commands: Record<string, string>;
  /** The envs of the design studies, in the benchmark's order. */
  envs: string[];
}

/**
 * Reads docs/designs/<study>/ for every {@link DESIGN_VARIANTS} study beside the benchmark's data.
 * @throws naming the study and env when a design study's budget differs from the benchmark's.
 */
export async function loadDesigns(dir: string, bench: BenchData): Promise<DesignData> {
  const scores: DesignData["scores"] = { preset: {}, ppo: {} },
    commands: Record<string, string> = {};
  for (const t of bench.tasks) {
    for (const [algo, key] of [["grpo", "preset"], ["ppo", "ppo"]]) {
      if (t.runs[algo]) scores[key][t.env] = t.runs[algo].map((r) => r.score);
    }
  }
  const envs = new Set<string>();
  const names = [...new Set(DESIGN_VARIANTS.flatMap((v) => [v.baseline, v.study]))]
    .filter((n) => !(n in scores)); // "preset" and "ppo": the benchmark's runs, read above
  for (const study of names) {
    const data = await loadBench(`${dir}/${study}`);
    scores[study] = {};
    for (const t of data.tasks) {
      const base = bench.tasks.find((b) => b.env === t.env && b.budget === t.budget);
      if (!base || base.grid.join() !== t.grid.join()) {
        throw new Error(
          `${dir}/${study}: ${t.env} at ${t.budget} steps has no benchmark task on the same budget and grid`,
        );
      }
      if (t.runs.grpo) scores[study][t.env] = t.runs.grpo.map((r) => r.score);
      envs.add(t.env);
    }
    const spec = await Deno.readTextFile(`${dir}/${study}/study.json`).catch(() => undefined);
    if (spec) commands[study] = JSON.parse(spec).command;
  }
  return {
    scores,
    commands,
    envs: bench.tasks.map((t) => t.env).filter((e) => envs.has(e)),
  };
}

const p = (a: number[][], b: number[][]) => probabilityOfImprovement(a, b, boot());
const verdictOf = (iv: Interval, a: string, b: string) => {
  const v = verdict(iv);
  return v === "GRPO better" ? `**${a} better**` : v === "PPO better" ? `**${b} better**` : v;
};

/** A variant on one task: P(design > its baseline) and, where PPO has runs, P(design > PPO). */
interface Compared {
  env: string;
  vsBase: Interval;
  vsPpo?: Interval;
}

/** The tasks with runs of the variant and its baseline, each compared once for summary and table. */
const compare = (d: DesignData, v: DesignVariant): Compared[] => {
  const mine = d.scores[v.study] ?? {};
  const tasks = d.envs.filter((e) => !v.envs || v.envs.includes(e));
  return tasks.filter((e) => mine[e]?.length && d.scores[v.baseline]?.[e]?.length).map((e) => ({
    env: e,
    vsBase: p([mine[e]], [d.scores[v.baseline][e]]),
    vsPpo: d.scores.ppo[e]?.length ? p([mine[e]], [d.scores.ppo[e]]) : undefined,
  }));
};

/**
 * One line per variant: the tasks where it beats its baseline, where it loses, and where it
 * matches PPO (P(design > PPO)'s CI not below 0.5) while the preset does not, or the reverse.
 */
function designSummary(d: DesignData, compared: Compared[][]): string[] {
  const out = ["### What the design studies found", ""];
  const list = (es: string[]) => es.length ? es.join(", ") : "none";
  const presetTrails = new Map<string, boolean>(); // per task, computed once
  const presetTrailsOn = (e: string) => {
    if (!presetTrails.has(e)) {
      presetTrails.set(e, verdict(p([d.scores.preset[e]], [d.scores.ppo[e]])) === "PPO better");
    }
    return presetTrails.get(e)!;
  };
  let comparisons = 0;
  DESIGN_VARIANTS.forEach((v, i) => {
    const rows = compared[i];
    if (!rows.length) return;
    comparisons += rows.length;
    const on = (f: (r: Compared) => boolean) => rows.filter(f).map((r) => r.env);
    const trails = (r: Compared) => !!r.vsPpo && verdict(r.vsPpo) === "PPO better";
    const vsPpo = (r: Compared) => !!r.vsPpo && !!d.scores.preset[r.env]?.length;
    const closes = on((r) => vsPpo(r) && presetTrailsOn(r.env) && !trails(r));
    const opens = on((r) => vsPpo(r) && !presetTrailsOn(r.env) && trails(r));
    const better = on((r) => verdict(r.vsBase) === "GRPO better");
    const worse = on((r) => verdict(r.vsBase) === "PPO better");
    out.push(
      `- **${v.label} vs ${v.baselineLabel}** (${rows.length} task${
        rows.length > 1 ? "s" : ""
      }): ${v.label} better on ${list(better)}; ${v.baselineLabel} better on ${
        list(worse)
      }; no detectable difference on ${
        rows.length - better.length - worse.length
      }. Matches PPO where the preset trails it: ${
        list(closes)
      }. Trails PPO where the preset matches it: ${list(opens)}.`,
    );
  });
  out.push(
    "",
    `These are ${comparisons} per-task comparisons with the baselines, each at 95 %: even if no lever mattered, about 1 in 20 (here about ${
      Math.round(comparisons / 20)
    }) would show a difference by chance. A per-task winner is a lead to test on other seeds, not a finding; the equal-budget searches in docs/tuning/ do that on training seeds (1–10 on classic control, 1–3 on MuJoCo).`,
    "",
  );
  return out;
}

/** The section: per variant, a per-task table and the pooled P with its split by termination. */
export function designStudiesMarkdown(d: DesignData): string {
  const out = [
    "## GRPO designs",
    "",
    "Each design study sets one GRPO design explicitly over the presets and runs GRPO on the benchmark's seeds, budgets and evaluation grid (scripts/studies.ts; results in docs/designs/); each is compared with the design it changes one lever of. P(A > B) is the probability that a run of A beats a run of B on the same task, with its 95 % bootstrap CI and the rule above. IQM: the interquartile mean of the runs' scores with its 95 % bootstrap CI. “Matches PPO”: the CI of P(design > PPO) does not lie below 0.5.",
    "",
  ];
  const compared = DESIGN_VARIANTS.map((v) => compare(d, v));
  out.push(...designSummary(d, compared));
  DESIGN_VARIANTS.forEach((v, i) => {
    const mine = d.scores[v.study] ?? {};
    const rows = compared[i].map((r) => r.env);
    out.push(`### ${v.label} vs ${v.baselineLabel}`, "", v.question, "");
    if (!rows.length) {
      out.push(`No finished runs in docs/designs/${v.study}/ yet.`, "");
      return;
    }
    const cmd = (x: string) =>
      x === "preset"
        ? "the benchmark's GRPO runs"
        : `\`${d.commands[x] ?? `deno task study ${x}`}\``;
    out.push(`Commands: ${cmd(v.baseline)} and ${cmd(v.study)}.`, "");
    const baseOf = (e: string) => d.scores[v.baseline][e];
    out.push(
      `| task | terminates | ${v.baselineLabel}: IQM | ${v.label}: IQM | P(${v.label} > ${v.baselineLabel}) | verdict | P(${v.label} > PPO) | verdict |`,
      "|---|---|---|---|---|---|---|---|",
    );
    for (const { env: e, vsBase, vsPpo } of compared[i]) {
      const [a, b] = [mine[e], baseOf(e)];
      const dg = digitsFor([...a, ...b]);
      const iq = (xs: number[]) =>
        `${ci(taskSummary(xs, boot()).iqm, xs.length, dg)}, n = ${xs.length}`;
      out.push(
        `| ${e} | ${termText(traitsOf(e))} | ${iq(b)} | ${iq(a)} | ${ci(vsBase, 2, 2)} | ${
          verdictOf(vsBase, v.label, v.baselineLabel)
        } | ${vsPpo ? ci(vsPpo, 2, 2) : "—"} | ${vsPpo ? verdictOf(vsPpo, v.label, "PPO") : "—"} |`,
      );
    }
    out.push("");
    const pools: [string, (e: string) => boolean][] = [
      ["all tasks", () => true],
      ["early termination: yes", (e) => traitsOf(e)?.termination !== "none"],
      ["early termination: no", (e) => traitsOf(e)?.termination === "none"],
    ];
    for (const [name, f] of pools) {
      const es = rows.filter(f);
      if (es.length < (name === "all tasks" ? 1 : 2)) continue;
      const iv = p(es.map((e) => mine[e]), es.map(baseOf));
      out.push(
        `- ${name} (${es.join(", ")}): P(${v.label} > ${v.baselineLabel}) ${ci(iv, 2, 2)}, ${
          verdictOf(iv, v.label, v.baselineLabel)
        }.`,
      );
    }
    const withPpo = rows.filter((e) => d.scores.ppo[e]?.length);
    if (withPpo.length > 1) {
      const iv = p(withPpo.map((e) => mine[e]), withPpo.map((e) => d.scores.ppo[e]));
      const pre = withPpo.filter((e) => d.scores.preset[e]?.length);
      const ivPre = p(pre.map((e) => d.scores.preset[e]), pre.map((e) => d.scores.ppo[e]));
      out.push(
        `- against PPO, all tasks (${withPpo.join(", ")}): P(${v.label} > PPO) ${ci(iv, 2, 2)}, ${
          verdictOf(iv, v.label, "PPO")
        }; the presets on the same tasks: P(GRPO > PPO) ${ci(ivPre, 2, 2)}.`,
      );
    }
    out.push("");
  });
  return out.join("\n");
}

/** The section from `docsDir`/designs/, as `deno task report` puts it into grpo_vs_ppo.md. */
export async function designsSection(docsDir: string, bench: BenchData): Promise<string> {
  return designStudiesMarkdown(await loadDesigns(`${docsDir}/designs`, bench));
}
