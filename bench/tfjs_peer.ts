/**
 * The peer side of bench/update_step.ts: the same update step written with TensorFlow.js
 * (`@tensorflow/tfjs-core` on the pure-JS `cpu` backend, or the `wasm` backend with SIMD).
 *
 * The bench is not lib/, so it names its npm packages here, pinned, instead of in lib/deps.ts.
 * tfjs Adam places ε as we do: θ ← θ − α·m̂/(√v̂ + ε).
 * The wasm backend's `.wasm` files are read from the installed npm package (a `file://` prefix
 * resolved from the module's own URL), so nothing is fetched from the network.
 *
 * @module
 */
// deno-lint-ignore-file no-import-prefix -- the bench pins its peer's npm packages here, as deps.ts does for lib/
import * as tf from "npm:@tensorflow/tfjs-core@4.22.0";
import "npm:@tensorflow/tfjs-backend-cpu@4.22.0";
// tfjs-core's bundles register no gradients, and its register_all_gradients.js is ESM with
// extensionless imports that Deno cannot load; the union package's CJS bundle registers them all
// into the same tfjs-core 4.22.0 instance. Its layers/converter/data/webgl parts stay unused.
import "npm:@tensorflow/tfjs@4.22.0";
import { setWasmPaths } from "npm:@tensorflow/tfjs-backend-wasm@4.22.0";

/** The tfjs backends the bench can run. */
export type PeerBackend = "cpu" | "wasm";

/** The fixed inputs of one update step, shared with our side. */
export interface StepData {
  /** B */
  batch: number;
  /** S */
  obsSize: number;
  /** D */
  actSize: number;
  /** [B·S] */
  obs: Float32Array;
  /** [B·D] */
  actions: Float32Array;
  /** [B] */
  logProbOld: Float32Array;
  /** [B] */
  advantages: Float32Array;
}

/** Initial parameters in the order W₀ b₀ W₁ b₁ W_μ b_μ W_v b_v, each with its shape. */
export type InitParams = { data: Float32Array; shape: readonly number[] }[];

/** A ready-to-time update step: `step()` runs one update and returns the loss before it. */
export interface PeerStep {
  step(): number;
  dispose(): void;
}

let wasmPathsSet = false;

/** Selects a tfjs backend; for `wasm`, points it at the package's own `.wasm` files. */
export async function useBackend(name: PeerBackend): Promise<void> {
  if (name === "wasm" && !wasmPathsSet) {
    const dir = new URL("./", import.meta.resolve("npm:@tensorflow/tfjs-backend-wasm@4.22.0"));
    setWasmPaths(dir.href);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend "${name}" failed to initialize`);
  await tf.ready();
}

/** Whether the active wasm backend uses SIMD and threads (false on the cpu backend). */
export async function wasmFeatures(): Promise<{ simd: boolean; threads: boolean }> {
  return {
    simd: Boolean(await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")),
    threads: Boolean(await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT")),
  };
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Builds the step on the active backend:
 *
 * ```text
 * h = relu(relu(s·W₀ + b₀)·W₁ + b₁);  μ = h·W_μ + b_μ;  v = clamp(h·W_v + b_v, −20, 4)
 * log π = −½ Σ_d [ (a − μ)²·e^{−v} + v + log 2π ]
 * L = −mean(exp(log π − log π_old)·Â);  backward;  Adam(lr, β₁ 0.9, β₂ 0.999, ε 1e-8)
 * ```
 */
export function makePeerStep(data: StepData, init: InitParams, opts: { lr: number }): PeerStep {
  const { batch: B, obsSize: S, actSize: D } = data;
  const vars = init.map((p, i) =>
    tf.variable(tf.tensor(p.data, p.shape as number[]), true, `p${i}`)
  );
  const [w0, b0, w1, b1, wm, bm, wv, bv] = vars;
  const obs = tf.tensor2d(data.obs, [B, S]);
  const act = tf.tensor2d(data.actions, [B, D]);
  const lpOld = tf.tensor1d(data.logProbOld);
  const adv = tf.tensor1d(data.advantages);
  const optimizer = tf.train.adam(opts.lr, 0.9, 0.999, 1e-8);
  const loss = (): tf.Scalar => {
    const h1 = tf.relu(tf.add(tf.matMul(obs, w0), b0));
    const h2 = tf.relu(tf.add(tf.matMul(h1, w1), b1));
    const mu = tf.add(tf.matMul(h2, wm), bm);
    const v = tf.clipByValue(tf.add(tf.matMul(h2, wv), bv), -20, 4);
    const quad = tf.mul(tf.square(tf.sub(act, mu)), tf.exp(tf.neg(v))); // (a − μ)²·e^{−v}
    const logp = tf.mul(tf.sum(tf.add(tf.add(quad, v), LOG_2PI), -1), -0.5);
    const ratio = tf.exp(tf.sub(logp, lpOld));
    return tf.neg(tf.mean(tf.mul(ratio, adv)));
  };
  return {
    step() {
      const cost = optimizer.minimize(loss, true, vars)!;
      const value = cost.dataSync()[0];
      cost.dispose();
      return value;
    },
    dispose() {
      optimizer.dispose();
      tf.dispose([...vars, obs, act, lpOld, adv]);
    },
  };
}
