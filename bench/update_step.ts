/**
 * Times one policy-gradient update step against TensorFlow.js, side by side, in one run.
 *
 * The workload (the "Engine" step), identical on every side:
 *
 * ```text
 * h = relu(relu(s·W₀ + b₀)·W₁ + b₁)           s [B, 17], W₀ [17, 256], W₁ [256, 256]
 * μ = h·W_μ + b_μ,  v = clamp(h·W_v + b_v, −20, 4)   two heads [B, 6]; v = log σ²
 * log π = −½ Σ_d [ (a − μ)²·e^{−v} + v + log 2π ]
 * L = −mean(exp(log π − log π_old)·Â)
 * backward, then one Adam step (lr 3e-4, β₁ 0.9, β₂ 0.999, ε 1e-8)
 * ```
 *
 * Sides: ours written with lib/ops.ts directly (`ours/ops`), ours through `GaussianMlpPolicy` and
 * its fused log-probability (`ours/policy`), each on every product backend of `--backends`
 * (lib/backend.ts: `ts`, `wasm`) with its steps inside `reuseBuffers` as training runs them; the
 * policy step on `ts` with fresh buffers (the code before issue 16: `fresh [ts]`); and the same step in tfjs-core on the pure-JS `cpu` backend and on
 * its `wasm` backend (SIMD). All start from the same weights and data, and the bench
 * fails unless every side reports the same loss at step 1 and at step 2 (after one Adam update).
 *
 * Usage: `deno task bench [--batch 64,4096] [--backends ts,wasm] [--peers cpu,wasm] [--threads 1,2]`
 *
 * @module
 */
import { Adam } from "../lib/optim.ts";
import {
  add,
  addScalar,
  clamp,
  exp,
  linear,
  mean,
  mul,
  mulScalar,
  neg,
  relu,
  square,
  sub,
  sum,
} from "../lib/ops.ts";
import { GaussianMlpPolicy } from "../lib/policy.ts";
import { Rng } from "../lib/rng.ts";
import { reuseBuffers, Tensor } from "../lib/tensor.ts";
import { type BackendName, getBackend, setBackend } from "../lib/backend.ts";
import { startThreads, stopThreads } from "../lib/threads.ts";
import {
  type InitParams,
  makePeerStep,
  type PeerBackend,
  type StepData,
  useBackend,
  wasmFeatures,
} from "./tfjs_peer.ts";

const LOG_2PI = Math.log(2 * Math.PI);
const OBS = 17, ACT = 6, LR = 3e-4;

/** Bench configuration; every field is a flag. */
export interface BenchConfig {
  /** Batch sizes B. `--batch 64,4096` */
  batches: number[];
  /** tfjs backends to compare with. `--peers cpu,wasm` (`--peers none` for ours only) */
  peers: PeerBackend[];
  /** Our product backends. `--backends ts,wasm` */
  backends: BackendName[];
  /** Thread counts for ours/policy (1 always runs ours/ops too). `--threads 1,2` */
  threads: number[];
  /** Seconds of timed steps per side, batch and round (at least `minIters` steps). `--budget 3` */
  budget: number;
  /** Most timed steps per side and batch. `--iters 30` */
  iters: number;
  /** Fewest timed steps. `--min-iters 5` */
  minIters: number;
  /** Untimed steps first (at least 2: steps 1 and 2 give the loss check). `--warmup 3` */
  warmup: number;
  /** Rounds over all sides; each round builds every side afresh and times it. `--rounds 2` */
  rounds: number;
  /** Seed for weights and data. `--seed 0` */
  seed: number;
  /** Also split our step into forward / backward / Adam. `--no-profile` turns it off */
  profile: boolean;
}

const DEFAULTS: BenchConfig = {
  batches: [64, 4096],
  peers: ["cpu", "wasm"],
  backends: ["ts", "wasm"],
  threads: [1, 2],
  budget: 3,
  iters: 30,
  minIters: 5,
  warmup: 3,
  rounds: 2,
  seed: 0,
  profile: true,
};

/** One step that can be timed; `phases` (ours only) times forward, backward and Adam apart. */
export interface Side {
  name: string;
  step(): number;
  phases?: () => [number, number, number];
  dispose?: () => void;
}

