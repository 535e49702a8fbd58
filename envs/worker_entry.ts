/**
 * The entry each Web Worker of {@link WorkerVectorEnv} (worker_pool.ts) runs: builds a contiguous shard
 * of members (global indices offset … offset + count − 1) with `makeEnv` and serves commands.
 *
 * Protocol: `init` (postMessage) → `ready` with the spaces; then `attach` (shared buffers; the
 * worker then blocks in an Atomics loop serving the commands of `Cmd`, until CLOSE).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { makeEnv, type MakeEnvOptions } from "./registry.ts";
import type { Env } from "./types.ts";
import { Rng, type RngState } from "../lib/rng.ts";
import { type VectorBuffers, VectorEnv } from "../lib/vector_env.ts";
import { Cmd, CTRL, type SharedLayout, sharedViews } from "./worker_pool.ts";

let envs: Env[] = [];
let rngs: Rng[] | undefined;
let shard: VectorEnv | undefined;
let offset = 0;
let count = 0;
let stateSize = 0;
let autoreset = true;

interface InitMsg {
  type: "init";
  id: string;
  options: MakeEnvOptions;
  offset: number;
  count: number;
  autoreset: boolean;
  /** This shard's members' reset generator seeds (absent: makeEnv's default generators). */
  rngSeeds?: number[];
}

self.onmessage = async (e: MessageEvent) => {
  const m = e.data;
  try {
    if (m.type === "init") await init(m as InitMsg);
    else if (m.type === "attach") serve(m.layout as SharedLayout, m.worker as number);
  } catch (err) {
    self.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};

async function init(m: InitMsg): Promise<void> {
  offset = m.offset;
  count = m.count;
  envs = [];
  rngs = m.rngSeeds?.map((seed) => new Rng(seed));
  for (let i = 0; i < count; i++) {
    envs.push(await makeEnv(m.id, rngs ? { ...m.options, rng: rngs[i] } : m.options));
  }
  stateSize = envs[0].getState().length;
  autoreset = m.autoreset;
  const { observationSpace, actionSpace } = envs[0];
  self.postMessage({ type: "ready", observationSpace, actionSpace, stateSize });
}

/** Blocks forever serving Atomics commands (until CLOSE). */
function serve(layout: SharedLayout, w: number): void {
  const v = sharedViews(layout);
  const s = layout.obsSize;
  const d = layout.actionSize;
  const slice = <T extends { subarray(a: number, b: number): T }>(a: T, k: number): T =>
    a.subarray(offset * k, (offset + count) * k);
  const buffers: VectorBuffers = {
    obs: slice(v.obs, s),
    rewards: slice(v.rewards, 1),
    terminated: slice(v.terminated, 1),
    truncated: slice(v.truncated, 1),
    hasFinal: slice(v.hasFinal, 1),
    finalObs: slice(v.finalObs, s),
    episodeReturn: slice(v.episodeReturn, 1),
    episodeLength: slice(v.episodeLength, 1),
    stepped: slice(v.stepped, 1),
  };
  shard = new VectorEnv(envs, { autoreset, buffers, rngs });
  const sh = shard;
  const actions = slice(v.actions, d);
  const ctrl = v.ctrl;
  const base = w * CTRL.stride;
  const ss = layout.stateSize;
  let seen = Atomics.load(ctrl, base + CTRL.seq); // read before "attached": no command can precede it
  self.postMessage({ type: "attached" });
  for (;;) {
    for (let k = 0; k < layout.spinIters && Atomics.load(ctrl, base + CTRL.seq) === seen; k++);
    // Wait for a new seq, not for a notify: a late notify for the command just finished (its poster
    // descheduled between `seq += 1` and the notify) must not run it twice.
    while (Atomics.load(ctrl, base + CTRL.seq) === seen) Atomics.wait(ctrl, base + CTRL.seq, seen);
    seen = Atomics.load(ctrl, base + CTRL.seq);
    const cmd = ctrl[base + CTRL.cmd];
    let status = 0;
    try {
      const args = cmd === Cmd.step ? { groupSize: 1 } : readArgs(v.args, v.argsLen[0]);
      if (cmd === Cmd.step) sh.step(actions);
      else if (cmd === Cmd.reset) {
        sh.reset({
          seed: args.seed === undefined ? undefined : (args.seed + offset) >>> 0,
          options: args.options,
        });
      } else if (cmd === Cmd.groupLeaders) {
        sh.resetGroupLeaders(
          args.groupSize,
          { seed: args.seed, options: args.options, offset },
          (g, st) => v.states.set(st, g * ss),
        );
      } else if (cmd === Cmd.groupFollowers) {
        sh.resetGroupFollowers(
          args.groupSize,
          { offset, obs: v.obs },
          (g) => v.states.slice(g * ss, (g + 1) * ss),
        );
      } else if (cmd === Cmd.read || cmd === Cmd.write) {
        const mine = (args.members ?? []).filter((g) => g >= offset && g < offset + count);
        const local = mine.map((g) => g - offset), all = Array.from({ length: count }, (_, i) => i);
        const state = (g: number) => v.states.subarray(g * ss, (g + 1) * ss);
        const rng = (i: number) => v.rngs.subarray(4 * (offset + i), 4 * (offset + i) + 4);
        if (cmd === Cmd.read) { // the listed members' states (a snapshot: and generators, episodes)
          sh.getStates(local).forEach((st, k) => state(mine[k]).set(st));
          const snap = args.snapshot ? sh.snapshot() : undefined;
          if (snap) {
            all.forEach((i) => {
              if (snap.rngs) rng(i).set(snap.rngs[i]);
              v.episodes.set([snap.returns[i], snap.lengths[i]], 2 * (offset + i));
            });
          }
        } else {
          sh.setStates(local, mine.map(state));
          sh.restore({
            rngs: args.rngs ? all.map((i) => Array.from(rng(i)) as RngState) : undefined,
            returns: args.returns ? all.map((i) => v.episodes[2 * (offset + i)]) : undefined,
            lengths: args.lengths ? all.map((i) => v.episodes[2 * (offset + i) + 1]) : undefined,
          });
        }
      } else if (cmd === Cmd.close) sh.close();
    } catch (err) {
      const bytes = new TextEncoder().encode(err instanceof Error ? err.message : String(err));
      const n = Math.min(bytes.length, layout.errorBytes);
      v.errors.set(bytes.subarray(0, n), w * layout.errorBytes);
      status = n + 1;
    }
    ctrl[base + CTRL.status] = status;
    Atomics.store(ctrl, base + CTRL.done, seen);
    Atomics.notify(ctrl, base + CTRL.done);
    if (cmd === Cmd.close) {
      self.close();
      return;
    }
  }
}

function readArgs(
  bytes: Uint8Array,
  len: number,
): {
  seed?: number;
  options?: Record<string, number>;
  groupSize: number;
  members?: number[];
  snapshot?: boolean;
  rngs?: boolean;
  returns?: boolean;
  lengths?: boolean;
} {
  if (len === 0) return { groupSize: 1 };
  const copy = new Uint8Array(len);
  copy.set(bytes.subarray(0, len));
  return JSON.parse(new TextDecoder().decode(copy));
}
