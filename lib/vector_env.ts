/**
 * VectorEnv: N copies of an env stepped in lockstep, batched into row-major typed arrays.
 *
 * **Autoreset rule ("same-step").** When member i's episode ends at step t (terminated or
 * truncated), `step` resets it immediately: row i of `obs` is the first observation of the new
 * episode, the true last observation s_T is in row i of `finalObs`, `hasFinal[i]` = 1, and
 * `episodeReturn[i]`, `episodeLength[i]` hold the finished episode's Σ r and length. `rewards[i]`,
 * `terminated[i]`, `truncated[i]` belong to the step that ended the old episode. PPO bootstraps a
 * truncated episode from V(finalObs[i]). Autoresets draw from each member's own generator.
 *
 * With `autoreset: false` a finished member stops: its obs row keeps s_T (also in `finalObs`), and
 * later calls skip it (`stepped[i]` = 0, reward 0, flags 0, its action ignored) until the next
 * `reset` or `resetGroups`.
 *
 * **Seeding.** `reset({ seed })` reseeds member i with (seed + i) mod 2³². The first reset without a seed
 * uses seed 0; later unseeded resets continue each member's stream.
 *
 * **Buffers.** Every returned array is owned by the VectorEnv and overwritten by the next `reset`,
 * `resetGroups` or `step`: copy what you keep.
 *
 * Reference: Gymnasium `gymnasium.vector.SyncVectorEnv` (AutoresetMode.SAME_STEP, final_obs).
 *
 * @module
 */
import { type Box, type Env, flatSize, type Info, type Space } from "./env.ts";
import type { Rng, RngState } from "./rng.ts";

/** The batched outputs; N envs, S = obs size. Views valid until the next call. */
export interface VectorBuffers {
  /** [N, S] current observations (after any autoreset). */
  obs: Float32Array;
  /** [N] rewards of this step. */
  rewards: Float64Array;
  /** [N] 1 where the episode terminated this step. */
  terminated: Uint8Array;
  /** [N] 1 where the episode was truncated this step. */
  truncated: Uint8Array;
  /** [N] 1 where an episode ended this step: `finalObs`, `episodeReturn`, `episodeLength` valid. */
  hasFinal: Uint8Array;
  /** [N, S] the true last observation s_T of episodes that ended this step. */
  finalObs: Float32Array;
  /** [N] Σ r of the episode that ended this step. */
  episodeReturn: Float64Array;
  /** [N] length of the episode that ended this step. */
  episodeLength: Uint32Array;
  /** [N] 1 where the member stepped this call (0 only for stopped members when autoreset is off). */
  stepped: Uint8Array;
}

/** What {@link VectorEnvLike.step} returns: the shared {@link VectorBuffers}. */
export type VectorStepResult = VectorBuffers;

/** Options for {@link VectorEnvLike.reset} and {@link VectorEnvLike.resetGroups}. */
export interface VectorResetOptions {
  /** Member i is reseeded with seed + i. */
  seed?: number;
  /** Env-specific reset options, also used by later autoresets. */
  options?: Record<string, number>;
}

/**
 * Every member's exact state, for a checkpoint: its simulator state (`Env.getState`), its reset
 * generator (when the members were built with their own) and its running episode's Σ r and length.
 */
export interface VectorSnapshot {
  states: Float64Array[];
  rngs?: RngState[];
  returns: number[];
  lengths: number[];
}

