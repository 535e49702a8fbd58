/**
 * Runs a benchmark study (scripts/studies.ts, or `--spec FILE.json`): every env × algorithm × seed
 * as a `scripts/train.ts` subprocess with `--threads 1 --env-workers 0` (one core per job), `--jobs`
 * at a time, each evaluated on the study's env-step grid into its results.json. Resumable: a run
 * whose results.json is complete for this spec is skipped, an interrupted one resumes from its
 * checkpoint, so a study can take several sittings. SIGINT / SIGTERM stop every run at its next
 * update boundary with a checkpoint written; rerun the same command to continue.
 *
 *   deno task study classic --jobs 2                       # runs/study/classic/<env>_<algo>_s<seed>/
 *   deno task study classic --status                       # done / partial / missing, nothing run
 *   deno task study classic --no-train --commit-to docs/bench/classic   # copy finished results.json
 *   deno task study mujoco --envs Hopper-v5,Walker2d-v5 --seeds 3
 *
 * `--commit-to DIR` copies only the compact results files, DIR/<env>_<algo>_s<seed>/results.json,
 * and the resolved spec with its command, DIR/study.json; never checkpoints or metrics.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Algo, algos, type Config, configFor, kebab, validateConfig } from "../lib/config.ts";
import { readResults, type RunResults } from "../lib/results.ts";
import { envIds } from "../envs/registry.ts";
import { intFlag } from "./config.ts";
import { resolveSpec, studies, type StudySpec } from "./studies.ts";

/** One run of a study. */
export interface StudyRun {
  env: string;
  algo: Algo;
  seed: number;
  /** Its folder: <root>/<study>/<env>_<algo>_s<seed>. */
  dir: string;
  /** The train.ts flags of a fresh start (without --out). */
  flags: string[];
  /** The config those flags give under the presets as they stand. */
  config: Config;
  totalSteps: number;
  evalEverySteps: number;
  evalEpisodes: number;
}

/**
 * Where a run stands: finished for this spec, interrupted (a checkpoint), not started, or stale
 * (its results.json has another budget, grid or episode count, or another config, e.g. from a preset
 * changed since: it is started over).
 */
export type RunStatus = "done" | "partial" | "missing" | "stale";

