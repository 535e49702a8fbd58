import { ok } from "node:assert/strict";

/** The command lines of running processes that mention `needle` (Linux /proc). */
async function processesWith(needle: string): Promise<string[]> {
  const found: string[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const cmd = await Deno.readTextFile(`/proc/${e.name}/cmdline`).catch(() => "");
    if (cmd.includes(needle)) found.push(cmd.replaceAll("\0", " "));
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
    ok((await processesWith(out)).length > 0, "the training run started");
    study.kill("SIGTERM");
    await study.status;
    for (let i = 0; i < 50 && (await processesWith(out)).length; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const left = await processesWith(out);
    ok(left.length === 0, `training runs left running: ${left.join("; ")}`);
    await Deno.remove(dir, { recursive: true });
  },
});
