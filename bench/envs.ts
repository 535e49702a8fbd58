/**
 * Env throughput: env steps per second for single envs and vector envs (inline vs Web Workers,
 * SharedArrayBuffer + Atomics). Add rows by appending to {@link cases}.
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/envs.ts [--seconds 2] [--filter Pendulum]
 * ```
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { makeEnv } from "../envs/registry.ts";
import { boxSpace } from "../lib/env.ts";
import { VectorEnv } from "../lib/vector_env.ts";
import { WorkerVectorEnv } from "../envs/worker_pool.ts";

/** One row: `backend` "single" steps one env; the others step N envs per call. */
export interface BenchCase {
  env: string;
  n: number;
  backend: "single" | "inline" | "workers";
  /** Web Workers for the "workers" backend. */
  workers?: number;
  envOptions?: Record<string, number>;
}

/** The rows, in print order. */
export const cases: BenchCase[] = [
  { env: "Pendulum-v1", n: 1, backend: "single" },
  { env: "Pendulum-v1", n: 64, backend: "inline" },
  { env: "Pendulum-v1", n: 64, backend: "workers", workers: 1 },
  { env: "Pendulum-v1", n: 64, backend: "workers", workers: 2 },
  { env: "HalfCheetah-v5", n: 1, backend: "single" },
  { env: "HalfCheetah-v5", n: 16, backend: "inline" },
  { env: "HalfCheetah-v5", n: 16, backend: "workers", workers: 2 },
];

/** A measured row. */
export interface BenchResult extends BenchCase {
  stepsPerSec: number;
  usPerCall: number;
}

/** Runs `call` repeatedly for about `seconds` (after a short warm-up); returns calls per second. */
async function timeCalls(call: () => unknown, seconds: number): Promise<number> {
  const warmUntil = performance.now() + Math.min(300, seconds * 250);
  while (performance.now() < warmUntil) await call();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 16; k++) await call();
    calls += 16;
  }
  return calls / ((performance.now() - start) / 1000);
}

/** Measures one case. Actions are fixed uniform draws in the action space. */
export async function runCase(
  c: BenchCase,
  options: { seconds?: number } = {},
): Promise<BenchResult> {
  const seconds = options.seconds ?? 2;
  const rng = new Rng(0);
  let rate: number;
  if (c.backend === "single") {
    const env = await makeEnv(c.env, c.envOptions);
    const { low, high } = boxSpace(env.actionSpace, "bench/envs.ts");
    const a = new Float32Array(low.length).map((_, j) => rng.uniform(low[j], high[j]));
    env.reset({ seed: 0 });
    rate = await timeCalls(() => {
      if (env.step(a).truncated) env.reset();
    }, seconds);
    env.close();
  } else {
    const opts = { workers: c.workers, envOptions: c.envOptions };
    const venv = c.backend === "inline"
      ? new VectorEnv(
        await Promise.all(Array.from({ length: c.n }, () => makeEnv(c.env, c.envOptions))),
      )
      : await WorkerVectorEnv.create(c.env, c.n, opts);
    const probe = await makeEnv(c.env, c.envOptions);
    const { low, high } = boxSpace(probe.actionSpace, "bench/envs.ts");
    probe.close();
    const d = low.length;
    const actions = new Float32Array(c.n * d).map((_, k) => rng.uniform(low[k % d], high[k % d]));
    await venv.reset({ seed: 0 });
    rate = await timeCalls(() => venv.step(actions), seconds);
    await venv.close();
  }
  return { ...c, stepsPerSec: rate * c.n, usPerCall: 1e6 / rate };
}

/** Formats results as a Markdown table. */
export function formatTable(rows: BenchResult[]): string {
  const lines = [
    "| env | N | backend | workers | env steps/s | µs per call |",
    "|---|---:|---|---:|---:|---:|",
  ];
  for (const r of rows) {
    const backend = r.backend === "workers" ? "workers (SAB+Atomics)" : r.backend;
    lines.push(
      `| ${r.env} | ${r.n} | ${backend} | ${r.workers ?? "-"} | ${
        Math.round(r.stepsPerSec).toLocaleString("en-US")
      } | ${r.usPerCall.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}

/** CLI: `--seconds S` per row (default 2), `--filter TEXT` keeps rows whose env contains TEXT. */
export async function main(args: string[]): Promise<BenchResult[]> {
  if (args.includes("--help")) {
    console.log("bench/envs.ts [--seconds 2] [--filter TEXT]  env steps/s per case");
    return [];
  }
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const seconds = Number(flag("--seconds") ?? 2);
  const filter = flag("--filter") ?? "";
  const rows: BenchResult[] = [];
  for (const c of cases.filter((c) => c.env.includes(filter))) {
    rows.push(await runCase(c, { seconds }));
  }
  console.log(
    `cores: ${navigator.hardwareConcurrency}, Deno ${Deno.version.deno}, ${seconds} s per row\n`,
  );
  console.log(formatTable(rows));
  return rows;
}

if (import.meta.main) await main(Deno.args);
