/**
 * Env throughput: env steps per second for single envs and vector envs (inline vs Web Workers,
 * SharedArrayBuffer + Atomics vs postMessage). Add rows by appending to {@link cases}. Single
 * MuJoCo rows also time the bare physics of one env step (`mj_step` × frame_skip, plus
 * `mj_rnePostConstraint` where the env runs it) in alternating blocks of the same run, and print
 * env / raw in steps per CPU second of this process (robust to other processes' load).
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
import { makeEnv } from "../envs/registry.ts";
import { VectorEnv } from "../envs/vector.ts";
import { MessageVectorEnv, WorkerVectorEnv } from "../envs/worker_vector.ts";

/** One row: `backend` "single" steps one env; the others step N envs per call. */
export interface BenchCase {
  env: string;
  n: number;
  backend: "single" | "inline" | "workers" | "message";
  /** Web Workers for the "workers" / "message" backends. */
  workers?: number;
  envOptions?: Record<string, number>;
}

/** The rows, in print order. */
export const cases: BenchCase[] = [
  { env: "Pendulum-v1", n: 1, backend: "single" },
  { env: "Pendulum-v1", n: 64, backend: "inline" },
  { env: "Pendulum-v1", n: 64, backend: "workers", workers: 1 },
  { env: "Pendulum-v1", n: 64, backend: "workers", workers: 2 },
  { env: "Pendulum-v1", n: 64, backend: "message", workers: 2 },
  { env: "HalfCheetah-v5", n: 1, backend: "single" },
  { env: "HalfCheetah-v5", n: 16, backend: "inline" },
  { env: "HalfCheetah-v5", n: 16, backend: "workers", workers: 2 },
  { env: "Ant-v5", n: 1, backend: "single" },
  { env: "Reacher-v5", n: 1, backend: "single" },
  { env: "Pusher-v5", n: 1, backend: "single" },
  { env: "Humanoid-v5", n: 1, backend: "single" },
  { env: "HumanoidStandup-v5", n: 1, backend: "single" },
];

/** The physics of one env step: MJCF file under envs/, frame_skip, mj_rnePostConstraint. */
const PHYSICS: Record<string, [file: string, frameSkip: number, rne: boolean]> = {
  "HalfCheetah-v5": ["halfcheetah.xml", 5, false],
  "Hopper-v5": ["hopper.xml", 4, false],
  "Walker2d-v5": ["walker2d.xml", 4, false],
  "Swimmer-v5": ["swimmer.xml", 4, false],
  "InvertedPendulum-v5": ["inverted_pendulum.xml", 2, false],
  "InvertedDoublePendulum-v5": ["inverted_double_pendulum.xml", 5, false],
  "Ant-v5": ["ant.xml", 5, true],
  "Reacher-v5": ["reacher.xml", 2, false],
  "Pusher-v5": ["pusher.xml", 5, false],
  "Humanoid-v5": ["humanoid.xml", 5, true],
  "HumanoidStandup-v5": ["humanoidstandup.xml", 5, true],
};

/** A measured row. */
export interface BenchResult extends BenchCase {
  stepsPerSec: number;
  usPerCall: number;
  /** Env steps per CPU second (single MuJoCo rows). */
  envCpu?: number;
  /** Bare physics of one env step per CPU second, in the same run (single MuJoCo rows). */
  rawCpu?: number;
}

/** Runs `call` repeatedly for about `seconds` (after a short warm-up); returns calls per second. */
async function timeCalls(call: () => unknown, seconds: number): Promise<number> {
  return (await timeCallsCpu(call, seconds)).wall;
}

/**
 * As {@link timeCalls}, also returning calls per second of this process's CPU time (user +
 * system), which other processes' load on a shared machine disturbs far less than wall time.
 */
async function timeCallsCpu(
  call: () => unknown,
  seconds: number,
): Promise<{ wall: number; cpu: number }> {
  const warm = process.cpuUsage();
  const warmUs = Math.min(300e3, seconds * 250e3); // warm up for this much CPU time
  let n = 0;
  do {
    for (let k = 0; k < 16; k++) await call();
    const { user, system } = process.cpuUsage(warm);
    if (user + system >= warmUs) break;
  } while (++n < 1e6);
  let calls = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let k = 0; k < 16; k++) await call();
    calls += 16;
  }
  const wall = calls / ((performance.now() - start) / 1000);
  const { user, system } = process.cpuUsage(cpu0); // µs
  return { wall, cpu: calls / ((user + system) / 1e6) };
}

