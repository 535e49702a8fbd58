import { deepStrictEqual, strictEqual } from "node:assert/strict";
import { firstDifference, permutationP } from "../../bench/seed_check.ts";

Deno.test("permutationP: exact two-sided p over every split, by hand", () => {
  // splits of {1,2,3,4} into 2 + 2: |Δ| = 2 for {1,2} and {3,4}, 1 for {1,3}, {2,4}, 0 for {1,4}, {2,3}
  strictEqual(permutationP([1, 2], [3, 4]), 2 / 6);
  strictEqual(permutationP([1, 3], [2, 4]), 4 / 6); // |Δ| = 1: four of six splits reach it
  strictEqual(permutationP([5], [5]), 1);
  strictEqual(permutationP([0, 0, 0], [1, 1, 1]), 2 / 20); // only the two pure splits
});

Deno.test("firstDifference: the first update whose reward, loss or grad norm differs", () => {
  const head = "reward,update,losses/policy_loss,grad_norm,SPS\n";
  const a = head + "1,1,0.5,2,100\n1.5,2,0.25,3,100\n2,3,0.1,4,100\n";
  strictEqual(firstDifference(a, a.replaceAll(",100", ",999")), null); // SPS is not compared
  deepStrictEqual(firstDifference(a, a.replace("1.5,2,", "1.5000001,2,")), {
    update: 2,
    column: "reward",
  });
  deepStrictEqual(firstDifference(a, a.replace(",0.1,4,", ",0.1,5,")), {
    update: 3,
    column: "grad_norm",
  });
});
