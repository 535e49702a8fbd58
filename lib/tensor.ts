/**
 * Tensor: a dense row-major array with a shape, a lazily allocated gradient, and the tape that
 * reverse-mode differentiation walks.
 *
 * Every differentiable op builds its output, then calls {@link record} with its inputs and a
 * backward closure. `loss.backward()` orders the recorded graph topologically and runs each closure
 * once, in reverse, accumulating into `.grad` (gradients add up: one owner zeroes them).
 * {@link noGrad} turns recording off, so rollouts pay for the forward pass only.
 *
 * Reference: A. Griewank and A. Walther, *Evaluating Derivatives* (2008), ch. 3; micrograd.
 *
 * @module
 */
import { type NdArray, ndarray } from "./deps.ts";

/** Element storage: `Float32Array` for training, `Float64Array` for gradient checks. */
export type Storage = Float32Array | Float64Array;

/** A backward closure: reads the output gradient `gy` and adds into the inputs' `.grad`. */
export type Backward = (gy: Storage) => void;

let gradDepth = 0; // > 0 inside noGrad

/**
 * A row-major n-d array of `Float32Array` (or `Float64Array`) data with an optional gradient.
 *
 * @example
 * ```ts
 * import { Tensor } from "./tensor.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const x = Tensor.from([[1, 2, 3], [4, 5, 6]]);
 * deepStrictEqual(x.shape, [2, 3]);
 * deepStrictEqual(x.toArray(), [1, 2, 3, 4, 5, 6]);
 * ```
 */
export class Tensor {
  /** The elements, row-major. */
  data: Storage;
  /** The sizes of each axis. */
  readonly shape: readonly number[];
  /** Whether gradients flow into this tensor (parameters, and anything computed from them). */
  requiresGrad: boolean;
  /** An optional stable name, e.g. `pi.0.weight`. */
  name?: string;
  #grad?: Storage;
  #parents?: Tensor[];
  #backward?: Backward;

  constructor(
    data: Storage,
    shape: readonly number[],
    opts: { requiresGrad?: boolean; name?: string } = {},
  ) {
    const size = shape.reduce((a, b) => a * b, 1);
    if (!shape.every((n) => Number.isInteger(n) && n >= 0)) {
      throw new Error(`Tensor shape must be non-negative integers, got [${shape.join(", ")}]`);
    }
    if (size !== data.length) {
      throw new Error(
        `Tensor data has ${data.length} elements but shape [${shape.join(", ")}] needs ${size}`,
      );
    }
    this.data = data;
    this.shape = shape;
    this.requiresGrad = opts.requiresGrad ?? false;
    this.name = opts.name;
  }

  /** A tensor of zeros; `float64: true` gives `Float64Array` storage. */
  static zeros(
    shape: readonly number[],
    opts: { float64?: boolean; requiresGrad?: boolean; name?: string } = {},
  ): Tensor {
    const n = shape.reduce((a, b) => a * b, 1);
    return new Tensor(opts.float64 ? new Float64Array(n) : new Float32Array(n), shape, opts);
  }

  /** A tensor from nested arrays (shape inferred) or a flat array with an explicit shape. */
  static from(
    values: number[] | number[][],
    shape?: readonly number[],
    opts: { float64?: boolean; requiresGrad?: boolean } = {},
  ): Tensor {
    const flat = (values as (number | number[])[]).flat() as number[];
    const inferred = Array.isArray(values[0])
      ? [values.length, (values[0] as number[]).length]
      : [values.length];
    const data = opts.float64 ? Float64Array.from(flat) : Float32Array.from(flat);
    return new Tensor(data, shape ?? inferred, opts);
  }

  /** The number of elements. */
  get size(): number {
    return this.data.length;
  }

  /** The gradient ∂loss/∂this, same storage type and length as `data`; zeros until backward. */
  get grad(): Storage {
    if (!this.#grad) {
      const scope = owner.get(this.data); // an op output inside reuseBuffers: its gradient is scratch too
      this.#grad = scope
        ? take(this.data.length, scope)
        : new (this.data.constructor as Float32ArrayConstructor)(this.data.length);
    }
    return this.#grad;
  }