/**
 * The bare physics of one env step on its own MjData: ctrl = a, `mj_step` × frame_skip, then
 * `mj_rnePostConstraint` if the env runs it. Each block starts from the env's state (`sync`), and
 * `mj_resetData` + `mj_forward` runs every `episodeLength()` steps, so the states visited
 * resemble the env's.
 */
async function rawPhysics(id: string, a: Float32Array, episodeLength: () => number) {
  const [file, frameSkip, rne] = PHYSICS[id];
  const mj = await loadMujoco();
  const xml = await Deno.readTextFile(new URL(`../envs/${file}`, import.meta.url));
  const model = mj.MjModel.from_xml_string(xml);
  const data = new mj.MjData(model);
  let t = 0;
  const reset = () => {
    mj.mj_resetData(model, data);
    (data.ctrl as Float64Array).set(a);
    mj.mj_forward(model, data);
    t = 0;
  };
  reset();
  const sig = mj.mjtState.mjSTATE_INTEGRATION.value;
  const size = mj.mj_stateSize(model, sig);
  return {
    /** Continue from an env's `getState()`: its MuJoCo block starts at nq + nv + 1. */
    sync: (state: Float64Array) => {
      const from = model.nq + model.nv + 1;
      mj.mj_setState(model, data, state.slice(from, from + size) as unknown as number[], sig);
      mj.mj_forward(model, data);
    },
    step: () => {
      for (let k = 0; k < frameSkip; k++) mj.mj_step(model, data);
      if (rne) mj.mj_rnePostConstraint(model, data);
      if (++t >= episodeLength()) reset();
    },
    close: () => (data.delete(), model.delete()),
  };
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
    const a = new Float32Array(env.actionSpace.low.length);
    a.forEach((_, j) => a[j] = rng.uniform(env.actionSpace.low[j], env.actionSpace.high[j]));
    env.reset({ seed: 0 });
    let steps = 0;
    let episodes = 1;
    const step = () => {
      steps++;
      const r = env.step(a);
      if (r.terminated || r.truncated) {
        episodes++;
        env.reset();
      }
    };
    if (!PHYSICS[c.env]) rate = await timeCalls(step, seconds);
    else {
      // Alternate env and raw blocks; each raw block continues from the env's state and resets
      // as often as the env's episodes ended.
      const raw = await rawPhysics(c.env, a, () => Math.max(1, Math.round(steps / episodes)));
      let envWall = 0;
      let envCpu = 0;
      let rawCpu = 0;
      for (let k = 0; k < 5; k++) {
        // Best of 5 alternating blocks: the JIT warms up over the first ones, and load spikes
        // only ever slow a block down.
        const e = await timeCallsCpu(step, seconds / 10);
        envWall = Math.max(envWall, e.wall);
        envCpu = Math.max(envCpu, e.cpu);
        raw.sync(env.getState());
        rawCpu = Math.max(rawCpu, (await timeCallsCpu(raw.step, seconds / 10)).cpu);
      }
      raw.close();
      env.close();
      return { ...c, stepsPerSec: envWall, usPerCall: 1e6 / envWall, envCpu, rawCpu };
    }
    env.close();
  } else {
    const opts = { workers: c.workers, envOptions: c.envOptions };
    const venv = c.backend === "inline"
      ? new VectorEnv(
        await Promise.all(Array.from({ length: c.n }, () => makeEnv(c.env, c.envOptions))),
      )
      : c.backend === "workers"
      ? await WorkerVectorEnv.create(c.env, c.n, opts)
      : await MessageVectorEnv.create(c.env, c.n, opts);
    const probe = await makeEnv(c.env, c.envOptions);
    const { low, high } = probe.actionSpace;
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
  const cpu = (x?: number) => x ? Math.round(x).toLocaleString("en-US") : "-";
  const lines = [
    "| env | N | backend | workers | env steps/s | µs per call | env steps/CPU-s | raw physics steps/CPU-s | env / raw |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    const backend = r.backend === "workers"
      ? "workers (SAB+Atomics)"
      : r.backend === "message"
      ? "workers (postMessage)"
      : r.backend;
    lines.push(
      `| ${r.env} | ${r.n} | ${backend} | ${r.workers ?? "-"} | ${
        Math.round(r.stepsPerSec).toLocaleString("en-US")
      } | ${r.usPerCall.toFixed(1)} | ${cpu(r.envCpu)} | ${cpu(r.rawCpu)} | ${
        r.envCpu && r.rawCpu ? (r.envCpu / r.rawCpu).toFixed(2) : "-"
      } |`,
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
