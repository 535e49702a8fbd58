/**
 * The per-run results file, `results.json` in the run folder: the config, the evaluation stream
 * and the deterministic evaluation at every point of an env-step grid, with its per-episode
 * returns, wall time and versions. It is the raw data the benchmark report (scripts/bench_report.ts)
 * reads; checkpoints and metrics stay out of the repository.
 *
 * ```text
 * grid(B, D) = {0, D, 2D, …, kD < B} ∪ {B}     B: --total-steps, D: --eval-every-steps (0: {B})
 * point g is evaluated at the end of the first update whose cumulative env steps reach g;
 * it records g (grid), that update's actual env step (step ≥ g) and the E episode returns.
 * ```
 *
 * @module
 */
import { writeAtomic } from "./checkpoint.ts";

/** The format tag of a results file. */
export const RESULTS_FORMAT = "grpo-ts/results";
/** The results file's name inside a run folder. */
export const RESULTS_FILE = "results.json";

/** One evaluation on the grid. */
export interface GridEval {
  /** The grid point g. */
  grid: number;
  /** The env step at the end of the update that reached g (≥ g). */
  step: number;
  /** Updates done by then. */
  update: number;
  /** The deterministic return of each episode, rounded to 1e-4. */
  returns: number[];
}

/** A session that wrote to the file: the code and runtime, and the step it started from. */
export interface Session {
  fromStep: number;
  deno: string;
  /** `git describe --always --dirty` of the grpo-ts checkout, when known. */
  commit?: string;
  /** The machine, when known: OS, architecture, CPU model and logical cores ("linux x86_64, …, 2 cores"). */
  machine?: string;
}

/** What `results.json` holds. */
export interface RunResults {
  format: typeof RESULTS_FORMAT;
  version: 1;
  env: string;
  algo: string;
  seed: number;
  /** True once the run reached its budget (its last grid point is the final evaluation). */
  complete: boolean;
  totalSteps: number;
  evalEverySteps: number;
  evalEpisodes: number;
  /** Evaluation stream s: episode e is reset with seed evalSeed(s, e) (lib/seeds.ts). */
  evalStream: number;
  /** Training time (rollouts, advantages, updates; not evaluation), summed over sessions. */
  trainSeconds: number;
  /** Wall time of the whole run (training, evaluation, checkpoints), summed over sessions. */
  wallSeconds: number;
  sessions: Session[];
  /** The run's full config (without its folder). */
  config: Record<string, unknown>;
  evals: GridEval[];
}

/**
 * The evaluation grid of a budget: 0, D, 2D, … below B, then B itself.
 *
 * @example
 * ```ts
 * import { evalGrid } from "./results.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(evalGrid(10, 4), [0, 4, 8, 10]);
 * deepStrictEqual(evalGrid(8, 4), [0, 4, 8]);
 * deepStrictEqual(evalGrid(8, 0), [8]);
 * ```
 */
export function evalGrid(totalSteps: number, every: number): number[] {
  const grid: number[] = [];
  if (every > 0) { for (let g = 0; g < totalSteps; g += every) grid.push(g); }
  grid.push(totalSteps);
  return grid;
}

/** A return rounded to 1e-4, as stored. */
export const roundReturn = (x: number): number => Math.round(x * 1e4) / 1e4;

/**
 * The file's text: the header on one line each, then one line per evaluation, so that a diff of
 * two versions of a run shows the grid points that changed.
 */
export function stringifyResults(r: RunResults): string {
  const { evals, config, ...head } = r;
  const fields = Object.entries(head).map(([k, v]) =>
    ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`
  );
  fields.push(` "config": ${JSON.stringify(config)}`);
  const rows = evals.map((e) => `  ${JSON.stringify(e)}`);
  fields.push(` "evals": [${rows.length ? `\n${rows.join(",\n")}\n ` : ""}]`);
  return `{\n${fields.join(",\n")}\n}\n`;
}

/** Writes `results.json` into `dir` atomically. */
export async function writeResults(dir: string, r: RunResults): Promise<void> {
  await writeAtomic(`${dir}/${RESULTS_FILE}`, stringifyResults(r));
}

/**
 * Parses and checks a results file's text.
 *
 * @throws naming `path` when it is not JSON, not of this format, or lacks a field.
 */
export function parseResults(text: string, path = RESULTS_FILE): RunResults {
  let r: RunResults;
  try {
    r = JSON.parse(text);
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message})`);
  }
  if (r?.format !== RESULTS_FORMAT || r.version !== 1) {
    throw new Error(
      `${path}: expected format ${RESULTS_FORMAT} version 1, got ${r?.format} ${r?.version}`,
    );
  }
  for (
    const k of ["env", "algo", "seed", "totalSteps", "evalEpisodes", "evals", "config"] as const
  ) {
    if (r[k] === undefined) throw new Error(`${path}: missing field "${k}"`);
  }
  return r;
}

