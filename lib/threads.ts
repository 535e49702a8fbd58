/**
 * Optional multi-core matmul: large products (lib/backend.ts) are split by rows between this thread and
 * Web Workers that share a `SharedArrayBuffer` scratch space.
 *
 * ```text
 * C[M, N] += A[M, P]·B[P, N]:  rows [0, m₁) here, rows [m₁, M) split across the workers
 * ```
 * Every row is computed by the same loop in the same order whichever thread runs it, so results are
 * bit-identical with 1, 2 or more threads and however the rows are split. The split adapts to the
 * measured speed of each side per product shape: a worker starts late (its wake-up, and the rows
 * this thread copies for it first) and reads data another core just wrote, so an even split leaves
 * this thread waiting. Off until {@link startThreads}; small products (below
 * {@link minParallelWork} multiply-adds) and float64 data always run on this thread.
 *
 * Reference: the HTML Living Standard's shared memory and `Atomics.wait`/`notify` (ECMAScript §25.4).
 *
 * @module
 */
import { backendCode, type Layout, product, type ProductOptions } from "./backend.ts";
import { transpose } from "./gemm.ts";
import type { Storage } from "./tensor.ts";

/**
 * Products with fewer multiply-adds than this stay on one thread: 2²⁰ on `ts`, 2²⁵ on `wasm`
 * (about 1 ms of its work; below that a worker's wake-up and the copies cost more than they save:
 * a 64-row minibatch of PPO ran 21 % of its time waiting for the worker at 2²⁰).
 */
export function minParallelWork(code = backendCode()): number {
  return code ? 1 << 25 : 1 << 20;
}

/**
 * Control words per worker: [seq, done, m0, rows, N, P, offA, offB, offC, stop, µs, layout,
 * backend, lda]. This thread
 * posts job `seq` by writing the job words, then `seq += 1` and a notify; the worker runs it, writes
 * how long its gemm took (µs) and sets `done = seq`. Both sides re-check their word after every
 * wake-up: a notify says only that someone called notify, and one sent late (the poster descheduled
 * between its add and its notify) would otherwise make the worker run a finished job again.
 */
const CTRL = 16;
export const SEQ = 0,
  DONE = 1,
  M0 = 2,
  ROWS = 3,
  NN = 4,
  PP = 5,
  OFF_A = 6,
  OFF_B = 7,
  OFF_C = 8,
  STOP = 9,
  MICROS = 10,
  LAYOUT = 11,
  BACKEND = 12,
  LDA = 13;

/** Layout codes for the LAYOUT word. */
export const LAYOUTS: readonly Layout[] = ["nn", "tn", "nt"];

interface Pool {
  workers: Worker[];
  ctrl: Int32Array;
  data: Float32Array;
  /** This thread's fraction of the rows, per product shape "M,N,P". */
  share: Map<string, number>;
  /** How long a product waits for a worker before it stops the pool and throws. */
  timeoutMs: number;
}

let pool: Pool | undefined;

/**
 * Starts `threads − 1` workers (so `threads` cores share each large matmul) with a shared scratch
 * space of `scratchMB` megabytes. A product that waits longer than `timeoutMs` (default 60 s) for a
 * worker stops the pool and throws instead of hanging. Call {@link stopThreads} before exit: live
 * workers keep the process running. `workerUrl` replaces lib/threads_worker.ts (for tests).
 */
export async function startThreads(
  threads: number,
  opts: { scratchMB?: number; timeoutMs?: number; workerUrl?: URL } = {},
): Promise<void> {
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new Error(`startThreads: threads must be an integer ≥ 1, got ${threads}`);
  }
  stopThreads();
  if (threads === 1) return;
  if (typeof SharedArrayBuffer === "undefined") {
    throw new Error(
      `startThreads: ${threads} threads need SharedArrayBuffer; in a browser, serve the page ` +
        `cross-origin isolated (scripts/serve.ts does) or use 1 thread`,
    );
  }
  if ("document" in globalThis) { // a browser's main thread may not Atomics.wait
    throw new Error(`startThreads: ${threads} threads need a worker in a browser; train in one`);
  }
  const n = threads - 1;
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL * 4 * n));
  const data = new Float32Array(new SharedArrayBuffer((opts.scratchMB ?? 64) * 1024 * 1024));
  const workers = await Promise.all(
    Array.from({ length: n }, (_, w) =>
      new Promise<Worker>((resolve, reject) => {
        const worker = new Worker(
          opts.workerUrl ?? new URL("./threads_worker.ts", import.meta.url),
          {
            type: "module",
          },
        );
        worker.onmessage = () => resolve(worker);
        worker.onerror = (e) => reject(new Error(`gemm worker ${w} failed to start: ${e.message}`));
        worker.postMessage({ ctrl: ctrl.buffer, data: data.buffer, slot: w * CTRL });
      })),
  );
  pool = { workers, ctrl, data, share: new Map(), timeoutMs: opts.timeoutMs ?? 60_000 };
}

/** Stops the workers; matmul runs on this thread again. */
export function stopThreads(): void {
  if (!pool) return;
  for (let w = 0; w < pool.workers.length; w++) {
    Atomics.store(pool.ctrl, w * CTRL + STOP, 1);
    Atomics.add(pool.ctrl, w * CTRL + SEQ, 1);
    Atomics.notify(pool.ctrl, w * CTRL + SEQ);
    pool.workers[w].terminate();
  }
  pool = undefined;
}

