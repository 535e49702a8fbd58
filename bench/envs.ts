/**
 * Env throughput: env steps per second for single envs and vector envs (inline vs Web Workers,
 * SharedArrayBuffer + Atomics). Add rows by appending to {@link cases}.
 *
 * For a single MuJoCo env the row also times a bare loop on the same model in the same run:
 *
 * ```text
 * raw   = env-step equivalents of `ctrl = a; mj_step × frame_skip` on a bare MjData (same start
 *         state, same action, restarted every max_episode_steps like the env)
 * ratio = env steps / raw, both per second of process CPU time: the wrapper's efficiency
 *         (target ≥ 90 %); CPU time keeps other processes' load out of the ratio
 * ```
 * Raw and env runs alternate 4 times (each a quarter of the row's seconds) and each reports its
 * best run, so load drift hits both.
 *
 * ```sh
 * npx -y deno@2.9.6 run -A bench/envs.ts [--seconds 2] [--filter Pendulum]
 * ```
 *
 * @module
 */
import process from "node:process";
import { Rng } from "../lib/rng.ts";
import { loadMujoco } from "../envs/mujoco.ts";
import { MujocoEnv } from "../envs/mujoco_env.ts";
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
  { env: "Hopper-v5", n: 1, backend: "single" },
  { env: "Hopper-v5", n: 16, backend: "inline" },
  { env: "Hopper-v5", n: 16, backend: "workers", workers: 2 },
  { env: "Walker2d-v5", n: 1, backend: "single" },
  { env: "Walker2d-v5", n: 16, backend: "inline" },
  { env: "Walker2d-v5", n: 16, backend: "workers", workers: 2 },
  { env: "Swimmer-v5", n: 1, backend: "single" },
  { env: "Swimmer-v5", n: 16, backend: "inline" },
  { env: "Swimmer-v5", n: 16, backend: "workers", workers: 2 },
  { env: "InvertedPendulum-v5", n: 1, backend: "single" },
  { env: "InvertedPendulum-v5", n: 16, backend: "inline" },
  { env: "InvertedPendulum-v5", n: 16, backend: "workers", workers: 2 },
  { env: "InvertedDoublePendulum-v5", n: 1, backend: "single" },
  { env: "InvertedDoublePendulum-v5", n: 16, backend: "inline" },
  { env: "InvertedDoublePendulum-v5", n: 16, backend: "workers", workers: 2 },
  { env: "Ant-v5", n: 1, backend: "single" },
  { env: "Ant-v5", n: 16, backend: "inline" },
  { env: "Ant-v5", n: 16, backend: "workers", workers: 2 },
  { env: "Reacher-v5", n: 1, backend: "single" },
  { env: "Reacher-v5", n: 16, backend: "inline" },
  { env: "Reacher-v5", n: 16, backend: "workers", workers: 2 },
  { env: "Pusher-v5", n: 1, backend: "single" },
  { env: "Pusher-v5", n: 16, backend: "inline" },
  { env: "Pusher-v5", n: 16, backend: "workers", workers: 2 },
  { env: "Humanoid-v5", n: 1, backend: "single" },
  { env: "Humanoid-v5", n: 16, backend: "inline" },
  { env: "Humanoid-v5", n: 16, backend: "workers", workers: 2 },
  { env: "HumanoidStandup-v5", n: 1, backend: "single" },
  { env: "HumanoidStandup-v5", n: 16, backend: "inline" },
  { env: "HumanoidStandup-v5", n: 16, backend: "workers", workers: 2 },
];

/** A measured row. */
export interface BenchResult extends BenchCase {
  stepsPerSec: number;
  usPerCall: number;
  /**
   * Single MuJoCo env only: env steps per second of process CPU time, for the env and for the bare
   * `mj_step × frame_skip` loop (robust to other processes loading the machine).
   */
  cpu?: { env: number; raw: number };
}

/**
 * Runs `call` repeatedly for about `seconds` (after a warm-up of up to 0.3 s of CPU time); returns calls per wall-clock
 * second and per second of this process's CPU time (user + system, all threads).
 */
