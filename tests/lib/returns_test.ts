import { deepStrictEqual, ok, throws } from "node:assert/strict";
import { gae, groupAdvantages } from "../../lib/returns.ts";
import { Rng } from "../../lib/rng.ts";

const close = (a: ArrayLike<number>, b: number[], tol = 1e-5) =>
  ok(b.every((v, i) => Math.abs(a[i] - v) <= tol), `${Array.from(a)} vs ${b}`);

Deno.test("GAE at λ = 0 is the TD error; at λ = 1 it is the discounted return minus V", () => {
  const rng = new Rng(0);
  const T = 6, N = 2, gamma = 0.9;
  const r = Array.from({ length: T * N }, () => rng.normal());
  const v = Array.from({ length: T * N }, () => rng.normal());
  const vNext = v.slice(N).concat([0.5, -0.25]); // V(s_{t+1}); the last row bootstraps
  const term = new Array(T * N).fill(0), done = new Array(T * N).fill(0);
  term[3 * N + 1] = done[3 * N + 1] = 1; // env 1 terminates at t = 3
  done[1 * N + 0] = 1; // env 0 is truncated at t = 1: bootstraps from vNext but stops the trace
  const a0 = gae(r, v, vNext, term, done, { numEnvs: N, gamma, lambda: 0 }).advantages;
  close(a0, r.map((rk, k) => rk + gamma * vNext[k] * (1 - term[k]) - v[k]));
  const { advantages: a1, returns } = gae(r, v, vNext, term, done, {
    numEnvs: N,
    gamma,
    lambda: 1,
  });
  // λ = 1: Â_t = Σ γ^j r_{t+j} + γ^m·V_boot − V_t within each episode segment.
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      let g = 0, disc = 1, u = t;
      for (; u < T; u++) {
        const k = u * N + i;
        g += disc * r[k];
        disc *= gamma;
        if (done[k]) break;
      }
      const last = Math.min(u, T - 1) * N + i;
      g += disc * vNext[last] * (1 - term[last]);
      close([a1[t * N + i], returns[t * N + i]], [g - v[t * N + i], g], 1e-4);
    }
  }
});

Deno.test("GAE rejects mismatched lengths", () => {
  throws(
    () => gae([1, 2], [1], [1, 2], [0, 0], [0, 0], { numEnvs: 1, gamma: 1, lambda: 1 }),
    /values has length 1, expected 2/,
  );
});

Deno.test("outcome advantages: hand-computed z-scores with population std; a flat group gets zeros", () => {
  // T = 2, N = 4 (2 groups of 2). Returns: member 0: 1+2 = 3, member 1: 0+1 = 1 → ±1.
  // Group 1 (members 2, 3) has returns 5 and 5: no spread → 0.
  const r = [1, 0, 2, 3, /* t=1 */ 2, 1, 3, 2];
  const run = [1, 1, 1, 1, 1, 1, 1, 1];
  const out = groupAdvantages(r, run, { numEnvs: 4, groupSize: 2, mode: "outcome" });
  close(out.advantages, [1, -1, 0, 0, 1, -1, 0, 0]);
  deepStrictEqual(Array.from(out.zeroStdGroup), [0, 1]);
  deepStrictEqual(out.fracRewardZeroStd, 0.5);
  // Three members 1, 2, 6: mean 3, population std √(14/3).
  const three = groupAdvantages([1, 2, 6], [1, 1, 1], {
    numEnvs: 3,
    groupSize: 3,
    mode: "outcome",
  });
  const sd = Math.sqrt(14 / 3);
  close(three.advantages, [-2 / sd, -1 / sd, 3 / sd]);
  close(
    groupAdvantages([1, 2, 6], [1, 1, 1], {
      numEnvs: 3,
      groupSize: 3,
      mode: "outcome",
      scaleRewards: "none",
    }).advantages,
    [-2, -1, 3],
  );
});

Deno.test("process advantages: per-t normalization over running members, then reward-to-go", () => {
  // One group of 3, T = 3. Member 2 stops after t = 0.
  // t=0: r = (1, 3, 2): mean 2, std √(2/3) → (−1, 1, 0)·√1.5
  // t=1: r = (0, 4, ·): mean 2, std 2 → (−1, 1)
  // t=2: r = (5, 5, ·): std 0 → (0, 0)
  const r = [1, 3, 2, 0, 4, 9, 5, 5, 9];
  const run = [1, 1, 1, 1, 1, 0, 1, 1, 0];
  const s = Math.sqrt(1.5);
  const { advantages, fracRewardZeroStd } = groupAdvantages(r, run, {
    numEnvs: 3,
    groupSize: 3,
    gamma: 0.5,
  });
  close(advantages, [-s + 0.5 * -1, s + 0.5 * 1, 0, -1, 1, 0, 0, 0, 0]);
  ok(Math.abs(fracRewardZeroStd - 1 / 3) < 1e-12);
});

Deno.test("group advantages have mean 0 and std 1 per group (seeded, many cases)", () => {
  const rng = new Rng(42);
  for (let c = 0; c < 100; c++) {
    const G = 2 + rng.int(7), groups = 1 + rng.int(4), N = G * groups;
    const r = Array.from({ length: N }, () => rng.normal(0, 1 + rng.uniform() * 5));
    const { advantages } = groupAdvantages(r, new Array(N).fill(1), {
      numEnvs: N,
      groupSize: G,
      mode: "outcome",
    });
    for (let g = 0; g < groups; g++) {
      const a = Array.from(advantages.subarray(g * G, (g + 1) * G));
      const m = a.reduce((x, y) => x + y, 0) / G;
      const sd = Math.sqrt(a.reduce((x, y) => x + (y - m) ** 2, 0) / G);
      ok(Math.abs(m) < 1e-5 && Math.abs(sd - 1) < 1e-4, `group ${g}: mean ${m}, std ${sd}`);
    }
  }
});

Deno.test("groupAdvantages rejects G < 2 and indivisible batches", () => {
  throws(
    () => groupAdvantages([1, 2], [1, 1], { numEnvs: 2, groupSize: 1 }),
    /groupSize G ≥ 2.*got 1/,
  );
  throws(
    () => groupAdvantages([1, 2, 3], [1, 1, 1], { numEnvs: 3, groupSize: 2 }),
    /3 rewards as \[T, N = 3\] do not form groups of G = 2/,
  );
  throws(
    () => groupAdvantages([1, 2], [1, 1], { numEnvs: 2, groupSize: 2, mode: "token" as "process" }),
    /valid ones are outcome, process/,
  );
});

Deno.test("batch scaling divides by the batch std of centred values", () => {
  // Groups (0, 2) and (0, 6): centred (−1, 1) and (−3, 3); batch std = √((1+1+9+9)/4) = √5.
  const { advantages } = groupAdvantages([0, 2, 0, 6], [1, 1, 1, 1], {
    numEnvs: 4,
    groupSize: 2,
    mode: "outcome",
    scaleRewards: "batch",
  });
  const s = Math.sqrt(5);
  close(advantages, [-1 / s, 1 / s, -3 / s, 3 / s]);
});