/** The interface shared by the in-process {@link VectorEnv} and the worker-backed one. */
export interface VectorEnvLike {
  readonly id: string;
  /** N. */
  readonly numEnvs: number;
  /** The single env's spaces. */
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  readonly autoreset: boolean;
  /** The output buffers every call returns (overwritten by the next call). */
  readonly buffers: VectorBuffers;
  /** Length of one member's `Env.getState()`. */
  readonly stateSize: number;
  /** [N] each member's `info` from its last step; in-process only (workers do not send them). */
  readonly infos?: readonly Info[];
  /** Resets all members; returns `{ obs }` with obs [N, S]. */
  reset(opts?: VectorResetOptions): { obs: Float32Array };
  /**
   * Group reset: N must be divisible by G. Each of the N/G groups (members gG … gG+G−1) starts
   * from one state: the group's first member is reset from its generator (reseeded with seed + i
   * when `seed` is given, as every member is), then its `getState()` is `setState()` into the
   * other G − 1 members, whose obs rows copy the leader's.
   */
  resetGroups(groupSize: number, opts?: VectorResetOptions): { obs: Float32Array };
  /** Steps every member with `actions` [N, D] (row-major); see the module doc for autoreset. */
  step(actions: Float32Array): VectorStepResult;
  /** The listed members' simulator states (copies), in one call. */
  getStates(members: readonly number[]): Float64Array[];
  /**
   * Sets the listed members' simulator states (`Env.setState`): the continuation is then that of
   * the state's. Their obs rows in `buffers` are left as they are.
   */
  setStates(members: readonly number[], states: readonly Float64Array[]): void;
  /** Every member's {@link VectorSnapshot}. */
  snapshot(): VectorSnapshot;
  /** Restores the parts of a {@link VectorSnapshot} given (after a reset, which zeroes the episodes). */
  restore(snapshot: Partial<VectorSnapshot>): void;
  close(): void;
}

/** Allocates {@link VectorBuffers} for N envs with obs size S. */
export function allocVectorBuffers(n: number, s: number): VectorBuffers {
  return {
    obs: new Float32Array(n * s),
    rewards: new Float64Array(n),
    terminated: new Uint8Array(n),
    truncated: new Uint8Array(n),
    hasFinal: new Uint8Array(n),
    finalObs: new Float32Array(n * s),
    episodeReturn: new Float64Array(n),
    episodeLength: new Uint32Array(n),
    stepped: new Uint8Array(n),
  };
}

/** Options for {@link VectorEnv}. */
export interface VectorEnvOptions {
  /** Same-step autoreset (default true); false stops finished members until the next reset. */
  autoreset?: boolean;
  /** Output buffers to write into (default: freshly allocated); used by worker shards. */
  buffers?: VectorBuffers;
  /** Member i's reset generator (the one its env draws from), for {@link VectorEnv.snapshot}. */
  rngs?: Rng[];
}

/** Throws unless `actions` is [N, D] and finite for every member still running. */
export function checkActions(
  who: string,
  actions: Float32Array,
  shape: { n: number; d: number; running?: Uint8Array },
): void {
  const { n, d, running } = shape;
  if (actions.length !== n * d) {
    throw new Error(
      `${who}.step: actions have length ${actions.length}, expected N·D = ${n}·${d} = ${n * d}`,
    );
  }
  for (let k = 0; k < actions.length; k++) {
    if (!Number.isFinite(actions[k]) && (running === undefined || running[Math.floor(k / d)])) {
      throw new Error(
        `${who}.step: actions[${k}] (env ${Math.floor(k / d)}, dim ${k % d}) is ${
          actions[k]
        }; actions must be finite`,
      );
    }
  }
}

/**
 * N envs stepped in lockstep in this thread (see the module doc for autoreset, seeding, buffers).
 *
 * @example
 * ```ts
 * import { Pendulum } from "../envs/pendulum.ts";
 * import { VectorEnv } from "./vector_env.ts";
 * import { strictEqual } from "node:assert/strict";
 * const venv = new VectorEnv([new Pendulum(), new Pendulum(), new Pendulum(), new Pendulum()]);
 * const { obs } = venv.resetGroups(2, { seed: 3 });
 * strictEqual(obs[0 * 3 + 2], obs[1 * 3 + 2]); // members 0 and 1 share a start state
 * const r = venv.step(new Float32Array(4).fill(1));
 * strictEqual(r.rewards.length, 4);
 * ```
 */
