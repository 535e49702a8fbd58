/**
 * Train an MLP policy (Gaussian for a Box action space, categorical for a Discrete one) with GRPO
 * (critic-free, group-relative) or PPO (GAE critic): the
 * command line of `train()` (lib/train.ts, which holds the loop).
 *
 *   deno task train                                   # GRPO on Pendulum-v1 with its preset
 *   deno task train --algo ppo --seed 3 --out runs/ppo3
 *   deno task train --resume runs/ppo3                # continue exactly where a run stopped
 *
 * Parses flags → picks the run folder → trains (SIGINT / SIGTERM abort it: the current update
 * finishes and a checkpoint is written) → prints the evaluation.
 *
 * @module
 */
import { cpus } from "node:os";
import { makeEnv } from "../envs/registry.ts";
import { makeVectorEnv } from "../envs/worker_pool.ts";
import { Progress } from "../lib/progress.ts";
import { freeRunDir, listenForStop, StoppedError, type StopRequest } from "../lib/run_folder.ts";
import type { Tensor } from "../lib/tensor.ts";
import { NonFiniteError, train } from "../lib/train.ts";
import { parseConfig, usage } from "./config.ts";

export { NonFiniteError };

/** What {@link main} returns: the final evaluation (mean ± std of the deterministic return). */
type TrainResult = { evalMean: number; evalStd: number; params: Tensor[]; out: string };

/**
 * Runs `deno task train` with `argv`; returns the final evaluation.
 *
 * @throws StoppedError (exit code 130 / 143) after SIGINT / SIGTERM, once the checkpoint is written.
 */
export async function main(argv: string[] = []): Promise<TrainResult> {
  const parsed = parseConfig(argv);
  if (parsed === "help") {
    console.log(usage());
    return { evalMean: NaN, evalStd: NaN, params: [], out: "" };
  }
  const { cfg, flags } = parsed;
  const base = `runs/${cfg.env}_${cfg.algo}_s${cfg.seed}`; // --overwrite: this one, not a free -2
  const out = flags.out || (flags.resume ? "" : flags.overwrite ? base : freeRunDir(base));
  const quiet = cfg.quiet;
  const log = (s: string) => quiet || console.log(s);
  const controller = new AbortController();
  let signal: StopRequest | undefined;
  const stop = listenForStop((req) => {
    signal ??= req;
    controller.abort(req);
  });
  let progress: Progress | undefined;
  const finish = () => {
    progress?.finish();
    progress = undefined;
  };
  try {
    const run = await train(out ? { ...flags, out } : flags, {
      env: (rng, id) => makeEnv(id, { rng }),
      vectorEnv: (id, n, o) => makeVectorEnv(id, n, { ...o, backend: "workers" }),
      signal: controller.signal,
      session: { commit: gitCommit(), machine: machine() },
      log: (m, level) => level === "warn" ? console.error(`train: ${m}`) : log(m),
      onStart: (r) => {
        log(
          `run folder ${r.out}${
            r.resumed ? `: resumed at step ${r.startStep} (update ${r.startUpdate})` : ""
          }`,
        );
        progress = quiet ? undefined : new Progress(r.totalSteps, {
          startStep: r.startStep,
          rewardLabel: r.rewardLabel,
        });
      },
      onUpdate: (row) =>
        progress?.update(row.global_step, {
          recentReturn: [row["charts/eval_return"], row["charts/episodic_return"]].find(
            Number.isFinite,
          ),
          reward: row["reward"],
        }),
    });
    finish();
    if (run.stopped) {
      const msg = `stopping: checkpoint at step ${run.step} written to ${run.out}`;
      console.error(msg);
      throw new StoppedError(`${msg} (${signal!.signal})`, signal!.exitCode);
    }
    const ev = run.eval;
    if (ev) {
      log(
        `eval over ${run.config.evalEpisodes} episodes: ${ev.mean.toFixed(1)} ± ${
          ev.std.toFixed(1)
        }`,
      );
    }
    log(`run folder ${run.out}: done at step ${run.step}`);
    return {
      evalMean: ev?.mean ?? NaN,
      evalStd: ev?.std ?? NaN,
      params: run.params,
      out: run.out!,
    };
  } finally {
    finish();
    stop.dispose();
  }
}

/** `git describe --always --dirty` of this checkout, or undefined outside a git checkout. */
export function gitCommit(): string | undefined {
  try {
    const dir = new URL("..", import.meta.url).pathname;
    const r = new Deno.Command("git", { args: ["-C", dir, "describe", "--always", "--dirty"] })
      .outputSync();
    return r.success ? new TextDecoder().decode(r.stdout).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** This machine as results.json records it: "linux x86_64, <CPU model>, 2 cores". */
export function machine(): string {
  const cpu = cpus();
  return `${Deno.build.os} ${Deno.build.arch}, ${
    cpu[0]?.model.trim() ?? "unknown CPU"
  }, ${cpu.length} cores`;
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    if (err instanceof StoppedError) Deno.exit(err.exitCode); // the message is already printed
    console.error(`train: ${(err as Error).message}`);
    Deno.exit(err instanceof NonFiniteError ? 3 : 1);
  }
}