/** The results file of run folder `dir`, or undefined when there is none. */
export async function readResults(dir: string): Promise<RunResults | undefined> {
  const path = `${dir}/${RESULTS_FILE}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  return parseResults(text, path);
}

/** Options of {@link ResultsRecorder}. */
export interface RecorderOptions {
  /** The run folder (undefined: record in memory only). */
  out?: string;
  /** The evaluation stream. */
  stream: number;
  /** The config as the file records it. */
  config: Record<string, unknown>;
  /** The file a resumed run left: its points up to `step` are kept, later ones dropped. */
  previous?: RunResults;
  /** The step, train and wall time the run starts from (wall: default `previous`'s, else 0). */
  step: number;
  trainSeconds: number;
  wallSeconds?: number;
  session?: { commit?: string; machine?: string };
}

/**
 * Keeps a run's grid evaluations and writes results.json after each: `due(step)` names the grid
 * points an update reaching `step` must evaluate, `record` stores one evaluation for them.
 */
export class ResultsRecorder {
  readonly grid: number[];
  readonly #r: RunResults;
  readonly #out?: string;
  readonly #start = performance.now();
  readonly #wallBefore: number;

  constructor(
    cfg: {
      env: string;
      algo: string;
      seed: number;
      totalSteps: number;
      evalEverySteps: number;
      evalEpisodes: number;
    },
    o: RecorderOptions,
  ) {
    this.grid = evalGrid(cfg.totalSteps, cfg.evalEverySteps);
    this.#out = o.out;
    const prev = o.previous;
    this.#wallBefore = o.wallSeconds ?? prev?.wallSeconds ?? 0;
    const session: Session = {
      fromStep: o.step,
      deno: globalThis.Deno?.version.deno ?? "",
      ...o.session,
    };
    this.#r = {
      format: RESULTS_FORMAT,
      version: 1,
      env: cfg.env,
      algo: cfg.algo,
      seed: cfg.seed,
      complete: false,
      totalSteps: cfg.totalSteps,
      evalEverySteps: cfg.evalEverySteps,
      evalEpisodes: cfg.evalEpisodes,
      evalStream: o.stream,
      trainSeconds: o.trainSeconds,
      wallSeconds: this.#wallBefore,
      sessions: [...(prev?.sessions ?? []), session],
      config: o.config,
      evals: (prev?.evals ?? []).filter((e) => e.step <= o.step), // later ones are redone
    };
  }

  /** The evaluations so far. */
  get evals(): GridEval[] {
    return this.#r.evals;
  }

  /** The grid points at or below `step` that hold no evaluation yet. */
  due(step: number): number[] {
    const done = new Set(this.#r.evals.map((e) => e.grid));
    return this.grid.filter((g) => g <= step && !done.has(g));
  }

  /** Records one evaluation for `points` and writes the file. */
  async record(
    points: number[],
    at: { step: number; update: number; returns: number[]; trainSeconds: number },
  ): Promise<void> {
    const returns = at.returns.map(roundReturn);
    for (const grid of points) {
      this.#r.evals.push({ grid, step: at.step, update: at.update, returns });
    }
    this.#r.evals.sort((a, b) => a.grid - b.grid);
    await this.write(at.trainSeconds);
  }

  /** Wall time so far, summed over sessions. */
  wallSeconds = (): number => this.#wallBefore + (performance.now() - this.#start) / 1000;

  /** Writes the file (when there is a folder) with the times so far. */
  async write(trainSeconds: number, opts: { complete?: boolean } = {}): Promise<void> {
    const ms = (s: number) => Math.round(s * 1000) / 1000;
    this.#r.trainSeconds = ms(trainSeconds);
    this.#r.wallSeconds = ms(this.wallSeconds());
    if (opts.complete) this.#r.complete = true;
    if (this.#out) await writeResults(this.#out, this.#r);
  }
}
