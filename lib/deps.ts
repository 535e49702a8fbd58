/**
 * The only file that names npm packages. Every specifier is pinned to one exact version so that a
 * consumer importing `mod.ts` by URL resolves the same code we test, without our deno.json.
 *
 * @module
 */
// @ts-types="npm:@types/ndarray@1.0.14"
import ndarray from "npm:ndarray@1.0.19";
// @ts-types="npm:@types/ndarray-ops@1.2.7"
import ops from "npm:ndarray-ops@1.2.2";

export { ndarray, ops };
export type { NdArray } from "npm:@types/ndarray@1.0.14";
/** The MuJoCo WebAssembly bindings, imported lazily so that only HalfCheetah users fetch them. */
// deno-lint-ignore no-import-prefix -- deps.ts is where pinned npm: specifiers live
export const importMujoco = () => import("npm:@mujoco/mujoco@3.14.0");
