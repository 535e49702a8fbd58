/**
 * Summarises a V8 `.cpuprofile` (from `deno run --cpu-prof`) as self time per function, so a
 * profile can be read and diffed as text.
 *
 * ```sh
 * deno run -A --cpu-prof --cpu-prof-dir=prof scripts/train.ts --env HalfCheetah-v5 --algo ppo --total-steps 2048
 * deno run -A bench/profile_top.ts prof/*.cpuprofile --top 25
 * deno run -A bench/profile_top.ts prof/*.cpuprofile --under optimizeEpochs   # only the minibatches
 * ```
 * `--under NAME` keeps the samples whose stack holds a function named NAME; percentages are then of
 * those samples.
 */
import { parseArgs } from "node:util";

interface Node {
  id: number;
  parent?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  args: Deno.args,
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, under: { type: "string" } },
});
if (positionals.length !== 1) throw new Error("usage: profile_top.ts <file.cpuprofile> [--top N]");
const profile: Profile = JSON.parse(await Deno.readTextFile(positionals[0]));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
const kept = (id: number) => { // whether the sample's stack holds --under
  for (let n = byId.get(id); n; n = n.parent === undefined ? undefined : byId.get(n.parent)) {
    if (n.callFrame.functionName === values.under) return true;
  }
  return false;
};
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, k) => {
  const dt = profile.timeDeltas[k] ?? 0;
  if (values.under && !kept(id)) return;
  const f = byId.get(id)!.callFrame;
  const file = f.url.split("/").slice(-2).join("/");
  const key = `${f.functionName || "(anonymous)"}  ${file}:${f.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + dt);
  total += dt;
});
console.log(
  `total ${(total / 1e6).toFixed(2)} s sampled${values.under ? ` under ${values.under}` : ""}`,
);
console.log("self %   self s  function  file:line");
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(
    `${(100 * t / total).toFixed(1).padStart(6)}  ${(t / 1e6).toFixed(2).padStart(6)}  ${key}`,
  );
}
