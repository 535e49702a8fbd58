/**
 * Per-update metrics written as `metrics.jsonl` and `metrics.csv` in a run folder, safe to resume.
 *
 * One row per update, with CleanRL / TRL names: `global_step`, `SPS`, `charts/episodic_return`,
 * `losses/approx_kl`, `grad_norm`, ... Each row is appended to both files with one write each, so
 * no row waits in a buffer when the process is killed.
 *
 * - `metrics.jsonl` is the source of truth: one JSON object per line, every key of every row.
 *   NaN and ±∞ become `null` (JSON has no form for them).
 * - `metrics.csv` has a fixed column set: the `columns` option if given, else the keys of the
 *   first row. A key outside that set goes to the jsonl only; a missing key is an empty cell.
 *   So the CSV stays rectangular. Non-finite numbers are written `nan`, `inf`, `-inf`, and `null`
 *   as `nan` (a resume rewrites the CSV from the jsonl, where NaN was stored as `null`).
 *
 * Resume: `new MetricsWriter(dir, { resumeStep })` keeps the rows with `global_step ≤ resumeStep`,
 * drops later ones (written after the last checkpoint by a run that was killed) and a partial last
 * line, and rewrites both files from the jsonl before appending.
 *
 * Reference: CleanRL's metric names (charts/, losses/, SPS); TRL's GRPO log keys.
 *
 * @module
 */

/** One metric value; non-finite numbers are allowed and stored as described in the module doc. */
export type MetricValue = number | string | boolean | null;
/** One row: metric name → value; must hold the step key (default `global_step`). */
export type MetricsRow = Record<string, MetricValue>;

/** Options of {@link MetricsWriter}. */
export interface MetricsWriterOptions {
  /**
   * Resume an existing run: keep rows with step ≤ `resumeStep` and append after them. Default
   * `undefined`: start fresh, replacing any metrics files in `dir`.
   */
  resumeStep?: number;
  /** Fixed CSV columns. Default: the keys of the first row (the first kept row on resume). */
  columns?: readonly string[];
  /** The key holding the environment step. Default `"global_step"`. */
  stepKey?: string;
}