  /** Whether a gradient buffer has been allocated. */
  get hasGrad(): boolean {
    return this.#grad !== undefined;
  }

  /** Frees the gradient buffer; the next read of `.grad` allocates zeros of `data`'s type. */
  dropGrad(): void {
    this.#grad = undefined;
  }

  /** Sets the gradient to zero (keeps the buffer). */
  zeroGrad(): void {
    this.#grad?.fill(0);
  }

  /** The single element of a size-1 tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new Error(`item() needs a tensor with 1 element, got shape [${this.shape.join(", ")}]`);
    }
    return this.data[0];
  }

  /** The elements as a plain array. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** An `ndarray` view sharing this tensor's storage (strides are row-major). */
  nd(): NdArray<Storage> {
    return ndarray(this.data, this.shape as number[]);
  }

  /** A tensor sharing this one's data, cut off from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /** @internal Links this output to its inputs; see {@link record}. */
  _link(parents: Tensor[], backward: Backward): void {
    this.#parents = parents;
    this.#backward = backward;
    this.requiresGrad = true;
  }

  /**
   * Reverse-mode sweep from this scalar: sets ∂this/∂this = 1 and runs every recorded backward
   * closure once, in reverse topological order. The graph is released afterwards.
   */
  backward(): void {
    if (this.size !== 1) {
      throw new Error(`backward() needs a scalar loss, got shape [${this.shape.join(", ")}]`);
    }
    if (!this.#backward) {
      throw new Error(
        `backward(): this tensor is not on the tape; no input required a gradient, or it was built inside noGrad()`,
      );
    }
    const order: Tensor[] = [];
    const seen = new Set<Tensor>();
    const stack: [Tensor, number][] = [[this, 0]];
    seen.add(this);
    while (stack.length) { // iterative post-order DFS
      const top = stack[stack.length - 1];
      const parents = top[0].#parents ?? [];
      if (top[1] < parents.length) {
        const p = parents[top[1]++];
        if (p.#backward && !seen.has(p)) {
          seen.add(p);
          stack.push([p, 0]);
        }
      } else {
        order.push(top[0]);
        stack.pop();
      }
    }
    this.grad[0] += 1;
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      t.#backward!(t.grad);
      t.#backward = undefined;
      t.#parents = undefined;
    }
  }
}

/**
 * Records `out = f(inputs)` on the tape with its backward closure, unless recording is off or no
 * input requires a gradient. Returns `out`.
 */
export function record(out: Tensor, inputs: Tensor[], backward: Backward): Tensor {
  if (gradDepth > 0) return out;
  for (const x of inputs) {
    if (x.requiresGrad) {
      out._link(inputs, backward);
      return out;
    }
  }
  return out;
}

/**
 * Runs `fn` with recording off: ops build no graph and hold no references.
 *
 * @example
 * ```ts
 * import { noGrad, Tensor } from "./tensor.ts";
 * import { mul } from "./ops.ts";
 * import { strictEqual } from "node:assert/strict";
 * const w = Tensor.from([2], undefined, { requiresGrad: true });
 * const y = noGrad(() => mul(w, w));
 * strictEqual(y.requiresGrad, false);
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  gradDepth++;
  try {
    return fn();
  } finally {
    gradDepth--;
  }
}

/** Whether ops currently record onto the tape. */
export function isGradEnabled(): boolean {
  return gradDepth === 0;
}

/** Formats a shape for error messages: `[64, 17]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/**
 * Allocates zeroed storage of `x`'s type (Float32 or Float64) with `n` elements; inside
 * {@link reuseBuffers}, large float32 ones come from its pool.
 */
export function like(x: Tensor, n = x.size): Storage {
  if (scopes.length && n >= POOL_MIN && x.data instanceof Float32Array) {
    return take(n, scopes[scopes.length - 1]);
  }
  return new (x.data.constructor as Float32ArrayConstructor)(n);
}

