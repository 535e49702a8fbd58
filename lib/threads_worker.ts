/**
 * The worker side of lib/threads.ts: waits on its control slot, runs the posted backend's product
 * on its rows in the shared scratch space, and reports done and how long it took. Runs only when spawned by
 * `startThreads`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { product } from "./backend.ts";
import * as T from "./threads.ts";

self.onmessage = (
  e: MessageEvent<{ ctrl: SharedArrayBuffer; data: SharedArrayBuffer; slot: number }>,
) => {
  const ctrl = new Int32Array(e.data.ctrl), data = new Float32Array(e.data.data), s = e.data.slot;
  let seen = Atomics.load(ctrl, s + T.SEQ); // before "ready": a job posted right after it must not be missed
  self.postMessage("ready");
  for (;;) {
    // Wait for a new seq, not for a notify: a late notify for the job just finished must not run
    // it twice (measured under CPU contention before this loop: C += 2·A·B on the worker's rows).
    while (Atomics.load(ctrl, s + T.SEQ) === seen) Atomics.wait(ctrl, s + T.SEQ, seen);
    seen = Atomics.load(ctrl, s + T.SEQ);
    if (Atomics.load(ctrl, s + T.STOP)) return self.close();
    const rows = ctrl[s + T.ROWS], N = ctrl[s + T.NN], P = ctrl[s + T.PP];
    const a = data.subarray(ctrl[s + T.OFF_A]),
      b = data.subarray(ctrl[s + T.OFF_B]),
      c = data.subarray(ctrl[s + T.OFF_C]);
    const t0 = performance.now();
    const layout = T.LAYOUTS[ctrl[s + T.LAYOUT]], code = ctrl[s + T.BACKEND];
    product(rows, N, P, a, b, c, { layout, code, lda: ctrl[s + T.LDA] || undefined }); // 0: unset
    ctrl[s + T.MICROS] = Math.round((performance.now() - t0) * 1000);
    Atomics.store(ctrl, s + T.DONE, seen);
    Atomics.notify(ctrl, s + T.DONE);
  }
};