/** A policy's fixed batch: observations, sampled actions, old log-probs (jittered), advantages. */
export function makeData(B: number, seed: number): { data: StepData; init: InitParams } {
  const rng = new Rng(seed);
  const pi = new GaussianMlpPolicy(OBS, ACT, { rng: rng.spawn() });
  const obs = rng.fillNormal(new Float32Array(B * OBS));
  const { actions, logProbs } = pi.act(obs, rng);
  const logProbOld = logProbs.map((lp) => lp + 0.1 * rng.normal()); // so that r ≠ 1
  const advantages = rng.fillNormal(new Float32Array(B));
  const init = pi.parameters().map((p) => ({ data: Float32Array.from(p.data), shape: p.shape }));
  return {
    data: { batch: B, obsSize: OBS, actSize: ACT, obs, actions, logProbOld, advantages },
    init,
  };
}

/** Times forward, backward and the Adam step apart; returns ms of each. */
function timed(forward: () => Tensor, opt: Adam): [number, number, number] {
  const t0 = performance.now();
  const loss = forward();
  const t1 = performance.now();
  opt.zeroGrad();
  loss.backward();
  const t2 = performance.now();
  opt.step();
  return [t1 - t0, t2 - t1, performance.now() - t2];
}

/** Ours, written with lib/ops.ts op by op. */
function opsSide(data: StepData, init: InitParams): Side {
  const B = data.batch;
  const names = ["w0", "b0", "w1", "b1", "wm", "bm", "wv", "bv"];
  const params = init.map((p, i) =>
    new Tensor(Float32Array.from(p.data), p.shape, { requiresGrad: true, name: names[i] })
  );
  const [w0, b0, w1, b1, wm, bm, wv, bv] = params;
  const obs = new Tensor(data.obs, [B, OBS]), act = new Tensor(data.actions, [B, ACT]);
  const lpOld = new Tensor(data.logProbOld, [B]), adv = new Tensor(data.advantages, [B]);
  const opt = new Adam(params, { lr: LR, simd: getBackend() === "wasm" }) /* as training */;
  const forward = () => {
    const h = relu(linear(relu(linear(obs, w0, b0)), w1, b1));
    const mu = linear(h, wm, bm);
    const v = clamp(linear(h, wv, bv), -20, 4);
    const quad = mul(square(sub(act, mu)), exp(neg(v))); // (a − μ)²·e^{−v}
    const logp = mulScalar(sum(addScalar(add(quad, v), LOG_2PI), { axis: -1 }), -0.5);
    const ratio = exp(sub(logp, lpOld)); // r = π_θ/π_old
    return neg(mean(mul(ratio, adv)));
  };
  return {
    name: "ours/ops",
    step() {
      const loss = forward();
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    },
    phases: () => timed(forward, opt),
  };
}

