/**
 * Learning-rate schedules: a function `(update, totalUpdates) → lr` built from a small config.
 *
 * `update` counts from 0 (the first update) to `totalUpdates − 1`; the progress is
 * p = update / totalUpdates ∈ [0, 1), so the first update always uses the full `lr` and the last one
 * is one step short of `final`. That is CleanRL's annealing, `frac = 1 − (update − 1)/num_updates`
 * with its 1-based `update`. Updates past the end hold `final`.
 *
 * @module
 */

/** The schedule kinds {@link lrSchedule} accepts. */
export const SCHEDULE_KINDS = ["constant", "linear", "cosine"] as const;

/** One of {@link SCHEDULE_KINDS}. */
export type ScheduleKind = typeof SCHEDULE_KINDS[number];

/** A schedule's config, e.g. `{ kind: "linear", lr: 3e-4 }`. */
export interface ScheduleConfig {
  /** `constant`, `linear` or `cosine`. */
  kind: ScheduleKind | string;
  /** The initial learning rate α₀. */
  lr: number;
  /** The learning rate reached at the end, α_f (ignored by `constant`). Default 0. */
  final?: number;
}

/** A learning-rate schedule: the lr for 0-based `update` out of `totalUpdates`. */
export type Schedule = (update: number, totalUpdates: number) => number;

/**
 * Builds a learning-rate schedule.
 *
 * ```text
 * p = min(u / U, 1)                       u: update (from 0), U: totalUpdates
 * constant:  α(u) = α₀
 * linear:    α(u) = α_f + (α₀ − α_f)·(1 − p)
 * cosine:    α(u) = α_f + (α₀ − α_f)·½(1 + cos πp)
 * ```
 *
 * @param config `{ kind, lr, final? }`; an unknown kind throws, listing the valid ones.
 * @example
 * ```ts
 * import { lrSchedule } from "./schedule.ts";
 * import { strictEqual } from "node:assert/strict";
 * const s = lrSchedule({ kind: "linear", lr: 1e-3 });
 * strictEqual(s(0, 10), 1e-3);
 * strictEqual(s(5, 10), 5e-4);
 * ```
 * Reference: CleanRL `ppo_continuous_action.py` (anneal_lr); I. Loshchilov and F. Hutter, "SGDR"
 * (ICLR 2017) for the cosine form.
 */
export function lrSchedule(config: ScheduleConfig): Schedule {
  const { kind, lr } = config;
  const final = config.final ?? 0;
  if (!(SCHEDULE_KINDS as readonly string[]).includes(kind)) {
    throw new Error(
      `lrSchedule: unknown kind "${kind}"; valid kinds are ${SCHEDULE_KINDS.join(", ")}`,
    );
  }
  if (!Number.isFinite(lr) || !Number.isFinite(final)) {
    throw new Error(`lrSchedule: lr and final must be finite, got lr=${lr}, final=${final}`);
  }
  const shape: (p: number) => number = kind === "linear"
    ? (p) => 1 - p
    : kind === "cosine"
    ? (p) => 0.5 * (1 + Math.cos(Math.PI * p))
    : () => 1;
  return (update, totalUpdates) => {
    if (!(Number.isInteger(totalUpdates) && totalUpdates > 0)) {
      throw new Error(`lr schedule: totalUpdates must be a positive integer, got ${totalUpdates}`);
    }
    if (!(Number.isInteger(update) && update >= 0)) {
      throw new Error(`lr schedule: update must be an integer ≥ 0, got ${update}`);
    }
    if (kind === "constant") return lr;
    const p = Math.min(update / totalUpdates, 1);
    return final + (lr - final) * shape(p);
  };
}