/** This thread's current fraction of the rows of an M × N × P product (1 when off or too small). */
export function mainShare(M: number, N: number, P: number): number {
  if (!pool || M * N * P < minParallelWork()) return 1;
  return pool.share.get(`${M},${N},${P}`) ?? 1 / (pool.workers.length + 1);
}

/** The number of threads sharing large matmuls (1 when off). */
export function threadCount(): number {
  return pool ? pool.workers.length + 1 : 1;
}

/**
 * C[M, N] += op(A)·op(B) on the current backend (lib/backend.ts), on several cores when started and
 * worth it; see the module doc. `nt` products go to the workers as stored; `tn` ones too on the wasm
 * backend (every worker reads its columns of Aᵀ in place), and on ts are transposed here first.
 * With `opts.lda` or an `opts.code` other than the current backend's it runs on this thread only.
 */
export function matmulKernel(
  M: number,
  N: number,
  P: number,
  a: Storage,
  b: Storage,
  c: Storage,
  opts: ProductOptions = {},
): void {
  const p = pool; // a strided A (lda) or another backend (code): this thread does it all
  if (
    !p || M * N * P < minParallelWork() || !(c instanceof Float32Array) ||
    opts.lda !== undefined || (opts.code ?? backendCode()) !== backendCode()
  ) {
    product(M, N, P, a, b, c, opts);
    return;
  }
  let layout = opts.layout ?? "nn";
  const code = backendCode(), strided = layout === "tn" && code !== 0; // wasm reads Aᵀ's columns in place
  if (layout === "tn" && !strided) [a, layout] = [transpose(a, P, M), "nn"];
  if (opts.bias) { for (let m = 0; m < M; m++) c.set(opts.bias.subarray(0, N), m * N); }
  const lay = LAYOUTS.indexOf(layout), lda = strided ? M : P;
  const { ctrl, data, workers } = p, W = workers.length, shape = `${M},${N},${P}`;
  const f = p.share.get(shape) ?? 1 / (W + 1);
  const share = Math.min(M, Math.ceil((M * f) / 4) * 4); // this thread's rows, a multiple of 4
  const perWorker = Math.ceil((M - share) / W / 4) * 4;
  if (share === M || (strided ? P * M : (M - share) * P) + (M - share) * N + P * N > data.length) {
    product(M, N, P, a, b, c, { layout });
    return;
  }
  // Scratch: B, then all of Aᵀ if strided, then each worker's A rows (unless strided) and C rows.
  data.set(b.subarray(0, P * N), 0);
  let off = P * N, m0 = share, busy = 0;
  const offA = off;
  if (strided) data.set(a.subarray(0, P * M), offA), off += P * M;
  for (let w = 0; w < W && m0 < M; w++) {
    const rows = Math.min(perWorker, M - m0), s = w * CTRL;
    ctrl[s + OFF_A] = strided ? offA + m0 : off; // Aᵀ's column m0, or a copy of A's rows
    if (!strided) data.set(a.subarray(m0 * P, (m0 + rows) * P), off), off += rows * P;
    data.set(c.subarray(m0 * N, (m0 + rows) * N), off);
    ctrl[s + M0] = m0, ctrl[s + ROWS] = rows, ctrl[s + NN] = N, ctrl[s + PP] = P;
    ctrl[s + OFF_B] = 0, ctrl[s + OFF_C] = off, ctrl[s + LDA] = lda;
    ctrl[s + LAYOUT] = lay, ctrl[s + BACKEND] = code;
    Atomics.add(ctrl, s + SEQ, 1);
    Atomics.notify(ctrl, s + SEQ);
    off += rows * N, m0 += rows, busy++;
  }
  const t0 = performance.now();
  product(share, N, P, a, b, c, { layout, lda }); // this thread's rows, in place
  const mine = performance.now() - t0;
  let slowest = 0; // µs per row of the slowest worker: from its own clock, or this thread's wait
  const deadline = performance.now() + p.timeoutMs;
  for (let w = 0; w < busy; w++) {
    const s = w * CTRL, seq = Atomics.load(ctrl, s + SEQ); // only this thread writes seq
    let waited = false;
    for (let d; (d = Atomics.load(ctrl, s + DONE)) !== seq; waited = true) {
      const left = deadline - performance.now();
      if (left <= 0) {
        stopThreads();
        throw new Error(
          `matmul: gemm worker ${w} did not finish its rows of ${M}×${N}×${P} within ` +
            `${p.timeoutMs} ms; the threads were stopped`,
        );
      }
      Atomics.wait(ctrl, s + DONE, d, left);
    }
    const rows = ctrl[s + ROWS], r0 = ctrl[s + M0], oc = ctrl[s + OFF_C];
    const took = waited ? (performance.now() - t0) * 1000 : ctrl[s + MICROS];
    slowest = Math.max(slowest, took / rows);
    c.set(data.subarray(oc, oc + rows * N), r0 * N);
  }
  // Balance: this thread's rows·(its µs per row) = a worker's rows·(its µs per row); NaN if 0/0.
  const ours = (mine * 1000) / share, balanced = slowest / (slowest + W * ours);
  if (balanced >= 0) p.share.set(shape, Math.min(0.9, Math.max(0.1, 0.8 * f + 0.2 * balanced)));
}