/** Ours, through GaussianMlpPolicy and DiagGaussian.logProb. */
export function policySide(data: StepData, init: InitParams, seed: number): Side {
  const B = data.batch;
  const pi = new GaussianMlpPolicy(OBS, ACT, { rng: new Rng(seed).spawn() });
  const params = pi.parameters();
  params.forEach((p, i) => p.data.set(init[i].data));
  const obs = new Tensor(data.obs, [B, OBS]);
  const lpOld = new Tensor(data.logProbOld, [B]), adv = new Tensor(data.advantages, [B]);
  const opt = new Adam(params, { lr: LR, simd: getBackend() === "wasm" }) /* as training */;
  const forward = () => {
    const logp = pi.forward(obs).logProb(data.actions);
    return neg(mean(mul(exp(sub(logp, lpOld)), adv)));
  };
  return {
    name: "ours/policy",
    step() {
      const loss = forward();
      opt.zeroGrad();
      loss.backward();
      opt.step();
      return loss.item();
    },
    phases: () => timed(forward, opt),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs warm-up steps (keeping the first two losses), then timed steps; their ms. */
function measure(side: Side, cfg: BenchConfig): { times: number[]; losses: number[] } {
  const losses: number[] = [];
  for (let i = 0; i < Math.max(2, cfg.warmup); i++) {
    const l = side.step();
    if (i < 2) losses.push(l);
  }
  const times: number[] = [];
  const end = performance.now() + cfg.budget * 1000;
  while (times.length < cfg.iters && (times.length < cfg.minIters || performance.now() < end)) {
    const t0 = performance.now();
    side.step();
    times.push(performance.now() - t0);
  }
  return { times, losses };
}

/** One row of the result table. */
export interface BenchRow {
  batch: number;
  side: string;
  msPerStep: number;
  steps: number;
  loss1: number;
  loss2: number;
}

function parseArgs(args: string[]): BenchConfig {
  const cfg = { ...DEFAULTS };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i],
      val = () => {
        const v = args[++i];
        if (v === undefined) throw new Error(`bench: ${flag} needs a value`);
        return v;
      };
    const num = (v: string) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) {
        throw new Error(`bench: ${flag} expects a number, got ${v}`);
      }
      return n;
    };
    if (flag === "--batch") cfg.batches = val().split(",").map(num);
    else if (flag === "--peers") {
      const v = val();
      cfg.peers = v === "none" ? [] : v.split(",") as PeerBackend[];
      for (const p of cfg.peers) {
        if (p !== "cpu" && p !== "wasm") {
          throw new Error(`bench: --peers takes cpu, wasm or none; got ${v}`);
        }
      }
    } else if (flag === "--backends") {
      const v = val();
      cfg.backends = v.split(",") as BackendName[];
      if (!cfg.backends.every((b) => b === "ts" || b === "wasm")) {
        throw new Error(`bench: --backends takes ts and/or wasm; got ${v}`);
      }
    } else if (flag === "--threads") cfg.threads = val().split(",").map(num);
    else if (flag === "--budget") cfg.budget = num(val());
    else if (flag === "--iters") cfg.iters = num(val());
    else if (flag === "--min-iters") cfg.minIters = num(val());
    else if (flag === "--warmup") cfg.warmup = num(val());
    else if (flag === "--rounds") cfg.rounds = Math.max(1, num(val()));
    else if (flag === "--seed") cfg.seed = num(val());
    else if (flag === "--no-profile") cfg.profile = false;
    else if (flag === "--help") {
      console.log(
        `deno task bench [flags]\n  --batch 64,4096   batch sizes B\n  --peers cpu,wasm  tfjs backends (or none)\n` +
          `  --backends ts,wasm  our product backends\n  --threads 1,2     thread counts for ours/policy\n` +
          `  --budget 3        seconds of timed steps per side\n  --iters 30        most timed steps\n` +
          `  --min-iters 5     fewest timed steps\n  --warmup 3        untimed steps (≥ 2)\n` +
          `  --rounds 2        rounds over all sides (interleaves them in time)\n` +
          `  --seed 0          weights and data\n  --no-profile      skip the forward/backward/Adam split`,
      );
      Deno.exit(0);
    } else throw new Error(`bench: unknown flag ${flag}; try --help`);
  }
  return cfg;
}

const fmt = (x: number, w: number, d = 2) => x.toFixed(d).padStart(w);

