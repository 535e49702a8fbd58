/**
 * Runs training jobs as `scripts/train.ts` subprocesses, `jobs` at a time, for studies that span
 * seeds and variants. A finished run (with eval.json) is skipped, an interrupted one resumes from
 * its checkpoint (one stopped before its first checkpoint starts over), so a long study can be run
 * over several sittings. Each run's wall time goes to
 * `<out>/wall.json`.
 *
 * @module
 */

/** One training run: its flags (without `--out`) and its run folder. */
export interface Job {
  flags: string[];
  out: string;
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

/** Runs every job, `jobs` at a time; throws naming the first run that failed. */
export async function runJobs(list: Job[], jobs = 2): Promise<void> {
  const script = new URL("./train.ts", import.meta.url).pathname;
  const queue = [...list];
  // Ctrl-C or a kill stops the runs too (each keeps its last checkpoint), not only this process.
  const running = new Set<Deno.ChildProcess>();
  const stop = (signal: Deno.Signal) => () => {
    for (const child of running) child.kill(signal);
    Deno.exit(130);
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  const handlers = signals.map((s) => [s, stop(s)] as const);
  for (const [s, h] of handlers) Deno.addSignalListener(s, h);
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (await exists(`${job.out}/eval.json`)) continue;
      const args = (await exists(`${job.out}/checkpoint.json`))
        ? ["--resume", job.out]
        : [...job.flags, "--out", job.out, "--overwrite"]; // killed before its first checkpoint
      const t0 = performance.now();
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", script, ...args, "--quiet"],
        stdout: "null",
      }).spawn();
      running.add(child);
      const { success } = await child.status;
      running.delete(child);
      if (!success) {
        throw new Error(
          `run ${job.out} failed: rerun \`deno task train ${args.join(" ")}\` to see why`,
        );
      }
      await Deno.writeTextFile(
        `${job.out}/wall.json`,
        JSON.stringify({ seconds: (performance.now() - t0) / 1000 }),
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    for (const [s, h] of handlers) Deno.removeSignalListener(s, h);
  }
}
