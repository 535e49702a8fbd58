/**
 * scripts/study.ts: the plan of a spec, a study run end to end with 2 jobs, skipping finished runs,
 * a SIGTERM that leaves resumable runs, and --commit-to copying only results files.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { readResults } from "../../lib/results.ts";
import {
  commitResults,
  configChanges,
  planStudy,
  runStatus,
  runStudy,
} from "../../scripts/study.ts";
import { resolveSpec, studies, type StudySpec } from "../../scripts/studies.ts";
import { tempDir } from "../tmp.ts";

const tiny: StudySpec = {
  name: "tiny",
  description: "test",
  envs: ["Pendulum-v1"],
  algos: ["grpo", "ppo"],
  seeds: 2,
  budget: { "Pendulum-v1": 8192 },
  points: 2,
  overrides: { "Pendulum-v1": { ppo: { epochs: 2 } } },
};

Deno.test("planStudy: env × algo × seeds from 1000, the grid B/points, overrides over the preset", () => {
  const runs = planStudy(tiny, { root: "r" });
  deepStrictEqual(runs.map((r) => r.dir), [
    "r/tiny/Pendulum-v1_grpo_s1000",
    "r/tiny/Pendulum-v1_grpo_s1001",
    "r/tiny/Pendulum-v1_ppo_s1000",
    "r/tiny/Pendulum-v1_ppo_s1001",
  ]);
  strictEqual(runs[0].evalEverySteps, 4096);
  ok(runs[0].flags.includes("--total-steps=8192") && runs[0].flags.includes("--threads=1"));
  ok(runs[2].flags.includes("--epochs=2") && !runs[0].flags.includes("--epochs=2"));
  deepStrictEqual(planStudy(tiny, { root: "r", algos: ["ppo"], seeds: 1 }).map((r) => r.seed), [
    1000,
  ]);
  throws(
    () => resolveSpec({ ...tiny, points: 3 }),
    /budget\["Pendulum-v1"\] 8192 is not a multiple of points 3/,
  );
  throws(
    () => resolveSpec({ ...tiny, evalEpisodes: 5 }),
    /evalEpisodes is 5, expected an integer ≥ 10/,
  );
  throws(() =>
    planStudy({ ...tiny, overrides: { "Pendulum-v1": { ppo: { lr: -1 } } } }, { root: "r" })
  );
});

Deno.test("a study runs every run with 2 jobs, skips finished ones, and commits only results files", async () => {
  const root = tempDir(), logs: string[] = [];
  const runs = planStudy(tiny, { root });
  const first = await runStudy(runs, { jobs: 2, logDir: `${root}/logs`, log: (m) => logs.push(m) });
  deepStrictEqual([first.failed, first.stopped], [[], false]);
  deepStrictEqual(await Promise.all(runs.map(runStatus)), ["done", "done", "done", "done"]);
  for (const run of runs) {
    const r = (await readResults(run.dir))!;
    deepStrictEqual(r.evals.map((e) => e.grid), [0, 4096, 8192]);
    strictEqual(r.seed, run.seed);
  }
  logs.length = 0;
  await runStudy(runs, { jobs: 2, logDir: `${root}/logs`, log: (m) => logs.push(m) });
  deepStrictEqual(logs, []); // all done: nothing started
  const to = `${root}/commit`;
  strictEqual(await commitResults(tiny, runs, to, "deno task study tiny"), 4);
  const copied = [...Deno.readDirSync(`${to}/Pendulum-v1_ppo_s1001`)].map((e) => e.name);
  deepStrictEqual(copied, ["results.json"]);
  strictEqual(JSON.parse(Deno.readTextFileSync(`${to}/study.json`)).spec.firstSeed, 1000);
  // Another grid for the same folders: the runs are stale and start over, never resume.
  const [coarse] = planStudy({ ...tiny, points: 1 }, { root });
  strictEqual(await runStatus(coarse), "stale");
  // Another config (as after a preset change): stale too, naming the field; threads are not a change.
  const ppo = { ...tiny, overrides: { "Pendulum-v1": { ppo: { epochs: 3 } } } };
  const changed = planStudy(ppo, { root }).find((r) => r.algo === "ppo")!;
  strictEqual(await runStatus(changed), "stale");
  deepStrictEqual(configChanges((await readResults(changed.dir))!, changed), ["epochs: 2 → 3"]);
  const threads = { ...tiny, overrides: { "Pendulum-v1": { ppo: { epochs: 2, threads: 2 } } } };
  strictEqual(await runStatus(planStudy(threads, { root }).find((r) => r.algo === "ppo")!), "done");
});

Deno.test("every committed study run is what its study would run now: no preset changed without a rerun", async () => {
  let checked = 0;
  for (const [name, spec] of Object.entries(studies)) {
    const dir = ["classic", "mujoco"].includes(name)
      ? `docs/bench/${name}`
      : `docs/designs/${name}`;
    for (const run of planStudy(spec, { root: "unused" })) {
      const r = await readResults(`${dir}/${run.dir.split("/").at(-1)}`).catch(() => undefined);
      if (!r) continue;
      checked++;
      deepStrictEqual(configChanges(r, run), [], `${dir}: ${run.env} ${run.algo} s${run.seed}`);
    }
  }
  ok(checked >= 500, `${checked} committed runs checked`);
});

Deno.test("SIGTERM to the runner leaves resumable runs; the same command finishes them", async () => {
  const root = tempDir(), spec = `${root}/spec.json`;
  const long: StudySpec = {
    ...tiny,
    algos: ["ppo"],
    seeds: 1,
    budget: { "Pendulum-v1": 81920 },
    points: 20,
  };
  Deno.writeTextFileSync(spec, JSON.stringify(long));
  const script = new URL("../../scripts/study.ts", import.meta.url).pathname;
  const cmd = () =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script, "--spec", spec, "--root", root],
      stdout: "null",
      stderr: "piped",
    });
  const [run] = planStudy(long, { root });
  const child = cmd().spawn();
  for (
    let i = 0;
    i < 600 && !(await readResults(run.dir).catch(() => undefined))?.evals.length;
    i++
  ) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 300)); // into training
  child.kill("SIGTERM");
  const out = await child.output();
  strictEqual(out.code, 130, new TextDecoder().decode(out.stderr));
  strictEqual(await runStatus(run), "partial");
  const partial = (await readResults(run.dir))!;
  ok(!partial.complete && partial.evals.length < 21);
  strictEqual((await cmd().output()).code, 0);
  const done = (await readResults(run.dir))!;
  strictEqual(done.complete, true);
  strictEqual(done.evals.length, 21);
  strictEqual(done.sessions.length, 2);
});
