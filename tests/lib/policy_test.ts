import { deepStrictEqual, notDeepStrictEqual, ok, throws } from "node:assert/strict";
import { gradcheck } from "../../lib/gradcheck.ts";
import {
  paramsToRecord as saveParameters,
  restoreParams as loadParameters,
} from "../../lib/checkpoint.ts";
import { orthogonal } from "../../lib/nn.ts";
import { mean } from "../../lib/ops.ts";
import { GaussianMlpPolicy, ValueMlp } from "../../lib/policy.ts";
import { Rng } from "../../lib/rng.ts";
import { Tensor } from "../../lib/tensor.ts";

Deno.test("default policy: 2×256 ReLU trunk, separate μ and log σ² heads, stable names", () => {
  const pi = new GaussianMlpPolicy(17, 6, { rng: new Rng(0) });
  deepStrictEqual(pi.parameters().map((p) => `${p.name} ${p.shape.join("x")}`), [
    "pi.0.weight 17x256",
    "pi.0.bias 256",
    "pi.1.weight 256x256",
    "pi.1.bias 256",
    "pi.2.weight 256x6",
    "pi.2.bias 6",
    "pi.logvar.weight 256x6",
    "pi.logvar.bias 6",
  ]);
  const dist = pi.forward(Tensor.zeros([5, 17]));
  deepStrictEqual([dist.mean.shape, dist.logVar.shape], [[5, 6], [5, 6]]);
  throws(() => pi.forward(Tensor.zeros([5, 16])), /Mlp expects input \[B, 17\], got \[5, 16\]/);
});

Deno.test("state-independent log σ: one parameter per action dim, v = 2·log σ", () => {
  const pi = new GaussianMlpPolicy(3, 2, {
    rng: new Rng(0),
    hidden: [8],
    stateIndependentStd: true,
    initLogStd: -0.5,
  });
  deepStrictEqual(pi.parameters().map((p) => p.name), [
    "pi.0.weight",
    "pi.0.bias",
    "pi.1.weight",
    "pi.1.bias",
    "pi.log_std",
  ]);
  const dist = pi.forward(Tensor.zeros([4, 3]));
  deepStrictEqual(dist.logVar.toArray(), [-1, -1]);
});

Deno.test("the log-variance is clamped to logVarRange", () => {
  const pi = new GaussianMlpPolicy(2, 1, {
    rng: new Rng(0),
    hidden: [4],
    initLogStd: 5,
    logVarRange: [-3, 2],
  });
  deepStrictEqual(pi.forward(Tensor.zeros([1, 2])).logVar.toArray(), [2]);
});

Deno.test("seeded init is reproducible; different seeds differ", () => {
  const a = saveParameters(
    new GaussianMlpPolicy(3, 1, { rng: new Rng(1), hidden: [8] }).parameters(),
  );
  const b = saveParameters(
    new GaussianMlpPolicy(3, 1, { rng: new Rng(1), hidden: [8] }).parameters(),
  );
  const c = saveParameters(
    new GaussianMlpPolicy(3, 1, { rng: new Rng(2), hidden: [8] }).parameters(),
  );
  deepStrictEqual(a, b);
  notDeepStrictEqual(a, c);
});

Deno.test("orthogonal init has orthonormal columns times the gain", () => {
  const w = orthogonal(6, 3, 2, new Rng(4));
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      let dot = 0;
      for (let r = 0; r < 6; r++) dot += w[r * 3 + i] * w[r * 3 + j];
      ok(Math.abs(dot - (i === j ? 4 : 0)) < 1e-5, `col ${i}·col ${j} = ${dot}`);
    }
  }
});

Deno.test('init "uniform" is PyTorch\'s nn.Linear default: W and b in U(±1/√in), spread over the range', () => {
  const pi = new GaussianMlpPolicy(16, 2, { rng: new Rng(1), hidden: [64], init: "uniform" });
  const critic = new ValueMlp(16, { rng: new Rng(1), hidden: [64], init: "uniform" });
  for (const p of [...pi.parameters(), ...critic.parameters()]) {
    if (p.name === "pi.logvar.bias") continue; // set to 2·initLogStd
    const k = 1 / Math.sqrt(p.name!.includes(".0.") ? 16 : 64);
    const xs = Array.from(p.data);
    ok(xs.every((x) => Math.abs(x) <= k), `${p.name} within ±${k}`);
    if (xs.length >= 64) ok(Math.max(...xs.map(Math.abs)) > 0.8 * k, `${p.name} fills ±${k}`);
  }
  const ortho = new GaussianMlpPolicy(16, 2, { rng: new Rng(1), hidden: [64] });
  ok(ortho.parameters()[1].data.every((b) => b === 0), "orthogonal init keeps b = 0");
});

Deno.test("the whole policy log-probability and the critic pass gradcheck through their parameters", () => {
  const rng = new Rng(9);
  const obs = new Tensor(Float64Array.from({ length: 4 * 3 }, () => rng.normal()), [4, 3]);
  const actions = Float64Array.from({ length: 4 * 2 }, () => rng.normal());
  for (const stateIndependentStd of [false, true]) {
    const pi = new GaussianMlpPolicy(3, 2, {
      rng,
      hidden: [5, 4],
      activation: "tanh",
      stateIndependentStd,
      initLogStd: -0.3,
    });
    const r = gradcheck(() => mean(pi.forward(obs).logProb(actions)), pi.parameters(), {
      inPlace: true,
    });
    ok(r.ok, `policy (stateIndependentStd=${stateIndependentStd}): ${r.message}`);
    ok(pi.parameters()[0].data instanceof Float32Array, "inPlace restores float32 storage");
  }
  const vf = new ValueMlp(3, { rng, hidden: [5], activation: "tanh" });
  const r = gradcheck(() => vf.forward(obs), vf.parameters(), { inPlace: true });
  ok(r.ok, `critic: ${r.message}`);
});

Deno.test("act samples with the given rng, deterministic gives the mean", () => {
  const pi = new GaussianMlpPolicy(3, 2, { rng: new Rng(0), hidden: [8] });
  const obs = new Float32Array([0.1, 0.2, 0.3, -0.1, 0, 1]);
  deepStrictEqual(pi.act(obs, new Rng(5)), pi.act(obs, new Rng(5)));
  const det = pi.act(obs, new Rng(5), { deterministic: true });
  deepStrictEqual(Array.from(det.actions), pi.forward(new Tensor(obs, [2, 3])).mean.toArray());
});

Deno.test("loadParameters round-trips and rejects mismatches", () => {
  const a = new GaussianMlpPolicy(3, 1, { rng: new Rng(1), hidden: [8] });
  const b = new GaussianMlpPolicy(3, 1, { rng: new Rng(2), hidden: [8] });
  loadParameters(b.parameters(), saveParameters(a.parameters()));
  deepStrictEqual(saveParameters(b.parameters()), saveParameters(a.parameters()));
  const saved = saveParameters(a.parameters());
  delete saved["pi.0.bias"];
  throws(() => loadParameters(b.parameters(), saved), /checkpoint has no parameter "pi.0.bias"/);
});

Deno.test("clone copies architecture and values, and is independent afterwards", () => {
  const pi = new GaussianMlpPolicy(3, 2, {
    rng: new Rng(3),
    hidden: [8],
    stateIndependentStd: true,
  });
  const copy = pi.clone();
  deepStrictEqual(paramsRecord(copy), paramsRecord(pi));
  pi.parameters()[0].data[0] += 1;
  notDeepStrictEqual(paramsRecord(copy), paramsRecord(pi));
});
const paramsRecord = (p: GaussianMlpPolicy) => saveParameters(p.parameters());
