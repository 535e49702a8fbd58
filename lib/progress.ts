/**
 * A training progress display: one redrawn line on a terminal, plain periodic lines otherwise.
 *
 * ```text
 * step 12288/1000000 (1.2%) | SPS 2345 | return -1235 | elapsed 5s | ETA 7m02s
 *
 * SPS = (step − step₀) / (t − t₀)      steps since start over seconds since start (CleanRL's SPS)
 * ETA = (total − step) / SPS
 * ```
 *
 * Output goes through an injectable `write` (default: `Deno.stdout.writeSync`), and time through an
 * injectable `now`, so tests can capture output with a fake clock.
 *
 * Reference: CleanRL's `SPS = int(global_step / (time.time() - start_time))`.
 *
 * @module
 */

/** Options of {@link Progress}. */
export interface ProgressOptions {
  /** Where text goes. Default: all of it to `Deno.stdout.writeSync`. */
  write?: (text: string) => void;
  /** Redraw one line with `\r` (true) or print plain lines (false). Default `Deno.stdout.isTerminal()`. */
  isTerminal?: boolean;
  /** The clock in milliseconds. Default `performance.now`. */
  now?: () => number;
  /** Plain mode: print at least this often, in seconds. Default 10. */
  everySeconds?: number;
  /** Plain mode: also print every this many updates; 0 turns it off. Default 0. */
  everyUpdates?: number;
  /** Terminal mode: redraw at most this often, in milliseconds. Default 100. */
  redrawMs?: number;
  /** The step at which the clock starts (the resumed step). Default 0. */
  startStep?: number;
  /**
   * What `reward` is, shown before its value so that it does not read like an episode return,
   * e.g. `"32-step segment reward"`. Default `"reward"`.
   */
  rewardLabel?: string;
}

/** What {@link Progress.update} may show besides the step count. */
export interface ProgressStats {
  /** A recent mean episodic return; the last value given stays shown until a new one comes. */
  recentReturn?: number;
  /** The last update's `reward` metric, shown while no episode has ended (long episodes, GRPO). */
  reward?: number;
}

/**
 * Shows steps/total, SPS, recent return, elapsed time and ETA.
 *
 * @example
 * ```ts
 * import { Progress } from "./progress.ts";
 * import { strictEqual } from "node:assert/strict";
 * let t = 0, out = "";
 * const p = new Progress(1000, { isTerminal: false, now: () => t, write: (s) => (out += s) });
 * t = 2000;
 * p.update(500, { recentReturn: -150 });
 * strictEqual(out, "step 500/1000 (50.0%) | SPS 250 | return -150 | elapsed 2s | ETA 2s\n");
 * ```
 */
export class Progress {
  readonly total: number;
  readonly #write: (text: string) => void;
  readonly #terminal: boolean;
  readonly #now: () => number;
  readonly #everyMs: number;
  readonly #everyUpdates: number;
  readonly #redrawMs: number;
  readonly #startStep: number;
  readonly #startTime: number;
  readonly #rewardLabel: string;
  #lastShown = -Infinity;
  #updatesSinceShown = 0;
  #recentReturn: number | undefined;
  #reward: number | undefined;
  #step: number;

  /** @param total the total number of environment steps of the run. */
  constructor(total: number, options: ProgressOptions = {}) {
    if (!(total > 0)) throw new Error(`Progress: total is ${total}, expected a positive number`);
    this.total = total;
    this.#write = options.write ?? writeStdout;
    this.#terminal = options.isTerminal ?? Deno.stdout.isTerminal();
    this.#now = options.now ?? (() => performance.now());
    this.#everyMs = (options.everySeconds ?? 10) * 1000;
    this.#everyUpdates = options.everyUpdates ?? 0;
    this.#redrawMs = options.redrawMs ?? 100;
    this.#startStep = this.#step = options.startStep ?? 0;
    this.#startTime = this.#now();
    this.#rewardLabel = options.rewardLabel ?? "reward";
  }

  /** Records progress after an update and shows it if it is time to (always for the first call). */
  update(step: number, stats: ProgressStats = {}): void {
    this.#step = step;
    if (stats.recentReturn !== undefined) this.#recentReturn = stats.recentReturn;
    this.#reward = stats.reward;
    this.#updatesSinceShown++;
    const t = this.#now();
    const due = this.#terminal
      ? t - this.#lastShown >= this.#redrawMs
      : t - this.#lastShown >= this.#everyMs ||
        (this.#everyUpdates > 0 && this.#updatesSinceShown >= this.#everyUpdates);
    if (due) this.#show(t, false);
  }

  /** Shows the final state and ends the line (terminal mode) — call once when training ends. */
  finish(): void {
    this.#show(this.#now(), true);
  }

  /** The current status line, without `\r` or newline. */
  line(t: number = this.#now()): string {
    const elapsed = (t - this.#startTime) / 1000;
    const sps = elapsed > 0 ? (this.#step - this.#startStep) / elapsed : 0;
    const pct = (100 * this.#step / this.total).toFixed(1);
    const ret = this.#recentReturn !== undefined
      ? `return ${sig4(this.#recentReturn)}`
      : this.#reward !== undefined
      ? `${this.#rewardLabel} ${sig4(this.#reward)}`
      : "return -";
    const eta = sps > 0 ? formatDuration(Math.max(0, this.total - this.#step) / sps) : "?";
    return `step ${this.#step}/${this.total} (${pct}%) | SPS ${Math.round(sps)} | ${ret} | ` +
      `elapsed ${formatDuration(elapsed)} | ETA ${eta}`;
  }

  #show(t: number, final: boolean): void {
    this.#lastShown = t;
    this.#updatesSinceShown = 0;
    const line = this.line(t);
    if (this.#terminal) this.#write(`\r${line}\x1b[K${final ? "\n" : ""}`);
    else this.#write(`${line}\n`);
  }
}

/** 4 significant digits without exponent for ordinary magnitudes: −1234.5 → "-1235". */
function sig4(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x);
}

/**
 * A duration as `42s`, `7m02s` or `3h05m`.
 *
 * @param seconds a non-negative number of seconds.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
}

/** Writes all of `text` to stdout synchronously (writeSync may write only part at a time). */
function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  for (let off = 0; off < bytes.length;) off += Deno.stdout.writeSync(bytes.subarray(off));
}
