/**
 * Fresh memory per update step, before and after `reuseBuffers` (lib/tensor.ts), side by side in
 * one run: the bench/update_step.ts policy step (17→256→256→6+6, forward, backward, Adam) with its
 * op outputs and gradients freshly allocated ("fresh") or drawn from the pool ("reused"), on each
 * product backend.
 *
 * Reported per step (medians): milliseconds, and minor page faults from /proc/self/stat: the kernel
 * mapping a fresh page on its first touch, so × 4 KiB ≈ fresh memory touched (less where it maps
 * huge pages); and the most bytes the pool newly allocated in a timed step (0 once warm).
 *
 *   deno run -A bench/alloc.ts [--batch 64,4096] [--steps 12] [--rounds 2]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type BackendName, setBackend } from "../lib/backend.ts";
import { bufferPoolBytes, reuseBuffers } from "../lib/tensor.ts";
import { makeData, policySide } from "./update_step.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    batch: { type: "string", default: "64,4096" },
    steps: { type: "string", default: "12" },
    rounds: { type: "string", default: "2" },
  },
});
const batches = values.batch.split(",").map(Number), steps = Number(values.steps);

/** Minor page faults of this process so far (field 10 of /proc/self/stat). */
function minorFaults(): number {
  const stat = Deno.readTextFileSync("/proc/self/stat");
  return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[7]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const results = new Map<string, { ms: number[]; faults: number[]; pool: number[] }>();
for (let round = 0; round < Number(values.rounds); round++) {
  for (const B of batches) {
    const { data, init } = makeData(B, 0);
    for (const backend of ["ts", "wasm"] as BackendName[]) {
      for (const reuse of [false, true]) {
        setBackend(backend);
        const side = policySide(data, init, 0);
        const step = reuse ? () => reuseBuffers(() => side.step()) : () => side.step();
        for (let i = 0; i < 3; i++) step(); // warm-up: compiles, fills the pool
        const key = `| ${B} | ${backend} | ${reuse ? "reused" : "fresh"} |`;
        const r = results.get(key) ?? { ms: [], faults: [], pool: [] };
        for (let i = 0; i < steps; i++) {
          const f0 = minorFaults(), p0 = bufferPoolBytes(), t0 = performance.now();
          step();
          r.ms.push(performance.now() - t0), r.faults.push(minorFaults() - f0);
          r.pool.push(bufferPoolBytes() - p0);
        }
        results.set(key, r);
      }
    }
  }
}
console.log(
  `Deno ${Deno.version.deno}, load average ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`,
);
console.log(
  "| B | backend | buffers | ms/step | page faults/step | ≈ fresh MiB/step | new pool bytes |",
);
console.log("|---:|---|---|---:|---:|---:|---:|");
for (const [key, { ms, faults, pool }] of results) {
  const f = median(faults), mib = (f * 4096 / 2 ** 20).toFixed(1);
  console.log(`${key} ${median(ms).toFixed(2)} | ${f} | ${mib} | ${Math.max(...pool)} |`);
}
