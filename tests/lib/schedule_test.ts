import { ok, strictEqual, throws } from "node:assert/strict";
import { lrSchedule, SCHEDULE_KINDS } from "../../lib/schedule.ts";

const near = (a: number, b: number, what: string) =>
  ok(Math.abs(a - b) <= 1e-15, `${what}: got ${a}, expected ${b}`);

Deno.test("constant: the same lr at every update", () => {
  const s = lrSchedule({ kind: "constant", lr: 3e-4, final: 0 });
  for (const u of [0, 1, 9, 10, 50]) strictEqual(s(u, 10), 3e-4);
});

Deno.test("linear: CleanRL annealing to 0, and to a final value", () => {
  const s = lrSchedule({ kind: "linear", lr: 1e-3 });
  // CleanRL: frac = 1 − (update − 1)/num_updates with update = 1..N; ours is 0-based u = update − 1.
  for (let update = 1; update <= 4; update++) {
    near(s(update - 1, 4), (1 - (update - 1) / 4) * 1e-3, `update ${update}`);
  }
  near(s(0, 4), 1e-3, "u = 0");
  near(s(3, 4), 2.5e-4, "last update");
  strictEqual(s(4, 4), 0); // the end, and past it, hold `final`
  strictEqual(s(40, 4), 0);
  const f = lrSchedule({ kind: "linear", lr: 1e-3, final: 1e-4 });
  near(f(0, 10), 1e-3, "start");
  near(f(5, 10), 5.5e-4, "halfway: 1e-4 + 0.9e-3·0.5");
  near(f(10, 10), 1e-4, "end");
});

Deno.test("cosine: starts at lr, crosses the midpoint at half-way, ends at final", () => {
  const s = lrSchedule({ kind: "cosine", lr: 2e-3, final: 2e-4 });
  near(s(0, 100), 2e-3, "start");
  near(s(50, 100), 1.1e-3, "half-way: (2e-3 + 2e-4)/2");
  near(s(25, 100), 2e-4 + 1.8e-3 * 0.5 * (1 + Math.SQRT1_2), "quarter: cos(π/4) = √½");
  near(s(100, 100), 2e-4, "end");
  let prev = Infinity;
  for (let u = 0; u <= 100; u++) { // monotone non-increasing
    ok(s(u, 100) <= prev, `cosine rose at update ${u}`);
    prev = s(u, 100);
  }
});

Deno.test("unknown kinds and bad arguments throw clear errors", () => {
  throws(
    () => lrSchedule({ kind: "exponential", lr: 1e-3 }),
    new RegExp(`unknown kind "exponential"; valid kinds are ${SCHEDULE_KINDS.join(", ")}`),
  );
  throws(() => lrSchedule({ kind: "linear", lr: NaN }), /lr and final must be finite/);
  const s = lrSchedule({ kind: "linear", lr: 1e-3 });
  throws(() => s(0, 0), /totalUpdates must be a positive integer, got 0/);
  throws(() => s(-1, 10), /update must be an integer ≥ 0, got -1/);
  throws(() => s(0.5, 10), /got 0.5/);
});
