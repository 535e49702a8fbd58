/**
 * Minibatching: epochs × shuffled minibatches over a flat batch of B rows, and row gathers.
 *
 * Reference: CleanRL `ppo_continuous_action.py` (update epochs, minibatches).
 *
 * @module
 */
import type { Rng } from "./rng.ts";
import { reuseBuffers } from "./tensor.ts";

/**
 * Calls `fn` with the row indices of each minibatch, for `epochs` passes over B rows, reshuffled
 * with `rng` every epoch. B need not be a multiple of `minibatches` (1 ≤ minibatches ≤ B): each
 * part has ⌊B/minibatches⌋ rows and the last also takes the remainder (B = 10, 3 parts: 3, 3, 4).
 * With `reuseBuffers: true` each call runs inside {@link reuseBuffers}: its op outputs and their
 * gradients come from a pool and are released when it returns, so no tensor computed in `fn` may
 * be used after it (the default is false).
 */
export function forEachMinibatch(
  B: number,
  opts: { epochs: number; minibatches: number; rng: Rng; reuseBuffers?: boolean },
  fn: (idx: Uint32Array, epoch: number) => void,
): void {
  const { epochs, minibatches, rng } = opts;
  const call = opts.reuseBuffers ? (i: Uint32Array, e: number) => reuseBuffers(() => fn(i, e)) : fn;
  if (!(Number.isInteger(minibatches) && minibatches >= 1 && minibatches <= B)) {
    throw new Error(
      `Cannot split a batch of ${B} rows into ${minibatches} minibatches: need 1 ≤ minibatches ≤ ${B}`,
    );
  }
  const order = Uint32Array.from({ length: B }, (_, i) => i);
  const size = Math.floor(B / minibatches);
  for (let e = 0; e < epochs; e++) {
    rng.shuffle(order);
    for (let m = 0; m < minibatches; m++) {
      call(order.subarray(m * size, m === minibatches - 1 ? B : (m + 1) * size), e);
    }
  }
}

/** out[r, :] = src[idx[r], :] for rows of `width` elements. */
export function gatherRows<T extends Float32Array | Float64Array>(
  src: T,
  idx: ArrayLike<number>,
  width: number,
): T {
  const out = new (src.constructor as new (n: number) => T)(idx.length * width);
  for (let r = 0; r < idx.length; r++) {
    const s = idx[r] * width, o = r * width;
    if (width > 64) out.set(src.subarray(s, s + width), o); // a view per row pays off only for long rows
    else for (let j = 0; j < width; j++) out[o + j] = src[s + j];
  }
  return out;
}
