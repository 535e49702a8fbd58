/**
 * lib/stats.ts against hand-computed cases (IQM and its trimmed set, P(X > Y) with ties, trapezoid
 * AUC, profile fractions, percentile interpolation) and properties of the bootstrap (the CI holds
 * the point estimate, shrinks with n, matches the t interval at large n, is deterministic for a
 * seed, keeps every task's runs apart, and gives P = 0.5 for identical X and Y).
 */
import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { Rng } from "../../lib/rng.ts";
import {
  aggregate,
  auc,
  formatInterval,
  formatMeanStd,
  iqm,
  mean,
  normalizeScores,
  performanceProfile,
  populationStd,
  probabilityOfImprovement,
  sampleEfficiencyCurve,
  sampleStd,
  stratifiedBootstrap,
  taskSummary,
  trimmed,
} from "../../lib/stats.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tol ${tol})`);
const normals = (rng: Rng, n: number, mu = 0, sigma = 1) =>
  Array.from({ length: n }, () => rng.normal(mu, sigma));

Deno.test("std helpers: population divides by n, sample by n − 1 (hand cases)", () => {
  const xs = [2, 4, 4, 4, 5, 5, 7, 9]; // mean 5, Σ(x − x̄)² = 32
  strictEqual(mean(xs), 5);
  strictEqual(populationStd(xs), 2); // √(32/8)
  close(sampleStd(xs), Math.sqrt(32 / 7));
  strictEqual(populationStd([7]), 0);
  close(sampleStd([1, 2, 6]) / populationStd([1, 2, 6]), Math.sqrt(3 / 2)); // 22 % larger at n = 3
  close(sampleStd([1, 2, 6, 0, 3]) / populationStd([1, 2, 6, 0, 3]), Math.sqrt(5 / 4)); // 12 % at 5
  throws(() => sampleStd([7]), /n ≥ 2.*got 1.*n = 1/);
  throws(() => mean([]), /empty/);
  throws(() => populationStd([1, NaN]), /score 1 is NaN/);
});

