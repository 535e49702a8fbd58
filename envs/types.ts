/**
 * The environment contract, defined in lib/env.ts (below both the learners and the envs) and
 * re-exported here, beside the envs that implement it.
 *
 * @module
 */
export * from "../lib/env.ts";
