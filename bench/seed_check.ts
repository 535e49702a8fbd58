/**
 * The `grpo-fast` return check of issue #16: HalfCheetah-v5, the code before the #15 fixes (b573b76)
 * against today's, every final policy scored on the same 100 evaluation episodes per seed
 * (`deno task eval --checkpoint RUN --episodes 100 --seed 2000S`). Reads the committed runs in
 * docs/speed_runs/seeds_pre15/ and docs/speed_runs/seeds/ and prints, per side, each seed's
 * 100-episode mean, then:
 *
 * ```text
 * mean ± s                 s the sample std over seeds (n − 1)
 * Δ = mean(today) − mean(before), 95 % percentile bootstrap CI (seeds resampled within each side)
 * p  = #{splits S of the pooled seeds : |Δ_S| ≥ |Δ|} / #splits   (exact two-sided permutation test)
 * P(today > before) with its 95 % stratified-bootstrap CI, read by scripts/verdict.ts's rule
 * ```
 * Only seeds run on both sides are compared. A seed without eval100.json falls back to the mean
 * printed in its eval100.txt.
 *
 * It also prints where the two codes' training first differs: the first update whose logged
 * reward, policy loss or gradient norm is not the same number in the pre-#15 run's metrics.csv and
 * in today's run on the `ts` backend (`--backend ts`, the products the old code had), and in the
 * committed ablations (today's code with one #15 change undone, docs/speed_runs/seeds_pre15/ablation_*).
 *
 * Run: `deno run -A bench/seed_check.ts`
 *
 * @module
 */
import { mean, probabilityOfImprovement, sampleStd, stratifiedBootstrap } from "../lib/stats.ts";
import { boot } from "../scripts/benchmark.ts";

const SIDES = { before: "docs/speed_runs/seeds_pre15", today: "docs/speed_runs/seeds" };

/** The 100-episode mean of one run folder, or undefined if it has none. */
function score(dir: string): number | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(`${dir}/eval100.json`)).mean;
  } catch { /* no per-episode file: the printed line */ }
  try {
    const m = Deno.readTextFileSync(`${dir}/eval100.txt`).match(/: (-?[\d.]+) ±/);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Two-sided exact permutation p of the difference of means over all splits of x ∪ y. */
export function permutationP(x: readonly number[], y: readonly number[]): number {
  const all = [...x, ...y], n = x.length, total = all.reduce((a, b) => a + b, 0);
  const observed = Math.abs(mean(x) - mean(y));
  let hits = 0, splits = 0;
  const walk = (start: number, left: number, sum: number) => {
    if (left === 0) {
      splits++;
      const d = Math.abs(sum / n - (total - sum) / y.length);
      if (d >= observed - 1e-9 * Math.abs(observed)) hits++;
      return;
    }
    for (let i = start; i <= all.length - left; i++) walk(i + 1, left - 1, sum + all[i]);
  };
  walk(0, n, 0);
  return hits / splits;
}

/** The first update at which two metrics.csv texts log a different reward, loss or grad norm. */
export function firstDifference(a: string, b: string): { update: number; column: string } | null {
  const parse = (t: string) => {
    const [head, ...rows] = t.trim().split("\n").map((l) => l.split(","));
    return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
  };
  const [x, y] = [parse(a), parse(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const column = ["reward", "losses/policy_loss", "grad_norm"].find((c) => x[i][c] !== y[i][c]);
    if (column) return { update: Number(x[i].update), column };
  }
  return null;
}

function divergence(): void {
  const read = (f: string) => {
    try {
      return Deno.readTextFileSync(f);
    } catch {
      return undefined;
    }
  };
  const runs = [1, 2, 3].map((
    s,
  ) => [`today on ts`, `${SIDES.today}/HalfCheetah-v5_grpo-fast-ts_s${s}`]);
  for (const e of Deno.readDirSync(SIDES.before)) {
    if (e.name.startsWith("ablation_")) runs.push([e.name, `${SIDES.before}/${e.name}`]);
  }
  console.log("\nfirst update whose training numbers differ from the pre-#15 run (same seed):");
  for (const [name, dir] of runs.sort()) {
    const seed = JSON.parse(read(`${dir}/args.json`) ?? "{}").seed;
    const old = read(`${SIDES.before}/HalfCheetah-v5_grpo-fast_s${seed}/metrics.csv`);
    const now = read(`${dir}/metrics.csv`);
    if (!old || !now) continue;
    const d = firstDifference(old, now), n = now.trim().split("\n").length - 1;
    console.log(
      `  ${name}, seed ${seed}: ${d ? `update ${d.update} (${d.column})` : "none"} of ${n} logged`,
    );
  }
}

if (import.meta.main) {
  const seeds = Array.from({ length: 20 }, (_, i) => i + 1).filter((s) =>
    Object.values(SIDES).every((d) => score(`${d}/HalfCheetah-v5_grpo-fast_s${s}`) !== undefined)
  );
  const [before, today] = Object.values(SIDES).map((d) =>
    seeds.map((s) => score(`${d}/HalfCheetah-v5_grpo-fast_s${s}`)!)
  );
  const fmt = (x: number) => x.toFixed(1);
  console.log(
    `| code, 100 episodes per seed | ${
      seeds.map((s) => `seed ${s}`).join(" | ")
    } | mean ± sample std |`,
  );
  console.log(`|---|${seeds.map(() => "---:|").join("")}---|`);
  for (const [name, xs] of [["before #15 (b573b76)", before], ["today", today]] as const) {
    console.log(
      `| ${name} | ${xs.map(fmt).join(" | ")} | ${fmt(mean(xs))} ± ${fmt(sampleStd(xs))} |`,
    );
  }
  const d = stratifiedBootstrap([today, before], (s) => [mean(s[0]) - mean(s[1])], boot());
  const p = probabilityOfImprovement([today], [before], boot());
  console.log(`\nn = ${seeds.length} seeds per side`);
  console.log(
    `today − before: ${fmt(d.point[0])} [${fmt(d.low[0])}, ${fmt(d.high[0])}] (95 % bootstrap)`,
  );
  console.log(`exact permutation p (two-sided): ${permutationP(today, before).toFixed(3)}`);
  console.log(
    `P(today > before): ${p.point.toFixed(2)} [${p.low.toFixed(2)}, ${p.high.toFixed(2)}]`,
  );
  divergence();
}