async function timeCalls(
  call: () => unknown,
  seconds: number,
): Promise<{ wall: number; cpu: number }> {
  // Warm up for CPU time, not wall time: under load 300 ms of wall time can be ~60 ms of CPU,
  // and the first few thousand env steps still run at ~1/3 speed (JIT).
  const warm = process.cpuUsage();
  const warmUs = Math.min(300e3, seconds * 250e3);
  for (let n = 0; n < 1e6; n += 16) {
    for (let k = 0; k < 16; k++) await call();
    const used = process.cpuUsage(warm);
    if (used.user + used.system >= warmUs) break;
  }
  let calls = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 16; k++) await call();
    calls += 16;
  }
  const wall = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall: calls / wall, cpu: calls / ((cpu.user + cpu.system) / 1e6) };
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
    const a = new Float32Array(low.length);
    a.forEach((_, j) => a[j] = rng.uniform(low[j], high[j]));
    const timeEnv = (s: number) => {
      env.reset({ seed: 0 });
      return timeCalls(() => {
        if (env.step(a).truncated) env.reset({ seed: 0 });
      }, s);
    };
    let cpu: { env: number; raw: number } | undefined;
    if (env instanceof MujocoEnv) {
      const raws = [];
      const envs = [];
      for (let k = 0; k < 4; k++) {
        raws.push(await rawLoop(env, a, seconds / 4));
        envs.push(await timeEnv(seconds / 4));
      }
      rate = Math.max(...envs.map((r) => r.wall));
      cpu = { env: Math.max(...envs.map((r) => r.cpu)), raw: Math.max(...raws.map((r) => r.cpu)) };
    } else {
      rate = (await timeEnv(seconds)).wall;
    }
    env.close();
    return { ...c, stepsPerSec: rate, usPerCall: 1e6 / rate, cpu };
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
    rate = (await timeCalls(() => venv.step(actions), seconds)).wall;
    await venv.close();
  }
  return { ...c, stepsPerSec: rate * c.n, usPerCall: 1e6 / rate };
}

/**
 * Times `ctrl = a; mj_step × frame_skip` on a bare MjData of `env`'s model, from `env`'s seed-0
 * reset state and restarted every `maxEpisodeSteps` calls; returns calls (env steps) per second.
 */
async function rawLoop(
  env: MujocoEnv,
  a: Float32Array,
  seconds: number,
): Promise<{ wall: number; cpu: number }> {
  const mj = await loadMujoco();
  const model = env.model;
  const data = new mj.MjData(model);
  env.reset({ seed: 0 });
  const start = env.getState();
  const [nq, nv, k] = [model.nq, model.nv, env.frameSkip];
  let qpos: Float64Array = data.qpos;
  let qvel: Float64Array = data.qvel;
  let ctrl: Float64Array = data.ctrl;
  const restart = () => {
    mj.mj_resetData(model, data);
    if (qpos.length === 0) [qpos, qvel, ctrl] = [data.qpos, data.qvel, data.ctrl];
    qpos.set(start.subarray(0, nq));
    qvel.set(start.subarray(nq, nq + nv));
    mj.mj_forward(model, data);
  };
  let t = 0;
  try {
    return await timeCalls(() => {
      if (t++ % env.maxEpisodeSteps === 0) restart();
      ctrl.set(a);
      for (let j = 0; j < k; j++) mj.mj_step(model, data);
    }, seconds);
  } finally {
    data.delete();
  }
}

/** Formats results as a Markdown table. */
export function formatTable(rows: BenchResult[]): string {
  const lines = [
    "| env | N | backend | workers | env steps/s | µs per call | env steps per CPU s | raw mj_step × k per CPU s | env / raw |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const backend = r.backend === "workers" ? "workers (SAB+Atomics)" : r.backend;
    const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
    const raw = r.cpu === undefined
      ? "- | - | -"
      : `${fmt(r.cpu.env)} | ${fmt(r.cpu.raw)} | ${(100 * r.cpu.env / r.cpu.raw).toFixed(0)} %`;
    lines.push(
      `| ${r.env} | ${r.n} | ${backend} | ${r.workers ?? "-"} | ${fmt(r.stepsPerSec)} | ${
        r.usPerCall.toFixed(1)
      } | ${raw} |`,
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
