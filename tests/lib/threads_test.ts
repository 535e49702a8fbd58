import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { type Layout, product, setBackend } from "../../lib/backend.ts";
import {
  DONE,
  mainShare,
  matmulKernel,
  minParallelWork,
  ROWS,
  SEQ,
  startThreads,
  stopThreads,
  threadCount,
} from "../../lib/threads.ts";
import { Rng } from "../../lib/rng.ts";

/** Rejects when `p` has not settled within `ms`, so a silent worker fails the test instead of hanging it. */
async function deadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("matmul on 2 and 3 threads is bit-identical to 1 thread on both backends, all layouts", async () => {
  const rng = new Rng(3);
  const cases: [number, number, number, Layout][] = [
    [1031, 130, 257, "nn"],
    [4096, 256, 33, "nn"],
    [1024, 64, 520, "nt"],
    [301, 37, 3019, "nt"],
    [33, 1024, 1031, "tn"],
    [260, 513, 257, "tn"],
  ];
  for (const backend of ["ts", "wasm"] as const) {
    setBackend(backend);
    const want = cases.map(([M, N, P, layout]) => {
      const a = Float32Array.from({ length: M * P }, () => rng.normal());
      const b = Float32Array.from({ length: P * N }, () => rng.normal());
      const c0 = Float32Array.from({ length: M * N }, () => rng.normal()); // C accumulates
      const c = c0.slice();
      product(M, N, P, a, b, c, { layout }); // one thread
      ok(M * N * P >= minParallelWork(), `case ${M}×${N}×${P} is large enough to split`);
      return { M, N, P, layout, a, b, c0, c };
    });
    for (const threads of [2, 3]) {
      await deadline(startThreads(threads, { scratchMB: 16 }), 30_000, `startThreads(${threads})`);
      try {
        deepStrictEqual(threadCount(), threads);
        for (const { M, N, P, layout, a, b, c0, c } of want) {
          const shares = new Set<number>(),
            what = `${backend}, ${threads} threads, ${M}×${N}×${P} ${layout}`;
          for (let call = 0; call < 6; call++) { // the split adapts between calls
            shares.add(mainShare(M, N, P));
            const got = c0.slice();
            matmulKernel(M, N, P, a, b, got, { layout });
            ok(got.every((v, i) => Object.is(v, c[i])), what);
          }
          ok(shares.size > 1, `the split of ${what} never moved from ${[...shares]}`);
        }
      } finally {
        stopThreads();
      }
    }
  }
  setBackend("wasm");
  deepStrictEqual(threadCount(), 1);
});

Deno.test("startThreads rejects a bad thread count", async () => {
  await rejects(startThreads(0), /threads must be an integer ≥ 1, got 0/);
});

Deno.test("a late notify does not make the gemm worker run a finished job again", async () => {
  // Under CPU contention the poster can be descheduled between `seq += 1` and its notify; the
  // worker then finishes the job, waits again and receives that notify. Simulated here by
  // notifying after the job is done, with seq unchanged: C must stay A·B, not become 2·A·B.
  const ctrl = new Int32Array(new SharedArrayBuffer(16 * 4));
  const data = new Float32Array(new SharedArrayBuffer(48 * 4)); // A, B, C: 4 × 4 each
  data.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 0); // A [4, 4] at 0
  data.set([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 16); // B = I at 16; C = 0 at 32
  const worker = new Worker(new URL("../../lib/threads_worker.ts", import.meta.url), {
    type: "module",
  });
  try {
    await deadline(
      new Promise((resolve) => {
        worker.onmessage = resolve;
        worker.postMessage({ ctrl: ctrl.buffer, data: data.buffer, slot: 0 });
      }),
      30_000,
      "the gemm worker's ready message",
    );
    ctrl.set([4, 4, 4, 0, 16, 32], ROWS); // rows, N, P, offA, offB, offC
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    const t0 = Date.now();
    while (Atomics.load(ctrl, DONE) !== 1) {
      if (Date.now() - t0 > 30_000) throw new Error("the gemm worker did not finish job 1 in 30 s");
      Atomics.wait(ctrl, DONE, 0, 100);
    }
    for (let i = 0; i < 50; i++) { // the late notifies, while the worker waits for job 2
      Atomics.notify(ctrl, SEQ);
      await new Promise((r) => setTimeout(r, 2));
    }
    deepStrictEqual(Array.from(data.subarray(32)), Array.from(data.subarray(0, 16)));
    deepStrictEqual(Atomics.load(ctrl, DONE), 1);
  } finally {
    worker.terminate();
  }
});

Deno.test("the deadline fails a promise that never settles", async () => {
  await rejects(deadline(new Promise(() => {}), 10, "silent"), /silent: no answer within 10 ms/);
});

Deno.test("a product whose worker never answers throws within the pool's timeout, not hangs", async () => {
  const workerUrl = new URL("./fixtures/silent_gemm_worker.ts", import.meta.url);
  await deadline(startThreads(2, { scratchMB: 16, timeoutMs: 200, workerUrl }), 30_000, "start");
  try {
    const [M, N, P] = [4096, 256, 64];
    const a = new Float32Array(M * P), b = new Float32Array(P * N), c = new Float32Array(M * N);
    const t0 = performance.now();
    throws(() => matmulKernel(M, N, P, a, b, c), /worker 0 did not finish .* within 200 ms/);
    ok(performance.now() - t0 < 20_000);
    strictEqual(threadCount(), 1); // the pool was stopped
  } finally {
    stopThreads();
  }
});

Deno.test("matmulKernel on threads honours opts.lda and opts.code", async () => {
  const rng = new Rng(4), M = 1031, N = 130, P = 257, lda = P + 3;
  const a = Float32Array.from({ length: M * lda }, () => rng.normal());
  const b = Float32Array.from({ length: P * N }, () => rng.normal());
  setBackend("wasm");
  const strided = new Float32Array(M * N), ts = new Float32Array(M * N);
  product(M, N, P, a, b, strided, { lda });
  product(M, N, P, a, b, ts, { lda, code: 0 });
  await deadline(startThreads(2, { scratchMB: 16 }), 30_000, "startThreads(2)");
  try {
    const got = new Float32Array(M * N), gotTs = new Float32Array(M * N);
    matmulKernel(M, N, P, a, b, got, { lda });
    matmulKernel(M, N, P, a.subarray(0, M * P), b, gotTs, { code: 0 });
    deepStrictEqual(got, strided);
    const dense = new Float32Array(M * N);
    product(M, N, P, a.subarray(0, M * P), b, dense, { code: 0 });
    deepStrictEqual(gotTs, dense);
  } finally {
    stopThreads();
  }
});
