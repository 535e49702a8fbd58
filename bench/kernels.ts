/**
 * Elementwise kernels: `ndarray-ops` on `ndarray` views (what lib/ops.ts uses for forward passes)
 * against plain loops, side by side in one run. lib/ops.ts keeps ndarray-ops only where it is not
 * slower.
 *
 *   deno run -A bench/kernels.ts
 *
 * @module
 */
import { ndarray, ops } from "../lib/deps.ts";

const time = (fn: () => void, minMs = 300): number => {
  for (let i = 0; i < 5; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) fn(), n++;
  return (performance.now() - t0) / n;
};

console.log("| kernel | shape | ndarray-ops µs | plain loop µs | loop ÷ ndarray-ops |");
console.log("|---|---|---:|---:|---:|");
for (const [B, D] of [[64, 256], [4096, 256]]) {
  const a = Float32Array.from({ length: B * D }, (_, i) => Math.sin(i)),
    b = a.map((v) => v + 1),
    row = a.slice(0, D);
  const y = new Float32Array(B * D);
  const [ya, aa, ba] = [ndarray(y, [B, D]), ndarray(a, [B, D]), ndarray(b, [B, D])];
  const rowView = ndarray(row, [B, D], [0, 1]); // a [D] row stretched over B rows by a zero stride
  const cases: [string, () => void, () => void][] = [
    ["add", () => ops.add(ya, aa, ba), () => {
      for (let i = 0; i < y.length; i++) y[i] = a[i] + b[i];
    }],
    ["add, row broadcast", () => ops.add(ya, aa, rowView), () => {
      for (let i = 0, k = 0; i < B; i++) for (let j = 0; j < D; j++, k++) y[k] = a[k] + row[j];
    }],
    ["mul", () => ops.mul(ya, aa, ba), () => {
      for (let i = 0; i < y.length; i++) y[i] = a[i] * b[i];
    }],
    ["exp", () => ops.exp(ya, aa), () => {
      for (let i = 0; i < y.length; i++) y[i] = Math.exp(a[i]);
    }],
    ["muls", () => ops.muls(ya, aa, 0.5), () => {
      for (let i = 0; i < y.length; i++) y[i] = a[i] * 0.5;
    }],
  ];
  for (const [name, nd, loop] of cases) {
    const tn = time(nd) * 1000, tl = time(loop) * 1000;
    console.log(
      `| ${name} | [${B}, ${D}] | ${tn.toFixed(1)} | ${tl.toFixed(1)} | ${(tl / tn).toFixed(2)} |`,
    );
  }
}
