/**
 * Worker-backed vector envs and {@link makeVectorEnv}, which picks a backend per env id.
 *
 * {@link WorkerVectorEnv} splits its N members into contiguous shards, one per Web Worker; each
 * worker builds its members with `makeEnv(id, options)` and runs an in-process {@link VectorEnv}
 * over its shard, writing straight into SharedArrayBuffers. The main thread signals each command
 * through an Int32Array with `Atomics.notify` and blocks in `Atomics.wait` until every shard is done,
 * so the interface is the same synchronous {@link VectorEnvLike} and the numbers are bit-for-bit
 * those of the in-process VectorEnv for the same seed (each member does exactly the same arithmetic).
 *
 * Reference: Gymnasium `AsyncVectorEnv` (shared memory, one process per shard).
 *
 * @module
 */
import { makeEnv, type MakeEnvOptions } from "./registry.ts";
import { type Box, flatSize, type Space } from "../lib/env.ts";
import { Rng, type RngState } from "../lib/rng.ts";
import {
  checkActions,
  checkGroups,
  checkMembers,
  checkSnapshot,
  type VectorBuffers,
  VectorEnv,
  type VectorEnvLike,
  type VectorResetOptions,
  type VectorSnapshot,
  type VectorStepResult,
} from "../lib/vector_env.ts";

/** Commands written to the control array (read / write: member states, generators, episodes). */
export const Cmd = {
  reset: 1,
  groupLeaders: 2,
  groupFollowers: 3,
  step: 4,
  close: 5,
  read: 6,
  write: 7,
} as const;

/** Per-worker control words: [seq, cmd, done, status]; status 0 = ok, k > 0 = error of k − 1 bytes. */
export const CTRL = { seq: 0, cmd: 1, done: 2, status: 3, stride: 4 } as const;

/** The SharedArrayBuffers and sizes shared by the main thread and the workers. */
export interface SharedLayout {
  n: number;
  obsSize: number;
  actionSize: number;
  stateSize: number;
  workers: number;
  errorBytes: number;
  argsBytes: number;
  /** Polls of the control word before blocking in Atomics.wait (both sides). */
  spinIters: number;
  sab: Record<
    | "obs"
    | "finalObs"
    | "actions"
    | "rewards"
    | "episodeReturn"
    | "episodeLength"
    | "terminated"
    | "truncated"
    | "hasFinal"
    | "stepped"
    | "states"
    | "rngs"
    | "episodes"
    | "ctrl"
    | "args"
    | "argsLen"
    | "errors",
    SharedArrayBuffer
  >;
}

function allocLayout(
  n: number,
  s: number,
  d: number,
  sizes: { stateSize: number; workers: number; spinIters: number },
): SharedLayout {
  const { stateSize, workers, spinIters } = sizes;
  const errorBytes = 4096, argsBytes = 65536;
  const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
  return {
    n,
    obsSize: s,
    actionSize: d,
    stateSize,
    workers,
    errorBytes,
    argsBytes,
    spinIters,
    sab: {
      obs: sab(4 * n * s),
      finalObs: sab(4 * n * s),
      actions: sab(4 * n * d),
      rewards: sab(8 * n),
      episodeReturn: sab(8 * n),
      episodeLength: sab(4 * n),
      terminated: sab(n),
      truncated: sab(n),
      hasFinal: sab(n),
      stepped: sab(n),
      states: sab(8 * n * stateSize),
      rngs: sab(16 * n),
      episodes: sab(16 * n),
      ctrl: sab(4 * CTRL.stride * workers),
      args: sab(argsBytes),
      argsLen: sab(4),
      errors: sab(errorBytes * workers),
    },
  };
}

/** Typed-array views over a {@link SharedLayout}. */
export function sharedViews(l: SharedLayout) {
  const { n, obsSize: s, actionSize: d, sab } = l;
  return {
    obs: new Float32Array(sab.obs, 0, n * s),
    finalObs: new Float32Array(sab.finalObs, 0, n * s),
    actions: new Float32Array(sab.actions, 0, n * d),
    rewards: new Float64Array(sab.rewards, 0, n),
    episodeReturn: new Float64Array(sab.episodeReturn, 0, n),
    episodeLength: new Uint32Array(sab.episodeLength, 0, n),
    terminated: new Uint8Array(sab.terminated, 0, n),
    truncated: new Uint8Array(sab.truncated, 0, n),
    hasFinal: new Uint8Array(sab.hasFinal, 0, n),
    stepped: new Uint8Array(sab.stepped, 0, n),
    states: new Float64Array(sab.states, 0, n * l.stateSize),
    /** [N, 4] each member's reset generator state (snapshot, restore). */
    rngs: new Uint32Array(sab.rngs, 0, 4 * n),
    /** [N, 2] each member's running episode Σ r and length (snapshot, restore). */
    episodes: new Float64Array(sab.episodes, 0, 2 * n),
    ctrl: new Int32Array(sab.ctrl),
    args: new Uint8Array(sab.args),
    argsLen: new Int32Array(sab.argsLen),
    errors: new Uint8Array(sab.errors),
  };
}

