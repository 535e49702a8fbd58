/**
 * Projects the wall clock of 1M HalfCheetah-v5 steps from short runs, for this checkout and
 * another one side by side (e.g. a worktree of an older commit): each preset runs a few updates in
 * turn on both, and the per-phase env steps per second it logs (`time/rollout_sps`,
 * `time/advantage_sps`, `time/update_sps`, first update dropped) give
 *
 * ```text
 * projected seconds = Σ_phase 1M / (mean steps/s of the phase)        (evaluation excluded)
 * ```
 *
 *   git worktree add /tmp/old <commit>
 *   deno run -A bench/project.ts --other /tmp/old [--steps 20480] [--rounds 1] [--presets grpo,ppo-fast]
 *   deno run -A bench/project.ts --other . --other-args="--threads 1"   # flags on the other side only
 *
 * `--args` go to both sides (after the preset's flags).
 *
 * @module
 */
import { parseArgs } from "node:util";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    other: { type: "string" },
    steps: { type: "string", default: "20480" },
    rounds: { type: "string", default: "1" },
    presets: { type: "string", default: "grpo,grpo-fast,ppo-fast,ppo" },
    args: { type: "string", default: "" },
    "other-args": { type: "string", default: "" },
  },
});
if (!values.other) throw new Error("bench/project.ts: --other <checkout> is required");

const presets: Record<string, string[]> = {
  grpo: ["--algo", "grpo"],
  "grpo-fast": ["--algo", "grpo", "--epochs", "6"],
  "ppo-fast": [
    ...["--algo", "ppo", "--num-envs", "8", "--rollout-steps", "64", "--epochs", "5"],
    ...[
      "--minibatches",
      "2",
      "--lr",
      "3e-4",
      "--lr-schedule",
      "linear",
      "--critic-hidden",
      "64,64",
    ],
  ],
  ppo: ["--algo", "ppo"], // the SB3-zoo preset
};
const here = new URL("../", import.meta.url).pathname;
const roots = { new: here, other: values.other };
const phases = ["time/rollout_sps", "time/advantage_sps", "time/update_sps"];
const out = await Deno.makeTempDir();
const rows: string[] = [];
for (let round = 0; round < Number(values.rounds); round++) {
  for (const name of values.presets.split(",")) {
    for (const [side, root] of Object.entries(roots)) {
      const dir = `${out}/${name}_${side}_${round}`;
      const args = ["run", "-A", "scripts/train.ts", "--env", "HalfCheetah-v5", ...presets[name]];
      args.push("--total-steps", values.steps, "--eval-episodes", "0", "--quiet", "--out", dir);
      if (values.args) args.push(...values.args.split(" "));
      if (side === "other" && values["other-args"]) args.push(...values["other-args"].split(" "));
      const t0 = performance.now();
      const r = await new Deno.Command("deno", { args, cwd: root }).output();
      const wall = (performance.now() - t0) / 1000;
      if (!r.success) throw new Error(`${name} on ${root}: ${new TextDecoder().decode(r.stderr)}`);
      const metrics = (await Deno.readTextFile(`${dir}/metrics.jsonl`)).trim().split("\n")
        .map((l) => JSON.parse(l)).slice(1);
      const sps = phases.map((k) => metrics.reduce((s, m) => s + m[k], 0) / metrics.length);
      const minutes = sps.reduce((s, v) => s + 1e6 / v, 0) / 60;
      rows.push(
        `| ${name} | ${side} | ${sps.map((v) => v.toFixed(0)).join(" | ")} | ${
          minutes.toFixed(1)
        } | ` +
          `${wall.toFixed(1)} |`,
      );
      console.error(rows[rows.length - 1]);
    }
  }
}
await Deno.remove(out, { recursive: true });
console.log(
  `Deno ${Deno.version.deno}; load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
console.log(
  `| preset | code | rollout sps | advantage sps | update sps | projected min / 1M | wall s (${values.steps} steps) |`,
);
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(r);
