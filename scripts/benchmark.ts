/**
 * The benchmark tables, computed from committed raw data and never typed: every
 * `<dir>/**\/results.json` (scripts/study.ts --commit-to), the random-policy scores
 * (`random_scores.json`, scripts/random_scores.ts), the reference scores (`references.json`) and
 * the published baselines (`published.json`). `deno task report` writes docs/benchmark.md with
 * {@link benchmarkMarkdown} and puts the same tables and plots at the top of docs/report.html.
 *
 * ```text
 * run score x  = mean of the E returns at the run's last grid point (the budget)
 * per task     : mean and IQM over runs, 95 % percentile bootstrap CIs (lib/stats.ts taskSummary)
 * P(GRPO > PPO): per task and averaged over tasks, CI resampling each algorithm's runs per task
 * normalized x̃ = (x − r_m)/(t_m − r_m);  across tasks: IQM and mean of the pooled x̃, stratified
 *                bootstrap CI; performance profile F(τ) = fraction of runs with x̃ > τ
 * curve        : IQM over runs of the mean return at each grid point, with a bootstrap band
 * AUC          : per run, trapezoid area under its curve ÷ budget; summarized per task as above
 * ```
 * Every bootstrap uses R = 2000 resamples and a fresh `new Rng(0)`, so the output is deterministic.
 *
 * @module
 */
import { algos } from "../lib/config.ts";
import { parseResults, type RunResults } from "../lib/results.ts";
import { Rng } from "../lib/rng.ts";
import {
  aggregate,
  auc,
  type Band,
  formatMeanStd,
  type Interval,
  iqm,
  mean,
  normalizeScores,
  performanceProfile,
  probabilityOfImprovement,
  sampleEfficiencyCurve,
  taskSummary,
} from "../lib/stats.ts";
import { envIds } from "../envs/registry.ts";
import { lineChart } from "./svg_chart.ts";

/** Bootstrap resamples of every CI in the report. */
export const RESAMPLES = 2000;
/** The options of every bootstrap in the report: R resamples from a fresh `new Rng(0)`. */
export const boot = () => ({ rng: new Rng(0), resamples: RESAMPLES });

/** One run as the report sees it. */
export interface BenchRun {
  /** Its results.json, relative to the bench folder. */
  file: string;
  results: RunResults;
  /** Its score x: the mean return at the last grid point. */
  score: number;
  /** The mean return at each grid point. */
  curve: number[];
}

/** One task: an env at one budget and grid, with each algorithm's finished runs. */
export interface BenchTask {
  env: string;
  budget: number;
  grid: number[];
  runs: Record<string, BenchRun[]>;
}

/** Everything under a bench folder. */
export interface BenchData {
  tasks: BenchTask[];
  /** r_m per env: the mean over `episodes` uniform-random episodes. */
  random: Record<string, { mean: number; episodes: number }>;
  randomCommand: string;
  references: Record<string, { t: number; source: string }>;
  published: {
    source: string;
    version: string;
    budget: number;
    runs: number;
    pm: string;
    scores: Record<string, number[]>;
  }[];
  studies: { name: string; command: string; description: string }[];
  /** results.json files skipped as unfinished. */
  unfinished: string[];
}

async function* walk(dir: string, rel = ""): AsyncGenerator<string> {
  const entries = [];
  try {
    for await (const e of Deno.readDir(`${dir}/${rel}`)) entries.push(e);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return; // no bench folder yet: no runs
    throw err;
  }
  entries.sort((a, b) => a.name < b.name ? -1 : 1);
  for (const e of entries) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory) yield* walk(dir, path);
    else if (e.name === "results.json") yield path;
  }
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
const readJson = async <T>(path: string, fallback: T): Promise<T> => {
  try {
    return JSON.parse(await Deno.readTextFile(path));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return fallback;
    throw new Error(`${path}: ${(err as Error).message}`);
  }
};

/** The position of an env id in the registry's order (unknown ids last). */
export const envOrder = (e: string) => {
  const i = (envIds as readonly string[]).indexOf(e);
  return i < 0 ? envIds.length : i;
};