/** Options for {@link WorkerVectorEnv.create}. */
export interface WorkerVectorOptions {
  /** Number of Web Workers (default `navigator.hardwareConcurrency`, at most N). */
  workers?: number;
  /** Same-step autoreset (default true); see lib/vector_env.ts. */
  autoreset?: boolean;
  /** Passed to `makeEnv` in each worker; must be structured-cloneable (no `rng`). */
  envOptions?: MakeEnvOptions;
  /** Member i draws its resets from its own generator seeded with `rngSeeds[i]` (in snapshots). */
  rngSeeds?: number[];
  /** Give up waiting for a worker after this many ms (default 60000). */
  timeoutMs?: number;
  /** Polls of the shared control word before blocking in `Atomics.wait` (default 0: spinning measured slower on 2 cores). */
  spinIters?: number;
}

/** A worker with a FIFO of pending replies, for the postMessage setup requests (init, attach). */
class Channel {
  readonly worker: Worker;
  #pending: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  constructor(url: URL) {
    this.worker = new Worker(url.href, { type: "module" });
    this.worker.onmessage = (e: MessageEvent) => {
      const p = this.#pending.shift();
      if (!p) return;
      if (e.data?.type === "error") p.reject(new Error(e.data.message));
      else p.resolve(e.data);
    };
    this.worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      for (const p of this.#pending.splice(0)) {
        p.reject(new Error(`vector worker failed: ${e.message}`));
      }
    };
  }
  request(msg: Record<string, unknown>): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.worker.postMessage(msg);
    });
  }
}

/** Splits N members into `workers` contiguous shards: [offset, count] per worker. */
function shards(n: number, workers: number): [number, number][] {
  const out: [number, number][] = [];
  for (let w = 0, off = 0; w < workers; w++) {
    const count = Math.floor(n / workers) + (w < n % workers ? 1 : 0);
    out.push([off, count]);
    off += count;
  }
  return out;
}

async function startWorkers(
  who: string,
  id: string,
  n: number,
  opts: WorkerVectorOptions,
): Promise<{ channels: Channel[]; ready: Record<string, unknown>; parts: [number, number][] }> {
  if (!(Number.isInteger(n) && n > 0)) {
    throw new Error(`${who}: n is ${n}, expected a positive integer`);
  }
  if (opts.envOptions && "rng" in opts.envOptions) {
    throw new Error(
      `${who}: envOptions.rng cannot cross to a worker; seed members with reset({ seed })`,
    );
  }
  if (opts.rngSeeds && opts.rngSeeds.length !== n) {
    throw new Error(`${who}: ${opts.rngSeeds.length} rngSeeds for ${n} members, expected one each`);
  }
  const workers = Math.min(n, opts.workers ?? navigator.hardwareConcurrency ?? 2);
  if (!(Number.isInteger(workers) && workers > 0)) {
    throw new Error(`${who}: workers is ${opts.workers}, expected a positive integer`);
  }
  const parts = shards(n, workers);
  const url = new URL("./worker_entry.ts", import.meta.url);
  const channels = parts.map(() => new Channel(url));
  try {
    const replies = await Promise.all(channels.map((c, w) =>
      c.request({
        type: "init",
        id,
        options: opts.envOptions ?? {},
        offset: parts[w][0],
        count: parts[w][1],
        autoreset: opts.autoreset ?? true,
        rngSeeds: opts.rngSeeds?.slice(parts[w][0], parts[w][0] + parts[w][1]),
      })
    ));
    return { channels, ready: replies[0], parts };
  } catch (err) {
    for (const c of channels) c.worker.terminate();
    throw err;
  }
}