export class VectorEnv implements VectorEnvLike {
  readonly id: string;
  readonly numEnvs: number;
  readonly observationSpace: Box;
  readonly actionSpace: Space;
  readonly autoreset: boolean;
  readonly envs: Env[];
  readonly buffers: VectorBuffers;
  readonly stateSize: number;
  /** [N] each member's `info` from its last step (stopped members keep theirs). */
  readonly infos: Info[];
  #rngs: Rng[] | undefined;
  #s: number;
  #d: number;
  #running: Uint8Array;
  #ret: Float64Array;
  #len: Uint32Array;
  #act: Float32Array;
  #resetOptions: Record<string, number> | undefined;
  #everReset = false;
  #closed = false;

  /** @param envs the N members, all of one id; `options` see {@link VectorEnvOptions}. */
  constructor(envs: Env[], options: VectorEnvOptions = {}) {
    if (envs.length === 0) throw new Error("VectorEnv: got 0 envs, expected at least 1");
    const ids = new Set(envs.map((e) => e.id));
    if (ids.size !== 1) {
      throw new Error(`VectorEnv: envs have ids ${[...ids].join(", ")}, expected one id`);
    }
    this.envs = envs;
    this.id = envs[0].id;
    this.numEnvs = envs.length;
    this.observationSpace = envs[0].observationSpace;
    this.actionSpace = envs[0].actionSpace;
    this.autoreset = options.autoreset ?? true;
    this.#s = this.observationSpace.low.length;
    this.#d = flatSize(this.actionSpace);
    const n = envs.length;
    this.buffers = options.buffers ?? allocVectorBuffers(n, this.#s);
    if (this.buffers.obs.length !== n * this.#s || this.buffers.rewards.length !== n) {
      throw new Error(
        `VectorEnv: buffers hold obs ${this.buffers.obs.length} and rewards ${this.buffers.rewards.length}, expected ${
          n * this.#s
        } and ${n}`,
      );
    }
    if (options.rngs && options.rngs.length !== n) {
      throw new Error(
        `VectorEnv: got ${options.rngs.length} rngs for ${n} envs, expected one each`,
      );
    }
    this.#rngs = options.rngs;
    this.stateSize = envs[0].getState().length;
    this.infos = Array.from({ length: n }, () => ({}));
    this.#running = new Uint8Array(n);
    this.#ret = new Float64Array(n);
    this.#len = new Uint32Array(n);
    this.#act = new Float32Array(this.#d);
  }

  /** Resets every member (member i reseeded with seed + i when given). */
  reset(opts: VectorResetOptions = {}): { obs: Float32Array } {
    this.#check("reset");
    const seed = this.#seedFor(opts.seed);
    this.#resetOptions = opts.options;
    for (let i = 0; i < this.numEnvs; i++) {
      const r = this.envs[i].reset({
        seed: seed === undefined ? undefined : (seed + i) >>> 0, // mod 2³²
        options: opts.options,
      });
      this.buffers.obs.set(r.obs, i * this.#s);
    }
    this.#startEpisodes();
    return { obs: this.buffers.obs };
  }

  /** See {@link VectorEnvLike.resetGroups}. */
  resetGroups(groupSize: number, opts: VectorResetOptions = {}): { obs: Float32Array } {
    this.#check("resetGroups");
    checkGroups("VectorEnv", this.numEnvs, groupSize);
    const seed = this.#seedFor(opts.seed);
    const states = new Map<number, Float64Array>();
    this.resetGroupLeaders(
      groupSize,
      { seed, options: opts.options, offset: 0 },
      (g, s) => states.set(g, s),
    );
    this.resetGroupFollowers(
      groupSize,
      { offset: 0, obs: this.buffers.obs },
      (g) => states.get(g)!,
    );
    return { obs: this.buffers.obs };
  }

  /**
   * Phase 1 of a group reset (exported for worker shards whose member i has global index
   * offset + i): reseeds members when `seed` is given, resets group leaders, writes their obs rows
   * and hands their states to `putState(group, state)`.
   */
  resetGroupLeaders(
    groupSize: number,
    opts: VectorResetOptions & { offset: number },
    putState: (group: number, state: Float64Array) => void,
  ): void {
    const { seed, options, offset } = opts;
    this.#resetOptions = options;
    for (let i = 0; i < this.numEnvs; i++) {
      const gi = offset + i;
      const leader = gi % groupSize === 0;
      if (!leader && seed === undefined) continue;
      const r = this.envs[i].reset({
        seed: seed === undefined ? undefined : (seed + gi) >>> 0,
        options,
      });
      if (!leader) continue;
      this.buffers.obs.set(r.obs, i * this.#s);
      putState(gi / groupSize, this.envs[i].getState());
    }
  }

  /**
   * Phase 2 of a group reset: sets each follower's state to its leader's (`getState(group)`) and
   * copies the leader's obs row from `opts.obs`, the global [N_total, S] obs buffer.
   */
  resetGroupFollowers(
    groupSize: number,
    opts: { offset: number; obs: Float32Array },
    getState: (group: number) => Float64Array,
  ): void {
    const s = this.#s;
    for (let i = 0; i < this.numEnvs; i++) {
      const gi = opts.offset + i;
      if (gi % groupSize === 0) continue;
      const leader = gi - (gi % groupSize);
      this.envs[i].setState(getState(leader / groupSize));
      this.buffers.obs.set(opts.obs.subarray(leader * s, leader * s + s), i * s);
    }
    this.#startEpisodes();
  }

  /** Steps all running members with `actions` [N, D]; returns the shared buffers. */
  step(actions: Float32Array): VectorStepResult {
    this.#check("step");
    if (!this.#everReset) throw new Error("VectorEnv.step: called before reset() or resetGroups()");
    const { numEnvs: n } = this;
    const s = this.#s, d = this.#d, b = this.buffers, act = this.#act;
    checkActions("VectorEnv", actions, { n, d, running: this.#running });
    for (let i = 0; i < n; i++) {
      if (!this.#running[i]) {
        b.stepped[i] =
          b.terminated[i] =
          b.truncated[i] =
          b.hasFinal[i] =
            0;
        b.rewards[i] = 0;
        continue;
      }
      for (let k = 0; k < d; k++) act[k] = actions[i * d + k];
      const env = this.envs[i];
      const r = env.step(act);
      this.infos[i] = r.info;
      b.stepped[i] = 1;
      b.rewards[i] = r.reward;
      b.terminated[i] = r.terminated ? 1 : 0;
      b.truncated[i] = r.truncated ? 1 : 0;
      this.#ret[i] += r.reward;
      this.#len[i]++;
      if (r.terminated || r.truncated) {
        b.hasFinal[i] = 1;
        b.finalObs.set(r.obs, i * s);
        b.episodeReturn[i] = this.#ret[i];
        b.episodeLength[i] = this.#len[i];
        this.#ret[i] = 0;
        this.#len[i] = 0;
        if (this.autoreset) b.obs.set(env.reset({ options: this.#resetOptions }).obs, i * s);
        else {
          b.obs.set(r.obs, i * s);
          this.#running[i] = 0;
        }
      } else {
        b.hasFinal[i] = 0;
        b.obs.set(r.obs, i * s);
      }
    }
    return b;
  }

  /** Closes every member. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const e of this.envs) e.close();
  }

  /** See {@link VectorEnvLike.getStates}. */
  getStates(members: readonly number[]): Float64Array[] {
    this.#check("getStates");
    checkMembers("VectorEnv.getStates", this.numEnvs, members);
    return members.map((i) => this.envs[i].getState());
  }

  /** See {@link VectorEnvLike.setStates}. */
  setStates(members: readonly number[], states: readonly Float64Array[]): void {
    this.#check("setStates");
    checkMembers("VectorEnv.setStates", this.numEnvs, members, states);
    members.forEach((i, k) => this.envs[i].setState(states[k]));
  }

  /** See {@link VectorEnvLike.snapshot}. */
  snapshot(): VectorSnapshot {
    this.#check("snapshot");
    return {
      states: this.envs.map((e) => e.getState()),
      rngs: this.#rngs?.map((r) => r.state()),
      returns: Array.from(this.#ret),
      lengths: Array.from(this.#len),
    };
  }

  /** See {@link VectorEnvLike.restore}. */
  restore(snap: Partial<VectorSnapshot>): void {
    this.#check("restore");
    checkSnapshot("VectorEnv", this.numEnvs, snap, this.#rngs !== undefined);
    snap.states?.forEach((s, i) => this.envs[i].setState(s));
    snap.rngs?.forEach((r, i) => this.#rngs![i].setState(r));
    if (snap.returns) this.#ret.set(snap.returns);
    if (snap.lengths) this.#len.set(snap.lengths);
  }

  #seedFor(seed: number | undefined): number | undefined {
    if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) {
      throw new Error(`VectorEnv.reset: seed is ${seed}, expected an integer in [0, 4294967295]`);
    }
    return seed ?? (this.#everReset ? undefined : 0);
  }

  #startEpisodes(): void {
    const b = this.buffers;
    this.#everReset = true;
    this.#running.fill(1);
    this.#ret.fill(0);
    this.#len.fill(0);
    for (
      const a of [
        b.rewards,
        b.terminated,
        b.truncated,
        b.hasFinal,
        b.episodeReturn,
        b.episodeLength,
      ]
    ) a.fill(0);
    b.stepped.fill(0);
  }

  #check(what: string): void {
    if (this.#closed) throw new Error(`VectorEnv.${what}: the vector env is closed`);
  }
}

/** Throws unless every member is an index in [0, N) and, when given, there is one state each. */
export function checkMembers(
  who: string,
  n: number,
  members: readonly number[],
  states?: readonly Float64Array[],
): void {
  const bad = members.find((i) => !(Number.isInteger(i) && i >= 0 && i < n));
  if (bad !== undefined) throw new Error(`${who}: member ${bad}, expected an integer in [0, ${n})`);
  if (states && states.length !== members.length) {
    throw new Error(
      `${who}: ${states.length} states for ${members.length} members, expected one each`,
    );
  }
}

/**
 * Throws unless each part of `snap` given holds one entry per member (and `rngs` only where the
 * members have generators); returns which parts are given.
 */
export function checkSnapshot(
  who: string,
  n: number,
  snap: Partial<VectorSnapshot>,
  hasRngs: boolean,
): Record<"states" | "rngs" | "returns" | "lengths", boolean> {
  const keys = ["states", "rngs", "returns", "lengths"] as const;
  const bad = keys.find((k) => snap[k] && snap[k].length !== n);
  if (bad) {
    throw new Error(`${who}.restore: ${bad} has ${snap[bad]!.length} entries, expected ${n}`);
  }
  if (snap.rngs && !hasRngs) {
    throw new Error(`${who}.restore: rngs given, but the members have none (no rngs / rngSeeds)`);
  }
  return Object.fromEntries(keys.map((k) => [k, snap[k] !== undefined])) as Record<
    typeof keys[number],
    boolean
  >;
}

/** Throws unless G is a positive integer dividing N. */
export function checkGroups(who: string, n: number, groupSize: number): void {
  if (!(Number.isInteger(groupSize) && groupSize > 0) || n % groupSize !== 0) {
    throw new Error(
      `${who}.resetGroups: ${n} envs do not split into groups of ${groupSize}; N must be a multiple of G (N % G = ${
        n % groupSize
      })`,
    );
  }
}