/** Reads a bench folder; throws naming the files when runs of one task disagree on the grid. */
export async function loadBench(dir: string): Promise<BenchData> {
  const byTask = new Map<string, BenchTask>(), unfinished: string[] = [];
  const studies: BenchData["studies"] = [];
  for await (const file of walk(dir)) {
    const r = parseResults(await Deno.readTextFile(`${dir}/${file}`), `${dir}/${file}`);
    if (!r.complete) {
      unfinished.push(file);
      continue;
    }
    const key = `${r.env}@${r.totalSteps}`, grid = r.evals.map((e) => e.grid);
    const task = byTask.get(key) ??
      { env: r.env, budget: r.totalSteps, grid, runs: {} } satisfies BenchTask;
    byTask.set(key, task);
    if (grid.join() !== task.grid.join()) {
      throw new Error(
        `${file}: its grid ${grid.join(",")} differs from ${task.grid.join(",")} of the other ` +
          `${r.env} runs at ${r.totalSteps} steps; evaluate every run on one grid`,
      );
    }
    const curve = r.evals.map((e) => mean(e.returns));
    (task.runs[r.algo] ??= []).push({ file, results: r, score: curve.at(-1)!, curve });
  }
  for await (const e of (await exists(dir)) ? Deno.readDir(dir) : []) {
    if (!e.isDirectory) continue;
    const s = await readJson<{ spec?: { description?: string }; command?: string } | undefined>(
      `${dir}/${e.name}/study.json`,
      undefined,
    );
    if (s) {
      studies.push({
        name: e.name,
        command: s.command ?? "",
        description: s.spec?.description ?? "",
      });
    }
  }
  studies.sort((a, b) => a.name < b.name ? -1 : 1);
  const rs = await readJson<
    { command?: string; episodes?: number; scores?: Record<string, { mean: number }> }
  >(
    `${dir}/random_scores.json`,
    {},
  );
  const tasks = [...byTask.values()].sort((a, b) =>
    envOrder(a.env) - envOrder(b.env) || a.env.localeCompare(b.env) || a.budget - b.budget
  );
  for (const t of tasks) {
    for (const runs of Object.values(t.runs)) {
      runs.sort((a, b) => a.results.seed - b.results.seed);
    }
  }
  return {
    tasks,
    random: Object.fromEntries(
      Object.entries(rs.scores ?? {}).map((
        [k, v],
      ) => [k, { mean: v.mean, episodes: rs.episodes ?? 0 }]),
    ),
    randomCommand: rs.command ?? "",
    references:
      (await readJson<{ references?: BenchData["references"] }>(`${dir}/references.json`, {}))
        .references ?? {},
    published: (await readJson<{ baselines?: BenchData["published"] }>(`${dir}/published.json`, {}))
      .baselines ?? [],
    studies,
    unfinished,
  };
}

/** Every number of the report, computed once. */
export interface BenchStats {
  perTask: {
    task: BenchTask;
    digits: number;
    byAlgo: Record<
      string,
      {
        scores: number[];
        /** Each run's normalized AUC: its mean return over training. */
        aucs: number[];
        summary: ReturnType<typeof taskSummary>;
        auc: ReturnType<typeof taskSummary>;
        curve: Band;
      }
    >;
    pGrpo?: Interval;
  }[];
  /** The tasks with both algorithms, and P(GRPO > PPO) over them. */
  paired: BenchTask[];
  pGrpo?: Interval;
  /** Tasks with both algorithms and r_m, t_m: the normalized-score aggregates and profiles. */
  normalized: BenchTask[];
  byAlgo: Record<string, { iqm: Interval; mean: Interval; profile: Band; runs: number }>;
}

/** τ grid of the performance profile: 0 to 1.5 in steps of 0.05. */
export const TAUS = Array.from({ length: 31 }, (_, i) => +(i * 0.05).toFixed(2));

/** Decimals to print a task's scores with: 1 from |x| ≥ 100, 2 from 1, else 3. */
export const digitsFor = (scores: readonly number[]) => {
  const top = Math.max(...scores.map(Math.abs));
  return top >= 100 ? 1 : top >= 1 ? 2 : 3;
};