Deno.test("trimmed and IQM: ⌊n/4⌋ dropped from each end (scipy trim_mean), hand cases n = 1 … 9", () => {
  deepStrictEqual(trimmed([5]), [5]);
  deepStrictEqual(trimmed([3, 1]), [1, 3]);
  deepStrictEqual(trimmed([3, 1, 2]), [1, 2, 3]); // ⌊0.75⌋ = 0: nothing trimmed
  deepStrictEqual(trimmed([4, 1, 3, 2]), [2, 3]);
  deepStrictEqual(trimmed([10, 1, 4, 3, 100]), [3, 4, 10]); // ⌊1.25⌋ = 1
  deepStrictEqual(trimmed([6, 5, 4, 3, 2, 1]), [2, 3, 4, 5]); // ⌊1.5⌋ = 1
  deepStrictEqual(trimmed([200, 1, 2, 3, 4, 5, 100]), [2, 3, 4, 5, 100]); // ⌊1.75⌋ = 1, not 2
  deepStrictEqual(trimmed([8, 7, 6, 5, 4, 3, 2, 1]), [3, 4, 5, 6]);
  deepStrictEqual(trimmed([9, 8, 7, 6, 5, 4, 3, 2, 1]), [3, 4, 5, 6, 7]); // ⌊2.25⌋ = 2
  strictEqual(iqm([3, 1, 2]), 2); // n < 4: the mean
  strictEqual(iqm([10, 1, 4, 3, 100]), 17 / 3);
  strictEqual(iqm([200, 1, 2, 3, 4, 5, 100]), 22.8); // (2 + 3 + 4 + 5 + 100) / 5
  strictEqual(iqm([1, 2, 3, 4, 5, 6, 7, 8]), 4.5);
  strictEqual(iqm([1, 2, 3, 4, 5, 6, 7, 1e9]), 4.5); // robust to one outlier at n = 8
  deepStrictEqual(trimmed([4, 1, 3, 2, 5], 0), [1, 2, 3, 4, 5]);
  deepStrictEqual(trimmed([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.1), [2, 3, 4, 5, 6, 7, 8, 9]);
  throws(() => trimmed([1, 2], 0.5), /proportion is 0.5.*\[0, 0.5\)/);
  throws(() => iqm([]), /empty/);
});

Deno.test("bootstrap: percentile CI with linear interpolation (statistic θ*_r = r, R = 5)", () => {
  let calls = 0; // call 0 is the point estimate; calls 1…5 are the resamples
  const ci = stratifiedBootstrap([[0]], () => [calls++], { rng: new Rng(0), resamples: 5 });
  strictEqual(ci.point[0], 0);
  close(ci.low[0], 1.1); // sorted 1…5, h = 4 · 0.025 = 0.1 → 1 + 0.1
  close(ci.high[0], 4.9); // h = 4 · 0.975 = 3.9 → 4 + 0.9
  calls = 0;
  const ci80 = stratifiedBootstrap([[0]], () => [calls++], {
    rng: new Rng(0),
    resamples: 5,
    confidence: 0.8,
  });
  close(ci80.low[0], 1.4); // h = 4 · 0.1
  close(ci80.high[0], 4.6);
});

Deno.test("bootstrap: draws with replacement uniformly; strata keep their sizes and never mix", () => {
  const seen: number[] = [];
  const sizes = new Set<string>();
  stratifiedBootstrap([[0, 1], [10, 20, 30]], (s) => {
    sizes.add(s.map((t) => t.length).join(","));
    ok(s[0].every((v) => v === 0 || v === 1) && s[1].every((v) => v >= 10));
    seen.push(mean(s[0]));
    return [0];
  }, { rng: new Rng(4), resamples: 4000 });
  deepStrictEqual([...sizes], ["2,3"]);
  // the mean of two draws from {0, 1} is ½ with probability ½ (σ of the fraction ≈ 0.008)
  const half = seen.slice(1).filter((m) => m === 0.5).length / 4000;
  ok(Math.abs(half - 0.5) < 0.03, `fraction of resampled means at ½: ${half}`);
  // stratified: every resample keeps each task's N runs, so the pooled mean cannot move
  deepStrictEqual(aggregate([[0, 0], [1, 1]], mean, { rng: new Rng(0) }), {
    point: 0.5,
    low: 0.5,
    high: 0.5,
  });
  // ordinary bootstrap of [0, 1]: the resampled mean is 0 or 1 a quarter of the time each
  deepStrictEqual(aggregate([[0, 1]], mean, { rng: new Rng(0), resamples: 4000 }), {
    point: 0.5,
    low: 0,
    high: 1,
  });
});

Deno.test("bootstrap: bad options and empty strata are rejected with the value", () => {
  const rng = new Rng(0);
  throws(() => stratifiedBootstrap([[1]], () => [0], { rng, resamples: 0 }), /resamples is 0/);
  throws(() => stratifiedBootstrap([[1]], () => [0], { rng, confidence: 1 }), /confidence is 1/);
  throws(() => stratifiedBootstrap([[1], []], () => [0], { rng }), /sizes \[1, 0\]/);
  throws(() => aggregate([], mean, { rng }), /sizes \[\]/);
});

Deno.test("taskSummary: CI contains the point estimate (mean and IQM), 200 seeded cases", () => {
  const data = new Rng(11);
  for (let c = 0; c < 200; c++) {
    const n = 2 + data.int(20);
    const xs = normals(data, n, data.normal(0, 100), 1 + data.uniform(0, 50));
    const s = taskSummary(xs, { rng: new Rng(c), resamples: 300 });
    strictEqual(s.n, n);
    for (const iv of [s.mean, s.iqm]) {
      ok(iv.low <= iv.point && iv.point <= iv.high, `case ${c}: ${JSON.stringify(iv)}`);
    }
  }
});

Deno.test("taskSummary: the CI shrinks with n and matches the t interval of the mean at n = 100", () => {
  const data = new Rng(3);
  for (let c = 0; c < 10; c++) {
    const small = taskSummary(normals(data, 5), { rng: new Rng(c) });
    const large = taskSummary(normals(data, 80), { rng: new Rng(c) });
    for (const k of ["mean", "iqm"] as const) {
      ok(large[k].high - large[k].low < small[k].high - small[k].low, `case ${c} ${k}`);
    }
  }
  const xs = normals(data, 100, 5, 2);
  const s = taskSummary(xs, { rng: new Rng(9), resamples: 4000 });
  const t = 1.984 * sampleStd(xs) / Math.sqrt(100); // t_{0.975, 99} · s / √n
  close(s.mean.high - s.mean.low, 2 * t, 0.15 * 2 * t);
  close((s.mean.high + s.mean.low) / 2, mean(xs), 0.2 * t);
});

Deno.test("bootstrap: the same seed gives the same CIs; another seed gives other CIs", () => {
  const xs = [3, 9, 1, 4, 7, 2, 8];
  const a = taskSummary(xs, { rng: new Rng(5) });
  deepStrictEqual(taskSummary(xs, { rng: new Rng(5) }), a);
  notDeepStrictEqual(taskSummary(xs, { rng: new Rng(6) }), a);
  const p = (seed: number) =>
    probabilityOfImprovement([[1, 5, 3]], [[2, 4, 0]], { rng: new Rng(seed) });
  deepStrictEqual(p(1), p(1));
});

Deno.test("normalizeScores: (x − r) / (t − r) per task; t = r rejected", () => {
  const refs = [{ random: -1200, reference: -200 }, { random: 0, reference: 4000 }];
  deepStrictEqual(normalizeScores([[-300, -1200], [1000]], refs), [[0.9, 0], [0.25]]);
  throws(() => normalizeScores([[1]], [{ random: 3, reference: 3 }]), /task 0.*random 3.*t ≠ r/);
  throws(() => normalizeScores([[1], [2]], [refs[0]]), /2 tasks but 1 reference/);
});

Deno.test("performanceProfile: hand fractions, non-increasing in τ, bands in [0, 1] around the point", () => {
  const tasks = [[0.1, 0.5, 1.2], [0.5, 0.9, 0.3]]; // pooled: 0.1 0.3 0.5 0.5 0.9 1.2
  const taus = [0, 0.3, 0.5, 0.6, 1, 2];
  const p = performanceProfile(tasks, taus, { rng: new Rng(0) });
  deepStrictEqual(p.x, taus);
  deepStrictEqual(p.point, [1, 4 / 6, 2 / 6, 2 / 6, 1 / 6, 0]); // strictly above τ: 0.3 is not above 0.3
  for (let i = 0; i < taus.length; i++) {
    ok(0 <= p.low[i] && p.low[i] <= p.point[i] && p.point[i] <= p.high[i] && p.high[i] <= 1);
    if (i > 0) ok(p.point[i] <= p.point[i - 1]);
  }
  strictEqual(p.low[0], 1); // every run of every resample is above 0
  strictEqual(p.high[5], 0);
});

Deno.test("probabilityOfImprovement: hand cases with ties, symmetry, tasks averaged", () => {
  const rng = new Rng(0);
  strictEqual(probabilityOfImprovement([[1, 2, 3]], [[2, 2]], { rng }).point, 0.5); // (0+0+½+½+1+1)/6
  strictEqual(probabilityOfImprovement([[3, 1]], [[1, 2, 0]], { rng }).point, 0.75);
  strictEqual(probabilityOfImprovement([[5]], [[5]], { rng }).point, 0.5);
  strictEqual(probabilityOfImprovement([[3, 1], [0]], [[1, 2, 0], [1]], { rng }).point, 0.375); // (0.75 + 0) / 2
  const data = new Rng(2);
  for (let c = 0; c < 50; c++) { // P(X > Y) + P(Y > X) = 1, ties included (integers tie often)
    const x = [Array.from({ length: 1 + data.int(6) }, () => data.int(4))];
    const y = [Array.from({ length: 1 + data.int(6) }, () => data.int(4))];
    const pxy = probabilityOfImprovement(x, y, { rng, resamples: 20 }).point;
    close(pxy + probabilityOfImprovement(y, x, { rng, resamples: 20 }).point, 1);
  }
  throws(() => probabilityOfImprovement([[1]], [[1], [2]], { rng }), /X has 1 tasks, Y has 2/);
});

Deno.test("probabilityOfImprovement: identical X and Y give exactly 0.5 with a CI around it", () => {
  const data = new Rng(8);
  const x = [normals(data, 10), normals(data, 10, 100, 30)];
  const p = probabilityOfImprovement(x, x, { rng: new Rng(1) });
  strictEqual(p.point, 0.5);
  ok(p.low < 0.5 && p.high > 0.5, JSON.stringify(p));
  const better = probabilityOfImprovement(x.map((t) => t.map((v) => v + 1e3)), x, {
    rng: new Rng(1),
  });
  deepStrictEqual(better, { point: 1, low: 1, high: 1 }); // every X run beats every Y run
});

Deno.test("sampleEfficiencyCurve: pointwise IQM of all runs, band around it, one grid for all", () => {
  const steps = [0, 1000, 2000];
  const tasks = [
    [[0, 1, 2], [0, 2, 4], [0, 3, 6], [0, 40, 80]],
    [[0, 5, 10], [1, 6, 11], [2, 7, 12], [3, 8, 13]],
  ];
  const c = sampleEfficiencyCurve(tasks, steps, { rng: new Rng(0), resamples: 500 });
  // pooled at each step, sorted, middle four: (0 0 0 1), (3 5 6 7), (6 10 11 12)
  deepStrictEqual(c.point, [0.25, 5.25, 9.75]);
  for (let g = 0; g < 3; g++) ok(c.low[g] <= c.point[g] && c.point[g] <= c.high[g]);
  const m = sampleEfficiencyCurve(tasks, steps, { rng: new Rng(0), statistic: mean });
  deepStrictEqual(m.point, [0.75, 9, 17.25]);
  throws(
    () => sampleEfficiencyCurve([[[0, 1], [0, 1, 2]]], steps, { rng: new Rng(0) }),
    /task 0 run 0 has 2 grid points, the grid has 3/,
  );
  throws(
    () => sampleEfficiencyCurve([[[0, 1]]], [0, 0], { rng: new Rng(0) }),
    /step 1 is 0 after 0/,
  );
});

Deno.test("auc: trapezoid by hand on an uneven grid; normalized = mean height", () => {
  strictEqual(auc([0, 10, 30], [0, 1, 3]), 45);
  strictEqual(auc([0, 10, 30], [0, 1, 3], { normalize: true }), 1.5);
  strictEqual(auc([100, 200, 400, 500], [-5, -5, -5, -5], { normalize: true }), -5);
  strictEqual(auc([0, 1, 3], [2, 0, 2]), 3); // 1·(2 + 0)/2 + 2·(0 + 2)/2
  throws(() => auc([0], [1]), /G ≥ 2/);
  throws(() => auc([0, 1], [1, 2, 3]), /2 steps and 3 values/);
  throws(() => auc([0, 2, 1], [1, 2, 3]), /step 2 is 1 after 2/);
});

Deno.test("formatters: 'n = 1' for single runs; every ± names its std convention", () => {
  strictEqual(formatMeanStd([-180.25], { std: "population" }), "-180.3 (n = 1)");
  strictEqual(
    formatMeanStd([1, 2, 6], { std: "sample", digits: 2, unit: "seeds" }),
    `3.00 ± 2.65 (sample std over 3 seeds)`,
  );
  strictEqual(
    formatMeanStd([1, 2, 6], { std: "population" }),
    "3.0 ± 2.2 (population std over 3 runs)",
  );
  for (let n = 1; n <= 6; n++) {
    const xs = Array.from({ length: n }, (_, i) => i * i);
    for (const std of ["sample", "population"] as const) {
      const s = formatMeanStd(xs, { std });
      ok(
        n === 1
          ? s.endsWith("(n = 1)") && !s.includes("±")
          : s.includes(`± `) && s.includes(`${std} std over ${n}`),
        s,
      );
    }
  }
  throws(() => formatMeanStd([1, 2], { std: "" as "sample" }), /std is ""/);
  const iv = { point: -0.5, low: -0.75, high: 0.125 };
  strictEqual(
    formatInterval(iv, { n: 10, unit: "seeds" }),
    "-0.50 [-0.75, 0.13] (95 % bootstrap CI, n = 10 seeds)",
  );
  strictEqual(
    formatInterval(iv, { n: 3, confidence: 0.9, digits: 1 }),
    "-0.5 [-0.8, 0.1] (90 % bootstrap CI, n = 3 runs)",
  );
  strictEqual(formatInterval(iv, { n: 1 }), "-0.50 (n = 1)");
  throws(() => formatInterval(iv, { n: 0 }), /n is 0/);
});
