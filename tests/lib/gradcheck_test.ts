import { ok } from "node:assert/strict";
import { gradcheck } from "../../lib/gradcheck.ts";
import { like, record, Tensor } from "../../lib/tensor.ts";
import { mul, sum } from "../../lib/ops.ts";

/** tanh with a deliberately wrong derivative: 1 − y instead of 1 − y². */
function brokenTanh(x: Tensor): Tensor {
  const y = new Tensor(like(x), x.shape);
  for (let i = 0; i < x.size; i++) y.data[i] = Math.tanh(x.data[i]);
  return record(y, [x], (gy) => {
    for (let i = 0; i < x.size; i++) x.grad[i] += (1 - y.data[i]) * gy[i]; // wrong on purpose
  });
}

/** x·x whose backward forgets one of the two paths (gives x instead of 2x). */
function brokenSquare(x: Tensor): Tensor {
  const y = new Tensor(like(x), x.shape);
  for (let i = 0; i < x.size; i++) y.data[i] = x.data[i] * x.data[i];
  return record(y, [x], (gy) => {
    for (let i = 0; i < x.size; i++) x.grad[i] += x.data[i] * gy[i]; // wrong on purpose
  });
}

Deno.test("gradcheck fails on deliberately wrong backward rules", () => {
  const x = Tensor.from([0.3, -0.7, 1.2]);
  const r1 = gradcheck(brokenTanh, [x]);
  ok(!r1.ok, "broken tanh must fail");
  ok(/gradient mismatch at input 0/.test(r1.message), r1.message);
  ok(!gradcheck(brokenSquare, [x]).ok, "broken square must fail");
  ok(
    !gradcheck((a, b) => sum(mul(brokenSquare(a), b)), [x, Tensor.from([1, 2, 3])]).ok,
    "inside a composite",
  );
});

Deno.test("gradcheck passes the correct versions of the same ops", () => {
  const x = Tensor.from([0.3, -0.7, 1.2]);
  ok(gradcheck((a) => mul(a, a), [x]).ok);
});

Deno.test("gradcheck catches an input that receives no gradient", () => {
  const leak = (a: Tensor) => new Tensor(Float64Array.from(a.data, (v) => v * 2), a.shape); // not recorded
  ok(!gradcheck((a, b) => mul(leak(a), b), [Tensor.from([1, 2]), Tensor.from([3, 4])]).ok);
});

Deno.test("gradcheck inPlace checks the given tensors (a module's parameters) and restores them", () => {
  const w = Tensor.from([0.3, -0.7, 1.2], undefined, { requiresGrad: true });
  w.grad.set([1, 2, 3]);
  const before = w.data;
  ok(gradcheck(() => sum(mul(w, w)), [w], { inPlace: true }).ok);
  ok(!gradcheck(() => sum(brokenSquare(w)), [w], { inPlace: true }).ok, "closure over w is seen");
  ok(w.data === before && w.data instanceof Float32Array, "the original float32 storage is back");
  ok(Array.from(w.grad).join() === "1,2,3" && w.requiresGrad, "gradient and flag are back");
});
