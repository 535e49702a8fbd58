/**
 * Speed of the HalfCheetah wrapper against raw MuJoCo wasm, single env, one thread.
 *
 * ```text
 * raw  = physics steps/s of a bare `mj_step` loop (ctrl set every 5 steps, same resets)
 * env  = env steps/s of `env.step` (each = 5 physics steps; reset every 1000 env steps)
 * ratio = env / (raw / 5)      the wrapper's efficiency; target ≥ 80 %
 * ```
 * Both loops play the same 1000 seeded random actions from the same reset states, so they
 * simulate identical trajectories (checked at the end); rates are medians over the repeats, with
 * raw and env runs interleaved so that CPU frequency drift and load hit both.
 *
 * Usage: `deno run -A bench/mujoco.ts [--steps 20000] [--repeats 5]`
 *
 * @module
 */
import { loadHalfCheetahModel, makeHalfCheetah } from "../envs/halfcheetah.ts";
import { Rng } from "../lib/rng.ts";

/** Bench configuration. */
export interface BenchOptions {
  /** Env steps per timed run (raw runs do 5× as many physics steps). Default 20000. */
  steps?: number;
  /** Timed runs of each kind, after one warm-up run each. Default 5. */
  repeats?: number;
}

/** Median rates: raw physics steps/s, env steps/s, and env / (raw / 5). */
export interface BenchResult {
  rawPhysicsPerSec: number;
  envStepsPerSec: number;
  ratio: number;
}

const FRAME_SKIP = 5;
const EPISODE = 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the benchmark and returns median rates (prints nothing). */
export async function bench(options: BenchOptions = {}): Promise<BenchResult> {
  const { steps = 20_000, repeats = 5 } = options;
  const { mj, model } = await loadHalfCheetahModel();
  const rng = new Rng(0);
  const actions = Array.from(
    { length: EPISODE },
    () => Float32Array.from({ length: 6 }, () => rng.uniform(-1, 1)),
  );

  const data = new mj.MjData(model);
  const env = await makeHalfCheetah();
  try {
    // Raw loop: the env's reset by hand (qpos += U(−0.1, 0.1), qvel = 0.1·N(0, 1) from Rng(0)),
    // so both loops simulate the very same trajectories and differ only by the wrapper.
    let qpos: Float64Array = data.qpos;
    let qvel: Float64Array = data.qvel;
    let ctrl: Float64Array = data.ctrl;
    const rawReset = () => {
      mj.mj_resetData(model, data);
      if (qpos.length === 0 || ctrl.length === 0) {
        [qpos, qvel, ctrl] = [data.qpos, data.qvel, data.ctrl];
      }
      const r = new Rng(0);
      for (let i = 0; i < 9; i++) qpos[i] += r.uniform(-0.1, 0.1);
      for (let i = 0; i < 9; i++) qvel[i] = 0.1 * r.normal();
      mj.mj_forward(model, data);
    };
    const raw = (): number => {
      const t0 = performance.now();
      for (let t = 0; t < steps; t++) {
        if (t % EPISODE === 0) rawReset();
        ctrl.set(actions[t % EPISODE]);
        for (let k = 0; k < FRAME_SKIP; k++) mj.mj_step(model, data);
      }
      return (steps * FRAME_SKIP) / ((performance.now() - t0) / 1000);
    };
    const wrapped = (): number => {
      const t0 = performance.now();
      for (let t = 0; t < steps; t++) {
        if (t % EPISODE === 0) env.reset({ seed: 0 });
        env.step(actions[t % EPISODE]);
      }
      return steps / ((performance.now() - t0) / 1000);
    };
    raw();
    wrapped(); // warm-up: JIT and caches
    const raws: number[] = [];
    const envs: number[] = [];
    for (let r = 0; r < repeats; r++) {
      raws.push(raw());
      envs.push(wrapped());
    }
    const envX = env.getState()[0];
    if (qpos[0] !== envX) {
      throw new Error(`bench: raw x ${qpos[0]} ≠ env x ${envX}; loops diverged`);
    }
    const rawPhysicsPerSec = median(raws);
    const envStepsPerSec = median(envs);
    return {
      rawPhysicsPerSec,
      envStepsPerSec,
      ratio: envStepsPerSec / (rawPhysicsPerSec / FRAME_SKIP),
    };
  } finally {
    data.delete();
    env.close();
  }
}

/** CLI entry: parses flags, runs {@link bench}, prints a Markdown table. */
export async function main(args: string[]): Promise<BenchResult | undefined> {
  if (args.includes("--help")) {
    console.log("deno run -A bench/mujoco.ts [--steps 20000] [--repeats 5]");
    console.log("  --steps    env steps per timed run (raw: 5x physics steps)   default 20000");
    console.log("  --repeats  timed runs of each kind (median reported)          default 5");
    return undefined;
  }
  const flag = (name: string, fallback: number): number => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const v = Number(args[i + 1]);
    if (!(Number.isInteger(v) && v > 0)) {
      throw new Error(`--${name} is ${args[i + 1]}, expected a positive integer`);
    }
    return v;
  };
  const steps = flag("steps", 20_000);
  const repeats = flag("repeats", 5);
  const res = await bench({ steps, repeats });
  const fmt = (x: number) => Math.round(x).toLocaleString("en-US");
  console.log(
    `HalfCheetah-v5, @mujoco/mujoco wasm, ${steps} env steps × ${repeats} runs (median)\n`,
  );
  console.log("| loop | env steps/s | physics steps/s |");
  console.log("|---|---:|---:|");
  console.log(
    `| raw mj_step | ${fmt(res.rawPhysicsPerSec / FRAME_SKIP)} | ${fmt(res.rawPhysicsPerSec)} |`,
  );
  console.log(
    `| env.step | ${fmt(res.envStepsPerSec)} | ${fmt(res.envStepsPerSec * FRAME_SKIP)} |`,
  );
  console.log(`\nratio env / (raw / 5) = ${(100 * res.ratio).toFixed(1)} % (target ≥ 80 %)`);
  return res;
}

if (import.meta.main) await main(Deno.args);