/**
 * N envs run across Web Workers with the synchronous {@link VectorEnvLike} interface (see the
 * module doc). Create with `await WorkerVectorEnv.create(id, n, options)`; always `close()` it,
 * or the workers keep the process alive. Returned buffers are SharedArrayBuffer views, overwritten
 * by the next call.
 */
export class WorkerVectorEnv implements VectorEnvLike {
  readonly id: string;
  readonly numEnvs: number;
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  readonly autoreset: boolean;
  readonly workers: number;
  readonly buffers: VectorBuffers;
  readonly stateSize: number;
  #hasRngs: boolean;
  #channels: Channel[];
  #views: ReturnType<typeof sharedViews>;
  #layout: SharedLayout;
  #timeoutMs: number;
  #running: Uint8Array;
  #everReset = false;
  #closed = false;

  private constructor(
    init: { id: string; channels: Channel[]; layout: SharedLayout; spaces: [Box, Space] },
    opts: WorkerVectorOptions,
  ) {
    this.id = init.id;
    this.#channels = init.channels;
    this.#layout = init.layout;
    this.numEnvs = init.layout.n;
    this.stateSize = init.layout.stateSize;
    this.#hasRngs = opts.rngSeeds !== undefined;
    this.workers = init.channels.length;
    [this.observationSpace, this.actionSpace] = init.spaces;
    this.autoreset = opts.autoreset ?? true;
    this.#timeoutMs = opts.timeoutMs ?? 60000;
    this.#views = sharedViews(init.layout);
    const v = this.#views;
    this.buffers = {
      obs: v.obs,
      rewards: v.rewards,
      terminated: v.terminated,
      truncated: v.truncated,
      hasFinal: v.hasFinal,
      finalObs: v.finalObs,
      episodeReturn: v.episodeReturn,
      episodeLength: v.episodeLength,
      stepped: v.stepped,
    };
    this.#running = new Uint8Array(this.numEnvs);
  }

  /** Starts the workers, builds the members in them and attaches the shared buffers. */
  static async create(
    id: string,
    n: number,
    options: WorkerVectorOptions = {},
  ): Promise<WorkerVectorEnv> {
    const { channels, ready } = await startWorkers("WorkerVectorEnv", id, n, options);
    const observationSpace = ready.observationSpace as Box;
    const actionSpace = ready.actionSpace as Space;
    const layout = allocLayout(n, observationSpace.low.length, flatSize(actionSpace), {
      stateSize: ready.stateSize as number,
      workers: channels.length,
      spinIters: options.spinIters ?? 0,
    });
    try {
      await Promise.all(channels.map((c, w) => c.request({ type: "attach", layout, worker: w })));
    } catch (err) {
      for (const c of channels) c.worker.terminate();
      throw err;
    }
    return new WorkerVectorEnv(
      { id, channels, layout, spaces: [observationSpace, actionSpace] },
      options,
    );
  }

  reset(opts: VectorResetOptions = {}): { obs: Float32Array } {
    this.#run(Cmd.reset, { seed: this.#seedFor(opts.seed), options: opts.options });
    this.#started();
    return { obs: this.buffers.obs };
  }

