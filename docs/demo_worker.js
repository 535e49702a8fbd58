// Trains Pendulum-v1 with grpo-ts's default preset inside a module worker, so that the page stays
// responsive: posts every update's metrics row and the policy's parameters; "stop" aborts the run
// after the current update. Loaded by docs/demo.html (see docs/demo.md).
import { train } from "../mod.ts";

let controller;

self.onmessage = async ({ data }) => {
  if (data.type === "stop") {
    controller?.abort();
    return;
  }
  controller = new AbortController();
  try {
    const run = await train({ env: "Pendulum-v1", algo: "grpo", seed: data.seed }, {
      signal: controller.signal,
      onUpdate: (row, info) =>
        self.postMessage({
          type: "update",
          row,
          params: info.policy.parameters().map((p) => p.data.slice()),
        }),
    });
    self.postMessage({ type: "done", stopped: run.stopped, step: run.step, eval: run.eval?.mean });
  } catch (err) {
    self.postMessage({ type: "error", message: String(err?.stack ?? err) });
  }
};