/** Computes {@link BenchStats} from the data. */
export function benchmarkStats(data: BenchData): BenchStats {
  const perTask = data.tasks.map((task) => {
    const digits = digitsFor(Object.values(task.runs).flat().map((r) => r.score));
    const byAlgo: BenchStats["perTask"][number]["byAlgo"] = {};
    for (const algo of algos) {
      const runs = task.runs[algo];
      if (!runs?.length) continue;
      const scores = runs.map((r) => r.score);
      const aucs = runs.map((r) => auc(task.grid, r.curve, { normalize: true }));
      byAlgo[algo] = {
        scores,
        aucs,
        summary: taskSummary(scores, boot()),
        auc: taskSummary(aucs, boot()),
        curve: sampleEfficiencyCurve([runs.map((r) => r.curve)], task.grid, boot()),
      };
    }
    const both = byAlgo.grpo && byAlgo.ppo;
    const pGrpo = both
      ? probabilityOfImprovement([byAlgo.grpo.scores], [byAlgo.ppo.scores], boot())
      : undefined;
    return { task, digits, byAlgo, pGrpo };
  });
  const paired = data.tasks.filter((t) => t.runs.grpo?.length && t.runs.ppo?.length);
  const scoresOf = (ts: BenchTask[], algo: string) =>
    ts.map((t) => t.runs[algo].map((r) => r.score));
  const pGrpo = paired.length
    ? probabilityOfImprovement(scoresOf(paired, "grpo"), scoresOf(paired, "ppo"), boot())
    : undefined;
  const normalized = paired.filter((t) => data.random[t.env] && data.references[t.env]);
  const refs = normalized.map((t) => ({
    random: data.random[t.env].mean,
    reference: data.references[t.env].t,
  }));
  const byAlgo: BenchStats["byAlgo"] = {};
  if (normalized.length) {
    for (const algo of ["grpo", "ppo"]) {
      const x = normalizeScores(scoresOf(normalized, algo), refs);
      byAlgo[algo] = {
        iqm: aggregate(x, iqm, boot()),
        mean: aggregate(x, mean, boot()),
        profile: performanceProfile(x, TAUS, boot()),
        runs: x.flat().length,
      };
    }
  }
  return { perTask, paired, pGrpo, normalized, byAlgo };
}

/** v with d decimals; −0 prints as 0, and a nonzero v that would print as ±0.00 keeps its sign
 * and first digit (−0.004), since a CI bound's sign carries the verdict. */
export const fmt = (v: number, d: number) =>
  v !== 0 && Math.abs(v) < 0.5 * 10 ** -d
    ? v.toPrecision(1)
    : (Object.is(v, -0) ? 0 : v).toFixed(d);
/** "p [low, high]", or "p (n = 1)" for a single run. */
export const ci = (iv: Interval, n: number, d: number) =>
  n === 1
    ? `${fmt(iv.point, d)} (n = 1)`
    : `${fmt(iv.point, d)} [${fmt(iv.low, d)}, ${fmt(iv.high, d)}]`;
export const name = (algo: string) => algo.toUpperCase();
/** A step count: 1M, 150k, 8192. */
export const steps = (n: number) =>
  n >= 1e6 && n % 1e5 === 0 ? `${n / 1e6}M` : n >= 1e4 && n % 1e3 === 0 ? `${n / 1e3}k` : `${n}`;
const runsOf = (t: BenchTask, algo: string) => t.runs[algo]?.length ?? 0;

