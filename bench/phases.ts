/**
 * Env steps per second of each training phase — rollout, advantage, update — for every env/algo
 * preset and HalfCheetah's `grpo-fast` and `ppo-fast` variants, from short `train` runs
 * (`time/*_sps` in metrics.jsonl; medians over the updates after the first, which includes JIT
 * warm-up). Also projects a 1M-step run's training time.
 *
 * ```sh
 * deno run -A bench/phases.ts [--updates 4] [--threads 2]
 * ```
 */
import { parseArgs } from "node:util";
import { readMetrics } from "../lib/metrics.ts";
import { variants } from "../scripts/variants.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    updates: { type: "string", default: "4" },
    threads: { type: "string", default: "2" },
  },
});
const updates = Number(values.updates);
/** Env, variant (scripts/variants.ts), env steps per update (so `updates` updates fit the budget). */
const runs: [string, string, number][] = [
  ["Pendulum-v1", "grpo", 4096],
  ["Pendulum-v1", "ppo", 4096],
  ["HalfCheetah-v5", "grpo", 4096],
  ["HalfCheetah-v5", "grpo-fast", 4096],
  ["HalfCheetah-v5", "ppo", 512],
  ["HalfCheetah-v5", "ppo-fast", 512],
];
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

console.log(
  `Per-phase env steps/s, ${updates} updates per preset, --threads ${values.threads} ` +
    `(${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}, load ${
      Deno.loadavg()[0]
    })\n`,
);
console.log("| env | variant | rollout | advantage | update | all phases | 1M steps would take |");
console.log("|---|---|---:|---:|---:|---:|---:|");
for (const [env, variant, perUpdate] of runs) {
  const out = await Deno.makeTempDir();
  const args = ["run", "-A", "scripts/train.ts", "--env", env, ...variants(env)[variant]].concat(
    ["--quiet", "--total-steps", `${(updates + 1) * perUpdate}`, "--eval-episodes", "0"],
    ["--threads", values.threads, "--out", out],
  );
  const res = await new Deno.Command(Deno.execPath(), { args, stdout: "null" }).output();
  if (!res.success) throw new Error(`train ${args.join(" ")} failed`);
  const rows = readMetrics(out).slice(1);
  await Deno.remove(out, { recursive: true });
  const col = (k: string) => median(rows.map((r) => r[k] as number));
  const [ro, adv, up] = [
    col("time/rollout_sps"),
    col("time/advantage_sps"),
    col("time/update_sps"),
  ];
  const all = 1 / (1 / ro + 1 / adv + 1 / up);
  console.log(
    `| ${env} | ${variant} | ${ro.toFixed(0)} | ${adv.toFixed(0)} | ${up.toFixed(0)} | ${
      all.toFixed(0)
    } | ` +
      `${(1e6 / all / 60).toFixed(1)} min |`,
  );
}
