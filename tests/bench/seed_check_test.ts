import { strictEqual } from "node:assert/strict";
import { permutationP } from "../../bench/seed_check.ts";

Deno.test("permutationP: exact two-sided p over every split, by hand", () => {
  // splits of {1,2,3,4} into 2 + 2: |Δ| = 2 for {1,2} and {3,4}, 1 for {1,3}, {2,4}, 0 for {1,4}, {2,3}
  strictEqual(permutationP([1, 2], [3, 4]), 2 / 6);
  strictEqual(permutationP([1, 3], [2, 4]), 4 / 6); // |Δ| = 1: four of six splits reach it
  strictEqual(permutationP([5], [5]), 1);
  strictEqual(permutationP([0, 0, 0], [1, 1, 1]), 2 / 20); // only the two pure splits
});
