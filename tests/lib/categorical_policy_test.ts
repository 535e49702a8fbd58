import { deepStrictEqual, notDeepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { CategoricalMlpPolicy } from "../../lib/categorical_policy.ts";
import { gradcheck } from "../../lib/gradcheck.ts";
import { add, mean } from "../../lib/ops.ts";
import { Rng } from "../../lib/rng.ts";
import { Tensor } from "../../lib/tensor.ts";

Deno.test("categorical policy: MLP trunk and logits head with stable names; near-uniform at init", () => {
  const pi = new CategoricalMlpPolicy(4, 2, { rng: new Rng(0) });
  deepStrictEqual(pi.parameters().map((p) => `${p.name} ${p.shape.join("x")}`), [
    "pi.0.weight 4x256",
    "pi.0.bias 256",
    "pi.1.weight 256x256",
    "pi.1.bias 256",
    "pi.2.weight 256x2",
    "pi.2.bias 2",
  ]);
  const obs = new Tensor(Float32Array.from({ length: 20 }, (_, i) => Math.sin(i)), [5, 4]);
  const dist = pi.forward(obs);
  deepStrictEqual(dist.logits.shape, [5, 2]);
  for (const v of dist.logProbs.data) ok(Math.abs(v - Math.log(0.5)) < 0.05, `log π ${v}`); // gain 0.01
  deepStrictEqual([pi.actSize, pi.numActions], [1, 2]);
  throws(() => pi.forward(Tensor.zeros([5, 3])), /Mlp expects input \[B, 4\], got \[5, 3\]/);
  throws(() => new CategoricalMlpPolicy(4, 0, { rng: new Rng(0) }), /numActions is 0/);
});

Deno.test("categorical policy: act samples with the rng, logProbs match forward, deterministic = argmax", () => {
  const pi = new CategoricalMlpPolicy(3, 4, { rng: new Rng(1), hidden: [8] });
  pi.parameters()[2].data.forEach((_, i, w) => w[i] = Math.sin(3 * i)); // sharpen the head
  const B = 64, rng = new Rng(2);
  const obs = Float32Array.from({ length: B * 3 }, () => rng.normal());
  const { actions, logProbs } = pi.act(obs, new Rng(5));
  deepStrictEqual(pi.act(obs, new Rng(5)), { actions, logProbs });
  notDeepStrictEqual(pi.act(obs, new Rng(6)).actions, actions);
  ok(actions.every((a) => Number.isInteger(a) && a >= 0 && a < 4));
  const dist = pi.forward(new Tensor(obs, [B, 3]));
  deepStrictEqual(logProbs, dist.logProb(actions).data);
  const det = pi.act(obs, new Rng(5), { deterministic: true });
  for (let i = 0; i < B; i++) {
    const row = Array.from(dist.logits.data.subarray(i * 4, i * 4 + 4));
    strictEqual(det.actions[i], row.indexOf(Math.max(...row)), `row ${i}`);
  }
  ok(new Set(actions).size > 1, "sampling visits more than one action");
});

Deno.test("categorical policy: log-probability and entropy pass gradcheck through the parameters", () => {
  const rng = new Rng(9);
  const obs = new Tensor(Float64Array.from({ length: 4 * 3 }, () => rng.normal()), [4, 3]);
  const actions = Float64Array.of(0, 2, 1, 2);
  const pi = new CategoricalMlpPolicy(3, 3, { rng, hidden: [5, 4], activation: "tanh" });
  pi.parameters()[4].data.forEach((_, i, w) => w[i] = rng.normal()); // logits far from uniform
  const r = gradcheck(
    () => {
      const d = pi.forward(obs);
      return add(mean(d.logProb(actions)), mean(d.entropy()));
    },
    pi.parameters(),
    { inPlace: true },
  );
  ok(r.ok, `policy: ${r.message}`);
  ok(pi.parameters()[0].data instanceof Float32Array, "inPlace restores float32 storage");
});

Deno.test("categorical policy: clone copies the values, not the tensors", () => {
  const pi = new CategoricalMlpPolicy(3, 2, { rng: new Rng(4), hidden: [8] });
  const ref = pi.clone();
  const obs = Float32Array.of(0.3, -1, 2);
  deepStrictEqual(ref.act(obs, new Rng(0)), pi.act(obs, new Rng(0)));
  ref.parameters()[0].data[0] += 1;
  notDeepStrictEqual(ref.parameters()[0].data, pi.parameters()[0].data);
});

Deno.test("categorical policy: act rejects a NaN observation and a ragged batch, like the Gaussian one", () => {
  const pi = new CategoricalMlpPolicy(3, 4, { rng: new Rng(1), hidden: [8] });
  throws(() => pi.act(Float32Array.of(0, 1, 2, 3, NaN, 5), new Rng(0)), /row 1 index 1 is NaN/);
  throws(() => pi.act(new Float32Array(4), new Rng(0)), /length 4 is not a multiple of .* 3/);
});