/** The runs of a resolved spec, filtered by env, algorithm and seed count. */
export function planStudy(
  spec: StudySpec,
  opts: { root: string; envs?: string[]; algos?: string[]; seeds?: number },
): StudyRun[] {
  const s = resolveSpec(spec);
  const unknown = s.envs.find((e) => !(envIds as readonly string[]).includes(e));
  if (unknown) {
    throw new Error(`study ${s.name}: env "${unknown}" is not one of ${envIds.join(", ")}`);
  }
  const runs: StudyRun[] = [];
  for (const env of s.envs.filter((e) => !opts.envs || opts.envs.includes(e))) {
    for (const algo of s.algos.filter((a) => !opts.algos || opts.algos.includes(a))) {
      for (let i = 0; i < Math.min(s.seeds, opts.seeds ?? s.seeds); i++) {
        const seed = s.firstSeed + i, B = s.budget[env], D = B / s.points;
        const fields = {
          env,
          algo,
          seed,
          totalSteps: B,
          evalEverySteps: D,
          evalEpisodes: s.evalEpisodes,
          evalEvery: 0, // the grid only: no update-count evaluations
          threads: 1,
          envWorkers: 0, // one core per job: a study runs jobs side by side
          ...s.overrides[env]?.[algo],
        };
        const config = configFor(fields);
        validateConfig(config); // a bad field fails here, before anything runs
        const flags = Object.entries(fields).map(([k, v]) =>
          typeof v === "boolean" ? (v ? `--${kebab(k)}` : `--no-${kebab(k)}`) : `--${kebab(k)}=${v}`
        );
        runs.push({
          env,
          algo,
          seed,
          dir: `${opts.root}/${s.name}/${env}_${algo}_s${seed}`,
          flags,
          config,
          totalSteps: fields.totalSteps,
          evalEverySteps: fields.evalEverySteps,
          evalEpisodes: fields.evalEpisodes,
        });
      }
    }
  }
  return runs;
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

const sameRun = (r: RunResults, run: StudyRun) =>
  r.totalSteps === run.totalSteps && r.evalEverySteps === run.evalEverySteps &&
  r.evalEpisodes === run.evalEpisodes && configChanges(r, run).length === 0;

/** Fields that do not change a run's numbers (threads and workers by design, checkpoints too). */
const numberNeutral = new Set(["threads", "envWorkers", "checkpointEvery"]);

/**
 * The config fields in which `r` differs from what `run` would run now, as "field: was → now".
 * Fields one side lacks (added or removed since) are skipped.
 */
export function configChanges(r: RunResults, run: StudyRun): string[] {
  const now = run.config as unknown as Record<string, unknown>;
  return Object.keys(r.config)
    .filter((k) => k in now && !numberNeutral.has(k))
    .filter((k) => JSON.stringify(r.config[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k}: ${JSON.stringify(r.config[k])} → ${JSON.stringify(now[k])}`);
}

/** Whether `r` is the complete results of `run` (same budget, grid, episodes and config). */
export function completeFor(r: RunResults | undefined, run: StudyRun): boolean {
  return !!r && r.complete && sameRun(r, run);
}

/** Where `run` stands. */
export async function runStatus(run: StudyRun): Promise<RunStatus> {
  const r = await readResults(run.dir).catch(() => undefined);
  if (r && !sameRun(r, run)) return "stale";
  if (r?.complete) return "done";
  return await exists(`${run.dir}/checkpoint.json`) ? "partial" : "missing";
}

/**
 * Runs every run not done, `jobs` at a time; a stop signal stops them all with a checkpoint.
 * Returns the runs that failed and whether a signal stopped the study.
 */
export async function runStudy(
  runs: StudyRun[],
  opts: { jobs: number; logDir: string; log?: (m: string) => void },
): Promise<{ failed: StudyRun[]; stopped: boolean }> {
  const log = opts.log ?? console.log;
  const script = new URL("./train.ts", import.meta.url).pathname;
  const queue = [...runs], failed: StudyRun[] = [], running = new Set<Deno.ChildProcess>();
  let stopped = false;
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const h = () => {
      stopped = true;
      for (const child of running) child.kill(sig); // each finishes its update and checkpoints
    };
    Deno.addSignalListener(sig, h);
    return [sig, h] as const;
  });
  await Deno.mkdir(opts.logDir, { recursive: true });
  const worker = async () => {
    for (let run = queue.shift(); run && !stopped; run = queue.shift()) {
      const status = await runStatus(run);
      if (status === "done") continue;
      const args = status === "partial"
        ? ["--resume", run.dir, "--threads=1", "--env-workers=0"]
        : [...run.flags, "--out", run.dir, "--overwrite"]; // none, stale, or killed before a checkpoint
      const name = run.dir.split("/").at(-1)!;
      log(
        `${
          { partial: "resume", missing: "start", stale: "restart (another grid or config)" }[status]
        } ${name}`,
      );
      const file = await Deno.open(`${opts.logDir}/${name}.log`, { append: true, create: true });
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, ...args, "--quiet"],
        stdout: "null",
        stderr: "piped",
      }).spawn();
      running.add(child);
      const [{ code }] = await Promise.all([child.status, child.stderr.pipeTo(file.writable)]);
      running.delete(child);
      if (code === 0) log(`done ${name}`);
      else if (stopped && (code === 130 || code === 143)) log(`stopped ${name} (checkpoint kept)`);
      else {
        failed.push(run);
        log(`FAILED ${name} (exit ${code}): see ${opts.logDir}/${name}.log`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.jobs }, worker));
  } finally {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
  }
  return { failed, stopped };
}

/**
 * Copies the results.json of every finished run into `dir`/<run>/results.json and writes the
 * resolved spec with `command` to `dir`/study.json. Returns how many runs were copied.
 */
export async function commitResults(
  spec: StudySpec,
  runs: StudyRun[],
  dir: string,
  command: string,
): Promise<number> {
  let n = 0;
  for (const run of runs) {
    const r = await readResults(run.dir).catch(() => undefined);
    if (!completeFor(r, run)) continue;
    const to = `${dir}/${run.dir.split("/").at(-1)}`;
    await Deno.mkdir(to, { recursive: true });
    await Deno.copyFile(`${run.dir}/results.json`, `${to}/results.json`);
    n++;
  }
  await Deno.mkdir(dir, { recursive: true });
  const study = { spec: resolveSpec(spec), command };
  await Deno.writeTextFile(`${dir}/study.json`, JSON.stringify(study, null, 1) + "\n");
  return n;
}

const list = (flag: string, v: string | undefined, valid: readonly string[]) => {
  if (v === undefined) return undefined;
  const xs = v.split(",");
  const bad = xs.find((x) => !valid.includes(x));
  if (bad !== undefined) {
    throw new Error(`--${flag} "${bad}" is not one of ${valid.join(", ")}`);
  }
  return xs;
};

/** `deno task study <name> [flags]`; returns the process's exit code. */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      spec: { type: "string" },
      root: { type: "string", default: "runs/study" },
      jobs: { type: "string", default: "1" },
      envs: { type: "string" },
      algos: { type: "string" },
      seeds: { type: "string" },
      status: { type: "boolean" },
      train: { type: "boolean", default: true },
      "commit-to": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowNegative: true,
  });
  if (values.help || (!positionals.length && !values.spec)) {
    console.log(
      `Usage: deno task study <${
        Object.keys(studies).join("|")
      }> | --spec FILE.json [--root runs/study]\n` +
        `  [--jobs 1|2] [--envs A,B] [--algos grpo,ppo] [--seeds N] [--status] [--no-train] [--commit-to DIR]`,
    );
    return 0;
  }
  const spec: StudySpec = values.spec
    ? JSON.parse(await Deno.readTextFile(values.spec))
    : studies[positionals[0]];
  if (!spec) {
    throw new Error(`study "${positionals[0]}" is not one of ${Object.keys(studies).join(", ")}`);
  }
  const cores = navigator.hardwareConcurrency ?? 1;
  const jobs = intFlag("jobs", values.jobs, 1, Math.max(2, cores));
  const runs = planStudy(spec, {
    root: values.root,
    envs: list("envs", values.envs, envIds),
    algos: list("algos", values.algos, algos),
    seeds: values.seeds === undefined ? undefined : intFlag("seeds", values.seeds, 1),
  });
  const statuses = await Promise.all(runs.map(runStatus));
  const count = (s: RunStatus) => statuses.filter((x) => x === s).length;
  console.log(
    `study ${spec.name}: ${runs.length} runs, ${count("done")} done, ${count("partial")} partial, ${
      count("missing")
    } missing, ${count("stale")} stale`,
  );
  if (values.status) {
    runs.forEach((r, i) => console.log(`  ${statuses[i].padEnd(8)} ${r.dir}`));
    return 0;
  }
  let code = 0;
  if (values.train) {
    const { failed, stopped } = await runStudy(runs, {
      jobs,
      logDir: `${values.root}/${spec.name}/logs`,
    });
    if (stopped) {
      console.error(`stopped: rerun \`deno task study ${argv.join(" ")}\` to resume`);
      return 130;
    }
    if (failed.length) code = 1;
  }
  if (values["commit-to"]) {
    const command = `deno task study ${positionals[0] ?? `--spec ${values.spec}`}`;
    const n = await commitResults(spec, runs, values["commit-to"], command);
    console.log(`copied ${n} finished results.json to ${values["commit-to"]}`);
  }
  return code;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error(`study: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
