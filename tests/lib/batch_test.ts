import { deepStrictEqual, ok } from "node:assert/strict";
import { gatherRows } from "../../lib/batch.ts";
import { Rng } from "../../lib/rng.ts";

Deno.test("gatherRows copies row idx[r] of `width` values to row r, short and long rows, both storages", () => {
  const rng = new Rng(2);
  for (const width of [1, 17, 64, 65, 300]) { // ≤ 64: element loop; > 64: a view per row
    const rows = 40, idx = [39, 0, 7, 7, 21, 38, 1];
    const table = Array.from(
      { length: rows },
      () => Array.from({ length: width }, () => rng.normal()),
    );
    table[7][0] = -0;
    for (const Ctor of [Float32Array, Float64Array]) {
      const src = Ctor.from(table.flat());
      const out = gatherRows(src, idx, width);
      ok(out instanceof Ctor, `${Ctor.name} in, ${Ctor.name} out`);
      const want = Ctor.from(idx.flatMap((i) => table[i])); // the oracle: rows picked from nested arrays
      deepStrictEqual(Array.from(out), Array.from(want), `width ${width}, ${Ctor.name}`);
      ok(Object.is(out[2 * width], -0), "−0 kept");
    }
  }
});