/** The cross-task section: normalized scores, P(GRPO > PPO), the profile at a few τ. */
export function crossTaskMarkdown(s: BenchStats): string {
  const out = ["## Across tasks", ""];
  if (!s.paired.length) {
    return [...out, "No task has finished runs of both algorithms yet.", ""].join("\n");
  }
  const n = s.normalized.length;
  if (n) {
    out.push(
      `Normalized score x̃ = (x − r_m)/(t_m − r_m) over the ${n} task${
        n > 1 ? "s" : ""
      } with both algorithms and both references (${
        s.normalized.map((t) => t.env).join(", ")
      }); all runs pooled; 95 % stratified-bootstrap CI (runs resampled within each task, R = ${RESAMPLES}).`,
      "",
      "| algorithm | tasks | runs | normalized IQM [95 % CI] | normalized mean [95 % CI] | F(0.5) [95 % CI] | F(1) [95 % CI] |",
      "|---|---:|---:|---|---|---|---|",
    );
    for (const [algo, a] of Object.entries(s.byAlgo)) {
      const at = (tau: number) => {
        const i = TAUS.indexOf(tau);
        return ci(
          { point: a.profile.point[i], low: a.profile.low[i], high: a.profile.high[i] },
          a.runs,
          2,
        );
      };
      out.push(
        `| ${name(algo)} | ${n} | ${a.runs} | ${ci(a.iqm, a.runs, 2)} | ${
          ci(a.mean, a.runs, 2)
        } | ${at(0.5)} | ${at(1)} |`,
      );
    }
    out.push(
      "",
      "F(τ): the fraction of runs with x̃ > τ, the performance profile (plotted at the top of docs/report.html).",
      "",
    );
  } else {out.push(
      "No task has both a random-policy score and a reference score yet: no normalized scores.",
      "",
    );}
  const nt = s.paired.length, p = s.pGrpo!;
  const runs = s.paired.reduce((a, t) => a + runsOf(t, "grpo") + runsOf(t, "ppo"), 0);
  out.push(
    `**P(GRPO > PPO)** over ${nt} task${nt > 1 ? "s" : ""} (${runs} runs): ${
      ci(p, runs, 2)
    } (95 % stratified-bootstrap CI). Above 0.5 with the CI above 0.5: GRPO likely better; a CI containing 0.5: no detectable difference.`,
    "",
  );
  return out.join("\n");
}

/** The per-task section: one row per task × algorithm. */
export function perTaskMarkdown(s: BenchStats): string {
  const out = [
    "## Per task",
    "",
    "Score of a run: the mean of its E deterministic episodes at the budget. CIs: 95 % percentile bootstrap over runs (R = 2000). AUC: the area under the run's curve (mean return at each grid point) ÷ the budget, i.e. its average score over training.",
    "",
    "| task | budget | algorithm | n | mean ± sample std | mean [95 % CI] | IQM [95 % CI] | AUC [95 % CI] | P(GRPO > PPO) [95 % CI] |",
    "|---|---:|---|---:|---|---|---|---|---|",
  ];
  if (!s.perTask.length) return [...out.slice(0, 2), "No finished runs yet.", ""].join("\n");
  for (const { task, digits: d, byAlgo, pGrpo } of s.perTask) {
    for (const [algo, a] of Object.entries(byAlgo)) {
      const n = a.scores.length;
      const p = algo === "grpo" && pGrpo
        ? ci(pGrpo, Math.min(n, byAlgo.ppo.scores.length), 2)
        : algo === "grpo"
        ? "no PPO runs"
        : "";
      out.push(
        `| ${task.env} | ${steps(task.budget)} | ${name(algo)} | ${n} | ${
          formatMeanStd(a.scores, { std: "sample", digits: d, unit: "seeds" })
        } | ${ci(a.summary.mean, n, d)} | ${ci(a.summary.iqm, n, d)} | ${
          ci(a.auc.mean, n, d)
        } | ${p} |`,
      );
    }
  }
  out.push("", "IQM with n < 4 drops nothing: it equals the mean.", "");
  return out.join("\n");
}

/** The whole of docs/benchmark.md. */
export function benchmarkMarkdown(
  data: BenchData,
  s = benchmarkStats(data),
  dir = "docs/bench",
): string {
  const out = [
    "# Benchmark: GRPO vs PPO",
    "",
    `Generated by \`deno task report\` (scripts/benchmark.ts) from the committed raw data in \`${dir}/\`: do not edit by hand. Protocol and estimators: [protocol.md](protocol.md). Whether GRPO matches PPO, task by task, by a stated rule: [grpo_vs_ppo.md](grpo_vs_ppo.md). Runs train seeds 1000 and up (tuning uses seeds below 1000) and evaluate the deterministic policy on ≥ 10 episodes of their own evaluation stream at every point of an env-step grid shared by both algorithms.`,
    "",
    crossTaskMarkdown(s),
    perTaskMarkdown(s),
    "## Normalization references",
    "",
    `r_m: the mean return of a uniform-random policy (\`${
      data.randomCommand || "no random_scores.json"
    }\`); t_m: a stated reference.`,
    "",
    "| task | r_m (episodes) | t_m | source of t_m |",
    "|---|---:|---:|---|",
    ...[...new Set([...Object.keys(data.references), ...Object.keys(data.random)])].sort((a, b) =>
      envOrder(a) - envOrder(b)
    ).map((env) => {
      const r = data.random[env], t = data.references[env];
      return `| ${env} | ${r ? `${fmt(r.mean, 2)} (${r.episodes})` : "not measured"} | ${
        t?.t ?? "none"
      } | ${t?.source ?? "none: left out of normalized scores"} |`;
    }),
    "",
    publishedMarkdown(data, s),
    "## Studies",
    "",
    ...(data.studies.length
      ? data.studies.map((st) =>
        `- \`${st.name}\`: ${st.description}. Command: \`${st.command}\`; folder \`${dir}/${st.name}/\`.`
      )
      : ["- none committed"]),
    ...(data.unfinished.length
      ? ["", `Unfinished runs left out: ${data.unfinished.join(", ")}.`]
      : []),
    "",
  ];
  return out.join("\n");
}

