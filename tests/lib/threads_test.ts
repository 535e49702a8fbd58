import { deepStrictEqual, ok, rejects } from "node:assert/strict";
import { gemm } from "../../lib/gemm.ts";
import {
  matmulKernel,
  MIN_PARALLEL_WORK,
  startThreads,
  stopThreads,
  threadCount,
} from "../../lib/threads.ts";
import { Rng } from "../../lib/rng.ts";

Deno.test("matmul on 2 and 3 threads is bit-identical to 1 thread, edges and accumulation included", async () => {
  const rng = new Rng(3);
  const cases = [[257, 130, 131], [1024, 64, 64], [4096, 256, 17], [33, 1024, 64]];
  const want = cases.map(([M, N, P]) => {
    const a = Float32Array.from({ length: M * P }, () => rng.normal());
    const b = Float32Array.from({ length: P * N }, () => rng.normal());
    const c0 = Float32Array.from({ length: M * N }, () => rng.normal()); // C accumulates
    const c = c0.slice();
    gemm(M, N, P, a, b, c);
    ok(M * N * P >= MIN_PARALLEL_WORK, `case ${M}×${N}×${P} is large enough to split`);
    return { M, N, P, a, b, c0, c };
  });
  for (const threads of [2, 3]) {
    await startThreads(threads, { scratchMB: 16 });
    try {
      deepStrictEqual(threadCount(), threads);
      for (const { M, N, P, a, b, c0, c } of want) {
        const got = c0.slice();
        matmulKernel(M, N, P, a, b, got);
        ok(got.every((v, i) => Object.is(v, c[i])), `${threads} threads, ${M}×${N}×${P}`);
      }
    } finally {
      stopThreads();
    }
  }
  deepStrictEqual(threadCount(), 1);
});

Deno.test("startThreads rejects a bad thread count", async () => {
  await rejects(startThreads(0), /threads must be an integer ≥ 1, got 0/);
});