// ---------------------------------------------------------------- buffer reuse

/** Float32 buffers of at least this many elements are pooled; smaller ones are cheap to allocate. */
const POOL_MIN = 1024;
/** Released buffers by length, least recently used length first (Map order). */
const free = new Map<number, Float32Array[]>();
/** Released buffers are kept up to this many bytes, or the last step's bytes if more. */
const FREE_CAP = 64 << 20;
/** Bytes of the released buffers in {@link free}. */
let freeBytes = 0;
/** The buffers handed out in each open {@link reuseBuffers} call, innermost last. */
const scopes: Float32Array[][] = [];
/** Bytes of every buffer the pool holds (handed out or released). */
let pooledBytes = 0;
/** Which scope a pooled buffer belongs to, so a gradient joins its data's scope. */
const owner = new WeakMap<Storage, Float32Array[]>();

/** A zeroed float32 buffer of `n` elements from the pool (or new), handed out in `scope`. */
function take(n: number, scope: Float32Array[]): Float32Array {
  const list = free.get(n);
  const reused = list?.pop();
  if (list) free.delete(n), free.set(n, list); // most recently used last
  if (reused) freeBytes -= 4 * n;
  else pooledBytes += 4 * n;
  const buf = reused ? reused.fill(0) : new Float32Array(n);
  owner.set(buf, scope);
  scope.push(buf);
  return buf;
}

/**
 * Runs `fn` with the outputs of ops, and their gradients, drawn from a pool of reused buffers, and
 * returns them all to the pool when `fn` ends. Touching a freshly allocated 4 MB `Float32Array`
 * costs about 15 ms on a small VM (page faults), a reused one 0.1 ms, so a training step wrapped in
 * this allocates nothing large after its first call.
 *
 * The contract: no tensor computed inside `fn` is used after it returns (read numbers out with
 * `.item()` or copy data first). Released buffers are filled with NaN, so a tensor that escapes
 * shows NaN rather than another step's numbers. Parameters, inputs you create, and their
 * gradients are never pooled. Released buffers are kept up to 64 MB (or the last call's bytes,
 * if more), dropping the least recently used lengths first, so varying batch sizes stay bounded.
 *
 * @example
 * ```ts
 * import { reuseBuffers, Tensor } from "./tensor.ts";
 * import { mul, sum } from "./ops.ts";
 * import { strictEqual } from "node:assert/strict";
 * const w = Tensor.from(Array.from({ length: 2048 }, () => 1), undefined, { requiresGrad: true });
 * for (let step = 0; step < 3; step++) {
 *   w.zeroGrad();
 *   const loss = reuseBuffers(() => {
 *     const l = sum(mul(w, w)); // its [2048] intermediate is pooled
 *     l.backward();
 *     return l.item();
 *   });
 *   strictEqual(loss, 2048);
 * }
 * strictEqual(w.grad[0], 2); // parameters' gradients are never pooled
 * ```
 */
export function reuseBuffers<T>(fn: () => T): T {
  scopes.push([]);
  try {
    return fn();
  } finally {
    let scopeBytes = 0;
    for (const buf of scopes.pop()!) {
      buf.fill(NaN);
      let list = free.get(buf.length);
      if (!list) free.set(buf.length, list = []);
      list.push(buf);
      scopeBytes += buf.byteLength;
    }
    freeBytes += scopeBytes;
    const cap = Math.max(FREE_CAP, scopeBytes);
    for (const [n, list] of free) { // least recently used lengths first
      if (freeBytes <= cap) break;
      free.delete(n);
      freeBytes -= 4 * n * list.length;
      pooledBytes -= 4 * n * list.length;
    }
  }
}

/** Bytes the pool holds (handed out or kept for reuse): constant once a repeated step is warm. */
export function bufferPoolBytes(): number {
  return pooledBytes;
}

/** Drops every pooled buffer (they are kept for reuse until then). */
export function clearBufferPool(): void {
  for (const [n, list] of free) pooledBytes -= 4 * n * list.length;
  free.clear(), freeBytes = 0;
}