/** Runs the bench and prints a table; returns its rows. */
export async function main(args: string[]): Promise<BenchRow[]> {
  const cfg = parseArgs(args);
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  for (const B of cfg.batches) {
    const { data, init } = makeData(B, cfg.seed);
    /**
     * A side of ours on product backend `be` and `threads` threads, its steps inside
     * `reuseBuffers` (as training runs them) unless `fresh`.
     */
    const ours =
      (be: BackendName, threads: number, make: () => Side, fresh = false) => async () => {
        setBackend(be);
        await startThreads(threads);
        const side = make(),
          suffix = (threads > 1 ? `-${threads}threads` : "") + (fresh ? " fresh" : "");
        return {
          name: `${side.name}${suffix} [${be}]`,
          step: fresh ? side.step : () => reuseBuffers(side.step),
          dispose: stopThreads,
        };
      };
    const sides: (() => Promise<Side>)[] = [
      ...(cfg.backends.includes("ts") // the step before issue 16: ts products, fresh buffers
        ? [ours("ts", 1, () => policySide(data, init, cfg.seed), true)]
        : []),
      ...cfg.backends.flatMap((be) => [
        ours(be, 1, () => opsSide(data, init)),
        ...cfg.threads.map((t) => ours(be, t, () => policySide(data, init, cfg.seed))),
      ]),
      ...cfg.peers.map((backend) => async () => {
        await useBackend(backend);
        let label = `tfjs/${backend}`;
        if (backend === "wasm") {
          const f = await wasmFeatures();
          label += f.simd ? "-simd" : "";
          label += f.threads ? "-threads" : "";
        }
        return { name: label, ...makePeerStep(data, init, { lr: LR }) };
      }),
    ];
    // Rounds interleave the sides in time, so background load is shared out among them.
    const times = new Map<string, number[]>();
    for (let round = 0; round < cfg.rounds; round++) {
      for (const make of sides) {
        const side = await make();
        const r = measure(side, cfg);
        side.dispose?.();
        if (!times.has(side.name)) {
          times.set(side.name, []);
          rows.push({
            batch: B,
            side: side.name,
            msPerStep: 0,
            steps: 0,
            loss1: r.losses[0],
            loss2: r.losses[1],
          });
        }
        times.get(side.name)!.push(...r.times);
      }
    }
    for (const row of rows.filter((q) => q.batch === B)) {
      const ts = times.get(row.side)!;
      row.msPerStep = median(ts);
      row.steps = ts.length;
    }
    for (const be of cfg.profile ? cfg.backends : []) {
      setBackend(be);
      for (const side of [opsSide(data, init), policySide(data, init, cfg.seed)]) {
        for (let i = 0; i < cfg.warmup; i++) reuseBuffers(side.step);
        const ph: [number, number, number][] = [];
        for (let i = 0; i < Math.max(cfg.minIters, 3); i++) ph.push(reuseBuffers(side.phases!));
        const [f, b, a] = [0, 1, 2].map((k) => median(ph.map((p) => p[k])));
        notes.push(
          `B=${B} ${side.name} [${be}]: forward ${f.toFixed(2)} ms, backward ${b.toFixed(2)} ms, ` +
            `Adam ${a.toFixed(2)} ms (medians of ${ph.length})`,
        );
      }
    }
  }
  console.log(
    `\nUpdate step: MLP 17→256→256→(μ 6, log σ² 6), ReLU; Gaussian log π, ratio loss, backward, Adam.`,
  );
  console.log(
    `Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores; load average ${
      Deno.loadavg().map((x) => x.toFixed(2)).join(" ")
    } (other processes share the CPU when it is above 0).`,
  );
  const refName = rows[0].side;
  console.log(`| B | side | ms/step | steps | × ${refName} | loss @1 | loss @2 |`);
  console.log(`|---:|---|---:|---:|---:|---:|---:|`);
  let mismatch = "";
  for (const r of rows) {
    const ref = rows.find((q) => q.batch === r.batch && q.side === refName)!;
    console.log(
      `| ${r.batch} | ${r.side} | ${fmt(r.msPerStep, 8)} | ${r.steps} | ` +
        `${fmt(r.msPerStep / ref.msPerStep, 5)} | ${r.loss1.toPrecision(7)} | ${
          r.loss2.toPrecision(7)
        } |`,
    );
    for (const k of ["loss1", "loss2"] as const) {
      const rel = Math.abs(r[k] - ref[k]) / Math.max(Math.abs(ref[k]), 1e-3);
      if (!(rel < 1e-4)) {
        mismatch += `\nB=${r.batch} ${r.side} ${k} ${r[k]} vs ${refName} ${ref[k]} (rel ${rel})`;
      }
    }
  }
  if (notes.length) console.log(`\nWhere our time goes:\n  ${notes.join("\n  ")}`);
  console.log(`\n(× > 1 means slower than ${refName}; ms are medians of the timed steps.)`);
  if (mismatch) throw new Error(`bench: the sides disagree on the loss:${mismatch}`);
  return rows;
}

if (import.meta.main) await main(Deno.args);
