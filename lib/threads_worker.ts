/**
 * The worker side of lib/threads.ts: waits on its control slot, runs the posted backend's product
 * on its rows in the shared scratch space, and reports done and how long it took. Runs only when spawned by
 * `startThreads`.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { product } from "./backend.ts";
import {
  BACKEND,
  DONE,
  LAYOUT,
  LAYOUTS,
  LDA,
  MICROS,
  NN,
  OFF_A,
  OFF_B,
  OFF_C,
  PP,
  ROWS,
  SEQ,
  STOP,
} from "./threads.ts";

self.onmessage = (
  e: MessageEvent<{ ctrl: SharedArrayBuffer; data: SharedArrayBuffer; slot: number }>,
) => {
  const ctrl = new Int32Array(e.data.ctrl), data = new Float32Array(e.data.data), s = e.data.slot;
  let seen = Atomics.load(ctrl, s + SEQ); // before "ready": a job posted right after it must not be missed
  self.postMessage("ready");
  for (;;) {
    // Wait for a new seq, not for a notify: a late notify for the job just finished must not run
    // it twice (measured under CPU contention before this loop: C += 2·A·B on the worker's rows).
    while (Atomics.load(ctrl, s + SEQ) === seen) Atomics.wait(ctrl, s + SEQ, seen);
    seen = Atomics.load(ctrl, s + SEQ);
    if (Atomics.load(ctrl, s + STOP)) return self.close();
    const rows = ctrl[s + ROWS], N = ctrl[s + NN], P = ctrl[s + PP];
    const a = data.subarray(ctrl[s + OFF_A]),
      b = data.subarray(ctrl[s + OFF_B]),
      c = data.subarray(ctrl[s + OFF_C]);
    const t0 = performance.now();
    const layout = LAYOUTS[ctrl[s + LAYOUT]];
    product(rows, N, P, a, b, c, { layout, code: ctrl[s + BACKEND], lda: ctrl[s + LDA] || undefined });
    ctrl[s + MICROS] = Math.round((performance.now() - t0) * 1000);
    Atomics.store(ctrl, s + DONE, seen);
    Atomics.notify(ctrl, s + DONE);
  }
};
