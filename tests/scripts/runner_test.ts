import { ok } from "node:assert/strict";

/** The pids of running `train.ts` processes whose command line mentions `needle` (Linux /proc). */
async function trainingRuns(needle: string): Promise<number[]> {
  const found: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmd.includes("train.ts") && cmd.includes(needle)) found.push(Number(e.name));
  }
  return found;
}

Deno.test({
  name: "runner: SIGTERM to a study stops its training runs too",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const dir = await Deno.makeTempDir(), out = `${dir}/run`;
    const runner = new URL("../../scripts/runner.ts", import.meta.url).href;
    const study = new Deno.Command(Deno.execPath(), {
      args: [
        "eval",
        `import { runJobs } from "${runner}";
         await runJobs([{ flags: ["--total-steps", "10000000"], out: ${
          JSON.stringify(out)
        } }], 1);`,
      ],
    }).spawn();
    const started = () => Deno.stat(`${out}/args.json`).then(() => true, () => false);
    for (let i = 0; i < 600 && !(await started()); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    try {
      ok((await trainingRuns(out)).length > 0, "the training run started");
      study.kill("SIGTERM");
      await study.status;
      for (let i = 0; i < 50 && (await trainingRuns(out)).length; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const left = await trainingRuns(out);
      ok(left.length === 0, `training runs left running, pids ${left.join(", ")}`);
    } finally { // a failing runner must not leave a 10M-step run behind
      for (const pid of await trainingRuns(out)) Deno.kill(pid, "SIGKILL");
      await study.status;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
