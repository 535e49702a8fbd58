/** Tuning pages: mean, sample std, IQM, worst seed, solved seeds and the chosen trial, by hand. */
import { match, ok, rejects } from "node:assert/strict";
import { loadTuning, tuningMarkdown, type TuningSpec } from "../../scripts/tuning.ts";
import { tempDir } from "../tmp.ts";

const spec: TuningSpec = {
  env: "Pendulum-v1",
  command: "deno task train --seed S <flags>",
  seeds: [1, 2, 3, 4],
  notes: "notes",
  threshold: -200,
  trials: [
    { name: "base", algo: "grpo", flags: "" },
    { name: "g99", algo: "grpo", flags: "--gamma 0.99" },
  ],
};

Deno.test("tuningMarkdown: the statistics of each trial and the chosen one, by hand", () => {
  const md = tuningMarkdown(spec, [
    { ...spec.trials[0], scores: [-300, -250, -200, -150] },
    { ...spec.trials[1], scores: [-160, -150, -140, -130] },
  ], "x");
  // base: mean −225, sample std √(2·75² + 2·25²)/3 = √(12500/3) = 64.5; IQM of 4 = mean of the middle 2 = −225
  match(
    md,
    /\| base \| \(the preset as it stood\) \| 4 \| -225\.0 ± 64\.5 \| -225\.0 \| -300\.0 \| 2 \/ 4 \|/,
  );
  // g99: mean −145, sample std √((225 + 25 + 25 + 225)/3) = 12.9, IQM −145, all four ≥ −200: chosen
  match(
    md,
    /\| \*\*g99\*\* \(chosen\) \| `--gamma 0\.99` \| 4 \| -145\.0 ± 12\.9 \| -145\.0 \| -160\.0 \| 4 \/ 4 \|/,
  );
  ok(!md.includes("**base**"));
});

Deno.test("loadTuning: reads each run's final mean; a missing run is named", async () => {
  const dir = tempDir();
  await Deno.writeTextFile(
    `${dir}/trials.json`,
    JSON.stringify({ ...spec, seeds: [1], trials: [spec.trials[0]] }),
  );
  await Deno.mkdir(`${dir}/trials/base_s1`, { recursive: true });
  await Deno.writeTextFile(`${dir}/trials/base_s1/eval.json`, JSON.stringify({ mean: -180.5 }));
  const { trials } = await loadTuning(dir);
  match(String(trials[0].scores), /^-180\.5$/);
  await Deno.writeTextFile(
    `${dir}/trials.json`,
    JSON.stringify({ ...spec, seeds: [1, 2], trials: [spec.trials[0]] }),
  );
  await rejects(loadTuning(dir), /trials\/base_s2\/eval\.json is missing: trial base, seed 2/);
});

Deno.test("an in-progress search: missing runs are pending, counted, and nothing is chosen", async () => {
  const dir = tempDir();
  await Deno.writeTextFile(`${dir}/trials.json`, JSON.stringify({ ...spec, inProgress: true }));
  for (const [run, mean] of [["base_s1", -300], ["base_s3", -200], ["g99_s2", -150]] as const) {
    await Deno.mkdir(`${dir}/trials/${run}`, { recursive: true });
    await Deno.writeTextFile(`${dir}/trials/${run}/eval.json`, JSON.stringify({ mean }));
  }
  const loaded = await loadTuning(dir);
  match(JSON.stringify(loaded.trials.map((t) => t.scores)), /^\[\[-300,-200\],\[-150\]\]$/);
  const md = tuningMarkdown(loaded.spec, loaded.trials, "x");
  match(md, /\*\*In progress: 3 of 8 runs done\.\*\*/);
  // base: mean −250, sample std √(2·50²/1) = 70.7, IQM of 2 = −250
  match(
    md,
    /\| base \| \(the preset as it stood\) \| 2 \| -250\.0 ± 70\.7 \| -250\.0 \| -300\.0 \| 1 \/ 2 \|/,
  );
  match(
    md,
    /\| g99 \| `--gamma 0\.99` \| 1 \| -150\.0 ± — \(n = 1\) \| -150\.0 \| -150\.0 \| 1 \/ 1 \|/,
  );
  ok(!md.includes("(chosen)"));
  const none = tuningMarkdown(loaded.spec, [{ ...spec.trials[1], scores: [] }], "x");
  match(none, /\| g99 \| `--gamma 0\.99` \| 0 \| — \| — \| — \| 0 \/ 0 \|/);
});
