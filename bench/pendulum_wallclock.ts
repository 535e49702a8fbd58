/**
 * Issue #6, Pendulum: wall-clock time to a deterministic evaluation return ≥ −200, grpo-ts's
 * default preset (GRPO) and grpo-ts's PPO on the peer's own network and hyperparameters (64-64 tanh,
 * the RL-zoo preset) beside a CleanRL-style PyTorch PPO (bench/torch_ppo_pendulum.py, 1 thread)
 * in the same run, seed for seed.
 *
 * ```sh
 * deno run -A bench/pendulum_wallclock.ts [--seeds 1,2,3] [--python /usr/bin/python3]
 * ```
 * Both evaluate the mean action on 10 fresh episodes after every update and stop their clocks
 * while they do, so the time is training alone (rollout + advantage + update), after start-up.
 * Prints a markdown table: env steps and seconds at the first evaluation ≥ −200, and the ratios.
 */
import { parseArgs } from "node:util";
import { readMetrics } from "../lib/metrics.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seeds: { type: "string", default: "1,2,3" },
    python: { type: "string", default: "/usr/bin/python3" },
  },
});
const seeds = values.seeds.split(",").map(Number);

interface Hit {
  step: number;
  seconds: number;
}

/** Ours: `train` with `flags`, evaluating every update; time/train_s excludes evaluation. */
async function ours(seed: number, flags: string[]): Promise<Hit | null> {
  const out = await Deno.makeTempDir();
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "scripts/train.ts", "--seed", `${seed}`, "--eval-every", "1", "--quiet"]
      .concat(["--out", out], flags),
    stdout: "null",
  });
  if (!(await cmd.output()).success) throw new Error(`train --seed ${seed} failed`);
  const hit = readMetrics(out).find((r) => {
    const v = r["charts/eval_return"];
    return typeof v === "number" && v >= -200;
  });
  await Deno.remove(out, { recursive: true });
  return hit ? { step: hit.global_step as number, seconds: hit["time/train_s"] as number } : null;
}

/** The peer: its summary line's first_reach (train_s excludes evaluation the same way). */
async function torch(seed: number): Promise<Hit | null> {
  const cmd = new Deno.Command(values.python, {
    args: ["bench/torch_ppo_pendulum.py", "--seed", `${seed}`],
    stdout: "piped",
  });
  const res = await cmd.output();
  if (!res.success) throw new Error(`torch_ppo_pendulum.py --seed ${seed} failed`);
  const lines = new TextDecoder().decode(res.stdout).trim().split("\n");
  const first = JSON.parse(lines.at(-1)!).first_reach;
  return first ? { step: first.global_step, seconds: first.train_s } : null;
}

const fmt = (h: Hit | null) => (h ? `${h.step} | ${h.seconds.toFixed(1)}` : "never | –");
const ratio = (a: Hit | null, b: Hit | null) =>
  a && b ? `${(b.seconds / a.seconds).toFixed(1)}×` : "–";
console.log(
  `Pendulum-v1, env steps and training seconds to the first eval ≥ −200 ` +
    `(${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}; ratio = PyTorch s ÷ ours)\n`,
);
console.log(
  "| seed | GRPO preset steps | s | PPO 64-64 tanh steps | s | PyTorch PPO steps | s | ratio GRPO | ratio PPO |",
);
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const seed of seeds) {
  const g = await ours(seed, []);
  const p = await ours(seed, ["--algo", "ppo", "--hidden", "64,64", "--activation", "tanh"]);
  const t = await torch(seed);
  console.log(`| ${seed} | ${fmt(g)} | ${fmt(p)} | ${fmt(t)} | ${ratio(g, t)} | ${ratio(p, t)} |`);
}