/** Published baselines beside ours, on the tasks they cover. */
export function publishedMarkdown(data: BenchData, s: BenchStats): string {
  const envs = [...new Set(data.published.flatMap((b) => Object.keys(b.scores)))]
    .sort((a, b) => envOrder(a) - envOrder(b));
  if (!envs.length) return "";
  const ours = (env: string, algo: string) => {
    const t = s.perTask.filter((p) => p.task.env === env && p.byAlgo[algo]).at(-1);
    if (!t) return "not run";
    const a = t.byAlgo[algo];
    return `${ci(a.summary.mean, a.scores.length, 1)} (v5, ${
      steps(t.task.budget)
    }, n = ${a.scores.length}, mean [95 % CI])`;
  };
  const out = [
    "## Published baselines beside ours",
    "",
    "Different env versions, budgets and meanings of ±: read the columns before comparing.",
    "",
    `| source | version | budget | runs | ± means | ${envs.join(" | ")} |`,
    `|---|---|---:|---:|---|${envs.map(() => "---|").join("")}`,
    ...data.published.map((b) =>
      `| ${b.source} | ${b.version} | ${steps(b.budget)} | ${b.runs} | ${b.pm} | ${
        envs.map((e) => b.scores[e] ? b.scores[e].map((v) => v.toFixed(1)).join(" ± ") : "").join(
          " | ",
        )
      } |`
    ),
    ...["ppo", "grpo"].map((algo) =>
      `| grpo-ts ${name(algo)} (this benchmark) | v5 | | | 95 % bootstrap CI of the mean | ${
        envs.map((e) => ours(e, algo)).join(" | ")
      } |`
    ),
    "",
  ];
  return out.join("\n");
}

const COLORS: Record<string, string> = { grpo: "#d62728", ppo: "#1f77b4" };

/** The performance-profile plot (SVG), or "" without normalized scores. */
export function profileSvg(s: BenchStats): string {
  if (!Object.keys(s.byAlgo).length) return "";
  return lineChart({
    title: `Performance profile over ${s.normalized.length} tasks (95 % CI bands)`,
    xLabel: "normalized score τ",
    yLabel: "fraction of runs with x̃ > τ",
    series: Object.entries(s.byAlgo).map(([algo, a]) => ({
      name: name(algo),
      color: COLORS[algo],
      x: a.profile.x,
      y: a.profile.point,
      low: a.profile.low,
      high: a.profile.high,
    })),
  });
}

/** One sample-efficiency plot (SVG) per task: IQM of the runs' curves with a 95 % band. */
export function curveSvgs(s: BenchStats): { env: string; budget: number; svg: string }[] {
  return s.perTask.map(({ task, byAlgo }) => ({
    env: task.env,
    budget: task.budget,
    svg: lineChart({
      title: `${task.env}: IQM of the evaluation return (95 % CI band)`,
      xLabel: "env steps",
      yLabel: "return",
      series: Object.entries(byAlgo).map(([algo, a]) => ({
        name: `${name(algo)} (n = ${a.scores.length})`,
        color: COLORS[algo],
        ...a.curve,
        y: a.curve.point,
      })),
    }),
  }));
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? "docs/bench";
  console.log(benchmarkMarkdown(await loadBench(dir), undefined, dir));
}