  resetGroups(groupSize: number, opts: VectorResetOptions = {}): { obs: Float32Array } {
    checkGroups("WorkerVectorEnv", this.numEnvs, groupSize);
    const args = { groupSize, seed: this.#seedFor(opts.seed), options: opts.options };
    this.#run(Cmd.groupLeaders, args);
    this.#run(Cmd.groupFollowers, args);
    this.#started();
    return { obs: this.buffers.obs };
  }

  step(actions: Float32Array): VectorStepResult {
    if (!this.#everReset) {
      throw new Error("WorkerVectorEnv.step: called before reset() or resetGroups()");
    }
    const d = flatSize(this.actionSpace);
    checkActions("WorkerVectorEnv", actions, { n: this.numEnvs, d, running: this.#running });
    this.#views.actions.set(actions);
    this.#run(Cmd.step);
    if (!this.autoreset) {
      const b = this.buffers;
      for (let i = 0; i < this.numEnvs; i++) if (b.hasFinal[i]) this.#running[i] = 0;
    }
    return this.buffers;
  }

  getStates(members: readonly number[]): Float64Array[] {
    checkMembers("WorkerVectorEnv.getStates", this.numEnvs, members);
    this.#run(Cmd.read, { members });
    const ss = this.stateSize, st = this.#views.states;
    return members.map((i) => st.slice(i * ss, (i + 1) * ss));
  }

  setStates(members: readonly number[], states: readonly Float64Array[]): void {
    checkMembers("WorkerVectorEnv.setStates", this.numEnvs, members, states);
    this.#write({}, members, states);
  }

  snapshot(): VectorSnapshot {
    const rows = Array.from({ length: this.numEnvs }, (_, i) => i);
    this.#run(Cmd.read, { members: rows, snapshot: true });
    const { states, rngs, episodes } = this.#views, ss = this.stateSize;
    return {
      states: rows.map((i) => states.slice(i * ss, (i + 1) * ss)),
      rngs: this.#hasRngs
        ? rows.map((i) => Array.from(rngs.subarray(4 * i, 4 * i + 4)) as RngState)
        : undefined,
      returns: rows.map((i) => episodes[2 * i]),
      lengths: rows.map((i) => episodes[2 * i + 1]),
    };
  }

  restore(snap: Partial<VectorSnapshot>): void {
    const all = Array.from({ length: this.numEnvs }, (_, i) => i);
    this.#write(snap, snap.states ? all : [], snap.states ?? []);
  }

  /** Writes `snap`'s generators and episodes and the states of `members`; one round trip. */
  #write(
    snap: Partial<VectorSnapshot>,
    members: readonly number[],
    states: readonly Float64Array[],
  ): void {
    const parts = checkSnapshot("WorkerVectorEnv", this.numEnvs, snap, this.#hasRngs);
    const v = this.#views, ss = this.stateSize;
    members.forEach((i, k) => v.states.set(this.#stateOf(states[k]), i * ss));
    snap.rngs?.forEach((r, i) => v.rngs.set(r, 4 * i));
    snap.returns?.forEach((r, i) => v.episodes[2 * i] = r);
    snap.lengths?.forEach((l, i) => v.episodes[2 * i + 1] = l);
    this.#run(Cmd.write, { ...parts, members });
  }

  /** Closes the members and terminates the workers. */
  close(): void {
    if (this.#closed) return;
    try {
      this.#run(Cmd.close);
    } finally {
      this.#closed = true;
      for (const c of this.#channels) c.worker.terminate();
    }
  }

  #seedFor(seed: number | undefined): number | undefined {
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      throw new Error(
        `WorkerVectorEnv.reset: seed is ${seed}, expected an integer in [0, 4294967295]`,
      );
    }
    return seed ?? (this.#everReset ? undefined : 0);
  }

  #stateOf(s: Float64Array): Float64Array {
    if (s.length !== this.stateSize) {
      throw new Error(
        `WorkerVectorEnv: a state of length ${s.length}, expected ${this.stateSize} for ${this.id}`,
      );
    }
    return s;
  }

  #started(): void {
    this.#everReset = true;
    this.#running.fill(1);
  }

  /** Signals `cmd` to every worker and blocks until all are done; rethrows the first error. */
  #run(cmd: number, args?: Record<string, unknown>): void {
    if (this.#closed) throw new Error("WorkerVectorEnv: the vector env is closed");
    const v = this.#views;
    if (args) {
      const bytes = new TextEncoder().encode(JSON.stringify(args));
      if (bytes.length > this.#layout.argsBytes) {
        throw new Error(
          `WorkerVectorEnv: reset options take ${bytes.length} bytes, expected ≤ ${this.#layout.argsBytes}`,
        );
      }
      v.args.set(bytes);
      v.argsLen[0] = bytes.length;
    } else v.argsLen[0] = 0;
    const ctrl = v.ctrl;
    const seqs: number[] = [];
    for (let w = 0; w < this.workers; w++) {
      const base = w * CTRL.stride;
      ctrl[base + CTRL.cmd] = cmd;
      seqs.push(Atomics.add(ctrl, base + CTRL.seq, 1) + 1);
      Atomics.notify(ctrl, base + CTRL.seq);
    }
    let error: string | undefined;
    for (let w = 0; w < this.workers; w++) {
      const base = w * CTRL.stride;
      const deadline = performance.now() + this.#timeoutMs;
      const spin = this.#layout.spinIters;
      for (let k = 0; k < spin && Atomics.load(ctrl, base + CTRL.done) !== seqs[w]; k++);
      for (;;) {
        const done = Atomics.load(ctrl, base + CTRL.done);
        if (done === seqs[w]) break;
        const left = deadline - performance.now();
        if (left <= 0) {
          this.#closed = true;
          for (const c of this.#channels) c.worker.terminate();
          throw new Error(
            `WorkerVectorEnv: worker ${w} did not finish command ${cmd} within ${this.#timeoutMs} ms`,
          );
        }
        Atomics.wait(ctrl, base + CTRL.done, done, left);
      }
      const status = ctrl[base + CTRL.status];
      if (status > 0 && error === undefined) {
        const bytes = new Uint8Array(status - 1);
        bytes.set(
          v.errors.subarray(w * this.#layout.errorBytes, w * this.#layout.errorBytes + status - 1),
        );
        error = new TextDecoder().decode(bytes);
      }
    }
    if (error !== undefined) throw new Error(error);
  }
}

/**
 * Which backend `makeVectorEnv(..., { backend: "auto" })` uses, per env id (absent: inline), measured
 * side by side on the 2-core machine:
 *
 * - Pendulum-v1, N = 64 (`bench/envs.ts --seconds 3`, quiet): inline 1.36M env steps/s; workers
 *   (SAB+Atomics) 0.39M with 1 worker, 0.44M with 2. A Pendulum step (~1 µs) is too cheap to pay
 *   for a round trip.
 * - HalfCheetah-v5, N = 16 (same, quiet): inline 13.0k env steps/s; 2 workers 16.0k (1.23×).
 * - The v5 suite, N = 16, 2 workers vs inline, best of 3 alternated 0.5 s runs each, under load
 *   (load average 3–5): Humanoid 1.86×, Swimmer and Walker2d 1.64×, Ant 1.62×, HalfCheetah 1.61×,
 *   Hopper 1.51×, InvertedDoublePendulum 1.41×, HumanoidStandup 1.26–1.32×: workers. The cheap
 *   steps (one env step ≲ 80 µs) came out within noise of 1: InvertedPendulum 0.99–1.47×,
 *   Reacher 1.44× once, Pusher 0.89–1.06×: inline, the simpler backend.
 */
export const AUTO_BACKEND: Record<string, "inline" | "workers"> = {
  "Pendulum-v1": "inline",
  "HalfCheetah-v5": "workers",
  "Hopper-v5": "workers",
  "Walker2d-v5": "workers",
  "Swimmer-v5": "workers",
  "InvertedDoublePendulum-v5": "workers",
  "Ant-v5": "workers",
  "Humanoid-v5": "workers",
  "HumanoidStandup-v5": "workers",
};

/** Options for {@link makeVectorEnv}. */
export interface MakeVectorEnvOptions extends WorkerVectorOptions {
  /** "inline" (this thread), "workers" (Web Workers) or "auto" (default: {@link AUTO_BACKEND}). */
  backend?: "auto" | "inline" | "workers";
}

/**
 * Builds N members of env `id` as one {@link VectorEnvLike}; both backends give identical numbers.
 *
 * @example
 * ```ts
 * import { makeVectorEnv } from "./worker_pool.ts";
 * import { strictEqual } from "node:assert/strict";
 * const venv = await makeVectorEnv("Pendulum-v1", 8, { backend: "inline" });
 * strictEqual(venv.reset({ seed: 0 }).obs.length, 8 * 3);
 * venv.close();
 * ```
 */
export async function makeVectorEnv(
  id: string,
  n: number,
  options: MakeVectorEnvOptions = {},
): Promise<VectorEnvLike> {
  const backend = options.backend ?? "auto";
  const chosen = backend === "auto" ? (AUTO_BACKEND[id] ?? "inline") : backend;
  if (chosen === "workers") return await WorkerVectorEnv.create(id, n, options);
  if (chosen !== "inline") {
    throw new Error(
      `makeVectorEnv: backend is "${backend}", expected "auto", "inline" or "workers"`,
    );
  }
  if (!(Number.isInteger(n) && n > 0)) {
    throw new Error(`makeVectorEnv: n is ${n}, expected a positive integer`);
  }
  if (options.envOptions && "rng" in options.envOptions) {
    throw new Error(
      "makeVectorEnv: envOptions.rng would be shared by all members; seed them with reset({ seed })",
    );
  }
  const rngs = options.rngSeeds?.map((seed) => new Rng(seed));
  const envs = [];
  for (let i = 0; i < n; i++) {
    envs.push(
      await makeEnv(id, rngs ? { ...options.envOptions, rng: rngs[i] } : options.envOptions),
    );
  }
  return new VectorEnv(envs, { autoreset: options.autoreset, rngs });
}
