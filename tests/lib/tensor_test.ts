import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { linear, mean, mul, relu } from "../../lib/ops.ts";
import { Rng } from "../../lib/rng.ts";
import { bufferPoolBytes, reuseBuffers, Tensor } from "../../lib/tensor.ts";

const rng = new Rng(5);
const normal = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
const B = 64, S = 17, H = 40;
const x = new Tensor(normal(B * S), [B, S]), init = [normal(S * H), normal(H)];

/** Three steps of y = relu(x·W + b), L = mean(y·y), W ← W − 0.1·∂L/∂W; the losses, W, and y of each step. */
function train(reuse: boolean) {
  const w = new Tensor(init[0].slice(), [S, H], { requiresGrad: true });
  const b = new Tensor(init[1].slice(), [H], { requiresGrad: true });
  const losses: number[] = [], outputs: Tensor[] = [], pool: number[] = [];
  for (let step = 0; step < 3; step++) {
    w.zeroGrad(), b.zeroGrad();
    const body = () => {
      const y = relu(linear(x, w, b));
      outputs.push(y); // escapes on purpose: poisoned after a reused step
      const loss = mean(mul(y, y));
      loss.backward();
      return loss.item();
    };
    losses.push(reuse ? reuseBuffers(body) : body());
    pool.push(bufferPoolBytes());
    for (let i = 0; i < w.size; i++) w.data[i] -= 0.1 * w.grad[i];
  }
  return { losses, w: w.data, wGrad: w.grad, outputs, pool };
}

Deno.test("reuseBuffers: the same bits as fresh buffers, no new buffers after the 1st step, escapees NaN", () => {
  const fresh = train(false), reused = train(true);
  deepStrictEqual(reused.losses, fresh.losses);
  deepStrictEqual(reused.w, fresh.w);
  deepStrictEqual(reused.wGrad, fresh.wGrad); // parameters' gradients are not pooled: still readable
  ok(reused.outputs.every((y) => y.data.every(Number.isNaN)), "escaped outputs are poisoned");
  ok(fresh.outputs.every((y) => y.data.every(Number.isFinite)));
  ok(reused.pool[0] >= 4 * 4 * B * H, `the pool holds the step's [B, H] buffers: ${reused.pool}`);
  deepStrictEqual(
    reused.pool.slice(1),
    [reused.pool[0], reused.pool[0]],
    "steps 2 and 3 allocate nothing",
  );
});

Deno.test("reuseBuffers: varying sizes keep the pool bounded (least recently used lengths dropped)", () => {
  const w = new Tensor(normal(H), [H], { requiresGrad: true });
  const step = (rows: number) =>
    // a [rows·64, H] product: 4 buffers of ≥ 1024 elements each
    reuseBuffers(() => {
      const y = mul(new Tensor(new Float32Array(rows * 64 * H).fill(1), [rows * 64, H]), w);
      mean(mul(y, y)).backward();
    });
  for (let rows = 101; rows <= 130; rows++) step(rows); // 30 sizes, ~4.6 MB per step, ~140 MB in all
  const held = bufferPoolBytes();
  ok(held <= 64 * 2 ** 20 + 4 * 130 * 64 * H * 4, `the pool holds ${held} bytes`);
  step(130);
  strictEqual(bufferPoolBytes(), held, "the most recent size is still pooled");
});
