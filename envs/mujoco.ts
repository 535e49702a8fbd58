/**
 * Lazy, once-per-process loading of the official MuJoCo WebAssembly build (`@mujoco/mujoco`,
 * pinned in lib/deps.ts). Importing this file loads nothing; the first {@link loadMujoco} call
 * imports the package and instantiates the ~10 MB wasm module (≈ 0.2 s), later calls share it.
 *
 * Findings about the package (3.14.0) under Deno, recorded here so nobody re-derives them:
 * - It is an ES-module Emscripten build (MODULARIZE): the default export is an async factory
 *   `loadMujoco(moduleArg?) → Promise<MainModule>`. `mujoco.wasm` sits beside `mujoco.js`; the
 *   root entry is single-threaded, `/mt` needs SharedArrayBuffer workers (not used here).
 * - Deno sets the `process` global, so the glue takes its Node path: it finds the wasm file with
 *   `fileURLToPath(import.meta.url)` of its own module (the npm cache) and reads it with `fs`.
 *   No `locateFile`, no deno.json and no bundler are needed, so a consumer importing our `mod.ts`
 *   by URL gets the same behaviour (it needs `--allow-read` for the npm cache, as every npm
 *   package with assets does).
 * - `MjModel.from_xml_string(xml)` compiles a model without touching the virtual FS.
 *   `new MjData(model)` allocates the arena (≈ 13.6 MB of wasm heap for HalfCheetah, but
 *   creating and deleting one takes ≈ 0.06 ms).
 * - `mj_step`, `mj_forward`, `mj_resetData(model, data)` are plain calls. `mj_stateSize(m, sig)`,
 *   `mj_getState(m, d, out, sig)` and `mj_setState(m, d, state, sig)` exist; `getState` writes
 *   only into a `DoubleBuffer` (a Float64Array argument is copied in and the result is lost),
 *   while `setState` accepts a Float64Array. `mjtState.mjSTATE_INTEGRATION.value` is the full
 *   signature (time, qpos, qvel, act, history, warmstart, ctrl, applied forces, …).
 * - `data.qpos`, `data.qvel`, `data.ctrl`, `model.qpos0`, … are live Float64Array views into
 *   wasm memory: writes go straight to MuJoCo, and `mj_step` updates them in place. Every
 *   getter call builds a new view (≈ 0.2 µs), so hot loops cache them. Any wasm allocation that
 *   grows the heap (another MjData, a DoubleBuffer) detaches every cached view: it then has
 *   length 0 and reads `undefined`. Re-read a view when its length is 0.
 * - `data.time` is a plain number property (readable and writable).
 * - Nothing is garbage-collected: MjModel, MjData, DoubleBuffer and struct handles such as
 *   `model.opt` must be `.delete()`d once. Using a handle after `.delete()` throws a
 *   BindingError. Freed arenas are reused, so create/close cycles do not grow the heap.
 *
 * Reference: https://github.com/google-deepmind/mujoco/tree/main/wasm (README of the package).
 *
 * @module
 */
import { importMujoco } from "../lib/deps.ts";

/** The instantiated MuJoCo wasm module (`MainModule` in the package's typings). */
export type Mujoco = Awaited<ReturnType<Awaited<ReturnType<typeof importMujoco>>["default"]>>;
/** A compiled model (`mjModel`); must be `.delete()`d by its owner. */
export type MjModel = ReturnType<Mujoco["MjModel"]["from_xml_string"]>;
/** Simulation data (`mjData`) for one model; must be `.delete()`d by its owner. */
export type MjData = InstanceType<Mujoco["MjData"]>;

let loading: Promise<Mujoco> | undefined;

/**
 * The process-wide MuJoCo module, instantiated on the first call and shared afterwards. A failed
 * load is not cached, so a later call retries.
 *
 * @example
 * ```ts
 * import { loadMujoco } from "./mujoco.ts";
 * import { strictEqual } from "node:assert/strict";
 * const mj = await loadMujoco();
 * strictEqual(await loadMujoco(), mj); // one instance per process
 * const model = mj.MjModel.from_xml_string(
 *   `<mujoco><worldbody><body><joint type="slide"/><geom size="0.1"/></body></worldbody></mujoco>`,
 * );
 * strictEqual(model.nq, 1);
 * model.delete();
 * ```
 */
export function loadMujoco(): Promise<Mujoco> {
  loading ??= importMujoco().then((pkg) => pkg.default()).catch((err) => {
    loading = undefined;
    throw new Error(`loadMujoco: could not instantiate @mujoco/mujoco: ${err}`, { cause: err });
  });
  return loading;
}