/**
 * Appends one row per update to `DIR/metrics.jsonl` and `DIR/metrics.csv`; see the module doc.
 *
 * @example
 * ```ts
 * import { MetricsWriter, readMetrics } from "./metrics.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * const m = new MetricsWriter(dir);
 * m.write({ global_step: 2048, "charts/episodic_return": -1200.5, SPS: 3100 });
 * deepStrictEqual(readMetrics(dir), [{ global_step: 2048, "charts/episodic_return": -1200.5, SPS: 3100 }]);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export class MetricsWriter {
  /** `DIR/metrics.jsonl`. */
  readonly jsonlPath: string;
  /** `DIR/metrics.csv`. */
  readonly csvPath: string;
  /** The CSV columns; `undefined` until the first row when not declared. */
  columns: readonly string[] | undefined;
  readonly #stepKey: string;

  /** Opens (and creates) `dir`, fresh or resumed; see {@link MetricsWriterOptions}. */
  constructor(dir: string, options: MetricsWriterOptions = {}) {
    this.jsonlPath = `${dir}/metrics.jsonl`;
    this.csvPath = `${dir}/metrics.csv`;
    this.#stepKey = options.stepKey ?? "global_step";
    this.columns = options.columns && [...options.columns];
    Deno.mkdirSync(dir, { recursive: true });
    const { resumeStep } = options;
    let kept: MetricsRow[] = [];
    if (resumeStep !== undefined) {
      if (Number.isNaN(resumeStep)) throw new Error(`MetricsWriter: resumeStep is NaN`);
      kept = readMetrics(dir).filter((r) => {
        const s = r[this.#stepKey];
        return typeof s !== "number" || s <= resumeStep;
      });
      if (kept.length) this.columns ??= Object.keys(kept[0]);
    }
    const jsonl = kept.map((r) => JSON.stringify(r) + "\n").join("");
    const csv = this.columns
      ? [this.columns.map(csvCell).join(",") + "\n", ...kept.map((r) => this.#csvLine(r))].join("")
      : "";
    replaceFile(this.jsonlPath, jsonl);
    replaceFile(this.csvPath, csv);
  }

  /**
   * Appends one row to both files, each in a single write that is not buffered in memory.
   *
   * @param row metric name → value; `row[stepKey]` must be a finite number.
   */
  write(row: MetricsRow): void {
    const step = row[this.#stepKey];
    if (typeof step !== "number" || !Number.isFinite(step)) {
      throw new Error(
        `MetricsWriter.write: row has "${this.#stepKey}" = ${
          typeof step === "string" ? JSON.stringify(step) : step
        }, ` +
          `expected a finite number`,
      );
    }
    Deno.writeTextFileSync(this.jsonlPath, JSON.stringify(row) + "\n", { append: true });
    if (!this.columns) {
      this.columns = Object.keys(row);
      Deno.writeTextFileSync(this.csvPath, this.columns.map(csvCell).join(",") + "\n", {
        append: true,
      });
    }
    Deno.writeTextFileSync(this.csvPath, this.#csvLine(row), { append: true });
  }

  #csvLine(row: MetricsRow): string {
    return this.columns!.map((k) => csvCell(row[k])).join(",") + "\n";
  }
}

/**
 * One CSV cell: quoted when it holds `,`, `"` or a newline; non-finite numbers as nan / inf; `null`
 * (how the jsonl stores a non-finite number, so what a resume reads back) as nan; a missing key empty.
 */
function csvCell(v: MetricValue | undefined): string {
  if (v === undefined) return "";
  if (v === null) return "nan";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    return String(v);
  }
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Writes `text` to `path` through a temp file and a rename, so a crash leaves old or new. */
function replaceFile(path: string, text: string): void {
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID()}`;
  Deno.writeTextFileSync(tmp, text);
  Deno.renameSync(tmp, path);
}

/**
 * Reads the rows of `DIR/metrics.jsonl` (an empty list if there is none). A last line cut short by
 * a kill is dropped.
 *
 * @throws if a line other than the last is not a JSON object, naming the line.
 */
export function readMetrics(dir: string): MetricsRow[] {
  const path = `${dir}/metrics.jsonl`;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  const lines = text.split("\n");
  const rows: MetricsRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] === "") continue;
    const last = i === lines.length - 1; // no "\n" after it: the write was cut short
    let row: unknown;
    try {
      row = JSON.parse(lines[i]);
    } catch (err) {
      if (last) break;
      throw new Error(`${path} line ${i + 1} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      if (last) break;
      throw new Error(`${path} line ${i + 1} is ${lines[i]}, expected a JSON object`);
    }
    if (last) break; // parsable but unterminated: treat as cut short, like a partial line
    rows.push(row as MetricsRow);
  }
  return rows;
}

/**
 * Writes the run's configuration to `DIR/args.json` (pretty-printed, atomically), creating `dir`.
 *
 * @returns the path written.
 */
export function writeArgs(dir: string, args: Record<string, unknown>): string {
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/args.json`;
  replaceFile(path, JSON.stringify(args, null, 2) + "\n");
  return path;
}

/**
 * The mean of a list, NaN when empty.
 * @example
 * ```ts
 * import { meanOf, stdOf } from "./metrics.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(meanOf([1, 2, 3, 6]), 3);
 * strictEqual(stdOf([1, 2, 3, 6]), Math.sqrt(3.5)); // (4 + 1 + 0 + 9)/4
 * ```
 */
export function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return xs.length ? s / xs.length : NaN;
}

/** The population standard deviation √(Σ(x − x̄)²/n) (divides by n, not n − 1), NaN when empty. */
export function stdOf(xs: ArrayLike<number>): number {
  const m = meanOf(xs);
  return Math.sqrt(meanOf(Array.from(xs, (x) => (x - m) ** 2)));
}
