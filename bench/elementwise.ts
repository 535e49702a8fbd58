/**
 * The elementwise hot spots of issue #16, each before and after, side by side in one run:
 * - relu forward + backward on [4096, 256] normal data: the branching loop against the branch-free
 *   one on the float32 bits (lib/ops.ts);
 * - linear's bias: filled row by row into a fresh [4096, 256] output before the product, against
 *   written by the wasm product into its own memory (`product(…, { bias })`);
 * - Adam over the 17→256→256→6+6 policy's 73k parameters: the TypeScript loop against the wasm
 *   f64x2 path (the same bits).
 *
 *   deno run -A bench/elementwise.ts [--rounds 5]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { product, setBackend } from "../lib/backend.ts";
import { Adam } from "../lib/optim.ts";
import { GaussianMlpPolicy } from "../lib/policy.ts";
import { Rng } from "../lib/rng.ts";
import { Tensor } from "../lib/tensor.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "5" } },
});
const rng = new Rng(0), B = 4096, H = 256;
const x = new Tensor(rng.fillNormal(new Float32Array(B * H)), [B, H], { requiresGrad: true });
x.grad; // allocated once
const gy = rng.fillNormal(new Float32Array(B * H));

const y = new Float32Array(B * H), g = new Float32Array(B * H);
/** relu as before issue #16: a branch per element, forward and backward. */
function reluBranching(): void {
  const xd = x.data;
  for (let i = 0; i < xd.length; i++) y[i] = xd[i] > 0 ? xd[i] : 0;
  for (let i = 0; i < g.length; i++) if (xd[i] > 0) g[i] += gy[i];
}
/** lib/ops.ts's float32 relu loops, forward and backward. */
function reluBranchFree(): void {
  const xi = new Int32Array(x.data.buffer), yi = new Int32Array(y.buffer);
  for (let i = 0; i < xi.length; i++) yi[i] = xi[i] & ~(xi[i] >> 31);
  for (let i = 0; i < yi.length; i++) g[i] += gy[i] * ((-yi[i]) >>> 31);
}
const a = rng.fillNormal(new Float32Array(B * H)), w = rng.fillNormal(new Float32Array(H * H));
const bias = rng.fillNormal(new Float32Array(H));
const biasFresh = () => { // before: fill a fresh output with the bias rows, then C += A·W
  const y = new Float32Array(B * H);
  for (let i = 0; i < B; i++) y.set(bias, i * H);
  product(B, H, H, a, w, y);
};
const out = new Float32Array(B * H);
const biasInProduct = () => product(B, H, H, a, w, out, { bias });

const pi = new GaussianMlpPolicy(17, 6, { rng: new Rng(1) });
const adam = { // the same parameters, each path's own moments
  ts: new Adam(pi.parameters(), { lr: 3e-4, simd: false }),
  wasm: new Adam(pi.parameters(), { lr: 3e-4, simd: true }),
};
for (const p of pi.parameters()) rng.fillNormal(p.grad as Float32Array);
const adamOn = (be: "ts" | "wasm") => () => adam[be].step();

const cases: [string, () => void, () => void][] = [
  ["relu fwd + bwd [4096, 256]", reluBranching, reluBranchFree],
  ["linear [4096, 256]·[256, 256] + bias, wasm", biasFresh, biasInProduct],
  ["Adam, 73k parameters", adamOn("ts"), adamOn("wasm")],
];
const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const time = (fn: () => void) => {
  for (let i = 0; i < 3; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
};
setBackend("wasm");
const rows = cases.map(() => [[], []] as number[][]);
for (let r = 0; r < Number(values.rounds); r++) {
  cases.forEach(([, before, after], i) =>
    rows[i][0].push(time(before)) && rows[i][1].push(time(after))
  );
}
console.log(
  `Deno ${Deno.version.deno}, load average ${Deno.loadavg().map((v) => v.toFixed(2)).join(" ")}`,
);
console.log("| hot spot | before ms | after ms | before ÷ after |\n|---|---:|---:|---:|");
cases.forEach(([name], i) => {
  const [b, a] = rows[i].map(median);
  console.log(`| ${name} | ${b.toFixed(3)} | ${a.toFixed(3)} | ${(b / a).toFixed(2)} |`);
});
