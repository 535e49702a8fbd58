/**
 * Rollout collection: batched policy forward passes (no tape) over a vector env.
 *
 * - {@link collectGroups} (GRPO): N/G groups of G members; every member of a group starts from
 *   one cloned state (a fresh reset, or a state visited earlier: TRPO's "vine" branching), then
 *   all run up to `horizon` steps; a member stops at its episode's end.
 * - {@link collectSteps} (PPO): T steps of N autoresetting envs, with the values GAE needs.
 *
 * Arrays are time-major: [T, N] (and [T, N, S] / [T, N, D] for obs and actions).
 * Actions are stored as sampled (unclipped); the env is stepped with them clipped to its box (a
 * Discrete env receives the sampled indices).
 *
 * Reference: Shao et al., DeepSeekMath (arXiv 2402.03300) §4.1 (groups of G outputs per prompt);
 * Schulman et al., TRPO (arXiv 1502.05477) §5.2 (the vine: rollouts branched from visited states);
 * CleanRL `ppo_continuous_action.py` for the PPO storage layout.
 *
 * @module
 */
import { clipToSpace, type Info } from "./env.ts";
import type { VectorEnvLike, VectorStepResult } from "./vector_env.ts";
import type { ComposedReward, Trajectory } from "./rewards.ts";
import type { GaussianMlpPolicy, ValueMlp } from "./policy.ts";
import type { Rng } from "./rng.ts";
import { noGrad, Tensor } from "./tensor.ts";

/** Maps raw observations [B·S] to the policy's input (e.g. running normalization); identity by default. */
export type ObsTransform = (obs: Float32Array, update: boolean) => Float32Array;

/** Finished-episode statistics gathered during a rollout. */
export interface EpisodeStats {
  returns: number[];
  lengths: number[];
}

/** What {@link collectGroups} returns. */
export interface GroupRollout {
  T: number;
  N: number;
  /** Policy inputs, [T, N, S]. */
  obs: Float32Array;
  /** Raw observations before the transform, [T, N, S] (π_ref normalizes them with its own statistics). */
  raw: Float32Array;
  /** Sampled actions, [T, N, D]. */
  actions: Float32Array;
  /** log π_old(a|s), [T, N]. */
  logProbs: Float32Array;
  /** Env rewards, [T, N]. */
  rewards: Float64Array;
  /** 1 while the member was running at t, [T, N]. */
  running: Uint8Array;
  /** Finished episodes of groups that started from a fresh reset. */
  episodes: EpisodeStats;
  /** The states of the requested `record` slots, in step order. */
  visited: StartState[];
  /** `rewards/<name>/mean` of the composed reward's terms, when one was given. */
  rewardTerms: Record<string, number>;
}

/** What a rollout needs of a policy: `GaussianMlpPolicy` and `CategoricalMlpPolicy` fit. */
export type Actor = Pick<GaussianMlpPolicy, "obsSize" | "actSize" | "act">;

/**
 * Scores steps with a composed reward in place of the env's, keeping per-term sums for logging.
 * Outcome judges see each member's trajectory and pay at its last step.
 */
class Scorer {
  readonly #reward: ComposedReward;
  readonly #prev: Float32Array;
  readonly #values: Float64Array;
  readonly #sums: Float64Array;
  readonly #counts: Float64Array;
  readonly #traj: Trajectory[];
  readonly #S: number;
  readonly #D: number;

  constructor(reward: ComposedReward, N: number, S: number, D: number) {
    this.#reward = reward;
    this.#prev = new Float32Array(N * S);
    this.#values = new Float64Array(reward.names.length).fill(NaN);
    this.#sums = new Float64Array(reward.names.length);
    this.#counts = new Float64Array(reward.names.length);
    this.#traj = Array.from({ length: N }, () => ({ obs: [], actions: [], infos: [] }));
    this.#S = S;
    this.#D = D;
  }

  /** Keeps s_t (the raw obs before the step). */
  begin(raw: Float32Array): void {
    this.#prev.set(raw);
  }

  /** r_t of member i, and the outcome score too when `last`. */
  step(i: number, applied: Float32Array, r: VectorStepResult, info: Info, last: boolean): number {
    const S = this.#S, D = this.#D;
    const s = this.#prev.subarray(i * S, (i + 1) * S), a = applied.subarray(i * D, (i + 1) * D);
    const next = (r.hasFinal[i] ? r.finalObs : r.obs).subarray(i * S, (i + 1) * S);
    let total = this.#reward.step(s, a, next, info, this.#values);
    this.#record();
    if (this.#reward.hasOutcome) {
      const tr = this.#traj[i];
      if (!tr.obs.length) tr.obs.push(s.slice());
      tr.obs.push(next.slice()), tr.actions.push(a.slice()), tr.infos.push(info);
      if (last) {
        total += this.#reward.outcome(tr, this.#values);
        this.#record();
        this.#traj[i] = { obs: [], actions: [], infos: [] };
      }
    }
    return total;
  }

  /** Adds the term values just written (the others stay NaN) to the sums. */
  #record(): void {
    for (let k = 0; k < this.#values.length; k++) {
      if (Number.isNaN(this.#values[k])) continue;
      this.#sums[k] += this.#values[k];
      this.#counts[k]++;
      this.#values[k] = NaN;
    }
  }

  /** `rewards/<name>/mean`: per step for step terms, per trajectory for judges. */
  means(): Record<string, number> {
    return Object.fromEntries(
      this.#reward.names.map((n, k) => [`rewards/${n}/mean`, this.#sums[k] / this.#counts[k]]),
    );
  }
}

/** A start state to clone into every member of a group: the simulator state and its raw obs. */
export interface StartState {
  state: Float64Array;
  obs: Float32Array;
}

/** Options for {@link collectGroups}. */
export interface CollectGroupsOptions {
  /** Samples the actions. */
  rng: Rng;
  /** G. */
  groupSize: number;
  /** T, the most steps a member takes (it stops earlier at its episode's end). */
  horizon: number;
  /** Seed of the fresh group resets (group leader i draws with seed + i). */
  seed: number;
  /**
   * Per group: a state to branch from (all G members `setState` it), or `undefined` for a fresh
   * reset. Default: every group starts fresh.
   */
  starts?: (StartState | undefined)[];
  /**
   * Every member its own fresh reset (member i draws with seed + i): groups of G unrelated episodes,
   * no cloned start. Needs `starts` empty. Default false.
   */
  independent?: boolean;
  /** Visited (member, t) slots whose states to return in `visited`, chosen by the caller. */
  record?: { member: number; t: number }[];
  /** Maps raw obs to policy inputs. Default identity. */
  transform?: ObsTransform;
  /** The training reward; default: the env's own reward. */
  reward?: ComposedReward;
}

/**
 * GRPO group rollouts: each group's G members start from one cloned state — a fresh reset
 * (`resetGroups` clones the leader's) or a given {@link StartState} — or, with `independent`, each
 * from its own fresh reset; they run up to `horizon` steps.
 * @param venv N members with `autoreset: false`
 */
export function collectGroups(
  venv: VectorEnvLike,
  policy: Actor,
  opts: CollectGroupsOptions,
): GroupRollout {
  const { rng, groupSize: G, horizon: T, seed, starts, record = [], transform = (o) => o, reward } =
    opts;
  if (opts.independent && starts?.some((s) => s)) {
    throw new Error("collectGroups: independent members cannot branch from a shared start state");
  }
  if (venv.autoreset) throw new Error("collectGroups needs a VectorEnv with autoreset: false");
  const infos = reward && infosOf(venv, "collectGroups");
  const N = venv.numEnvs, S = policy.obsSize, D = policy.actSize;
  if (starts && starts.length * G !== N) {
    throw new Error(`collectGroups: ${starts.length} start states for ${N / G} groups of G = ${G}`);
  }
  let raw = (opts.independent ? venv.reset({ seed }) : venv.resetGroups(G, { seed })).obs;
  const branched = Array.from({ length: N }, (_, i) => i).filter((i) =>
    starts?.[Math.floor(i / G)]
  );
  if (branched.length) { // branch: clone the given state into every member of the group
    venv.setStates(branched, branched.map((i) => starts![Math.floor(i / G)]!.state));
    for (const i of branched) raw.set(starts![Math.floor(i / G)]!.obs, i * S);
  }
  const out: GroupRollout = {
    T,
    N,
    obs: new Float32Array(T * N * S),
    raw: new Float32Array(T * N * S),
    actions: new Float32Array(T * N * D),
    logProbs: new Float32Array(T * N),
    rewards: new Float64Array(T * N),
    running: new Uint8Array(T * N),
    episodes: { returns: [], lengths: [] },
    visited: [],
    rewardTerms: {},
  };
  const scorer = reward && new Scorer(reward, N, S, D);
  let steps = T;
  const running = new Uint8Array(N).fill(1);
  const clipped = new Float32Array(N * D);
  for (let t = 0; t < T; t++) {
    const due = record.filter((slot) => slot.t === t && running[slot.member]).map((s) => s.member);
    if (due.length) {
      venv.getStates(due).forEach((state, k) =>
        out.visited.push({ state, obs: raw.slice(due[k] * S, (due[k] + 1) * S) })
      );
    }
    const x = transformRunning(transform, raw, running, S);
    out.obs.set(x, t * N * S);
    out.raw.set(raw, t * N * S);
    out.running.set(running, t * N);
    const { actions, logProbs } = policy.act(x, rng);
    out.actions.set(actions, t * N * D);
    out.logProbs.set(logProbs, t * N);
    scorer?.begin(raw);
    const r = venv.step(clipToSpace(actions, venv.actionSpace, clipped));
    let any = 0;
    for (let i = 0; i < N; i++) {
      if (!running[i]) continue;
      out.rewards[t * N + i] = scorer
        ? scorer.step(i, clipped, r, infos![i], r.hasFinal[i] === 1 || t === T - 1)
        : r.rewards[i];
      if (r.hasFinal[i]) {
        running[i] = 0;
        if (!starts?.[Math.floor(i / G)]) { // whole episodes only: not those begun at a branch state
          out.episodes.returns.push(r.episodeReturn[i]);
          out.episodes.lengths.push(r.episodeLength[i]);
        }
      }
      any |= running[i];
    }
    raw = r.obs;
    if (!any) {
      steps = t + 1;
      break;
    }
  }
  if (scorer) out.rewardTerms = scorer.means();
  return steps < T ? trim(out, steps) : out;
}

/** The members' step infos that a composed reward reads; worker-backed envs do not send them. */
function infosOf(venv: VectorEnvLike, who: string): readonly Info[] {
  if (!venv.infos) {
    throw new Error(
      `${who}: a composed reward reads each step's info, which only an in-process VectorEnv keeps (use no env workers)`,
    );
  }
  return venv.infos;
}

/**
 * The transform of all N rows, with only the running members' rows counted in its statistics: a
 * stopped member's frozen last observation is not a new sample.
 */
function transformRunning(
  transform: ObsTransform,
  raw: Float32Array,
  running: Uint8Array,
  S: number,
): Float32Array {
  if (running.every((r) => r === 1)) return transform(raw, true);
  const rows = Array.from(running.keys()).filter((i) => running[i]);
  const live = new Float32Array(rows.length * S);
  rows.forEach((i, j) => live.set(raw.subarray(i * S, (i + 1) * S), j * S));
  transform(live, true); // counts the running rows
  return transform(raw, false);
}

function trim(r: GroupRollout, T: number): GroupRollout {
  const N = r.N, S = r.obs.length / (r.T * N), D = r.actions.length / (r.T * N);
  return {
    ...r,
    T,
    obs: r.obs.slice(0, T * N * S),
    raw: r.raw.slice(0, T * N * S),
    actions: r.actions.slice(0, T * N * D),
    logProbs: r.logProbs.slice(0, T * N),
    rewards: r.rewards.slice(0, T * N),
    running: r.running.slice(0, T * N),
  };
}

/** What {@link collectSteps} returns. */
export interface StepRollout {
  T: number;
  N: number;
  obs: Float32Array;
  actions: Float32Array;
  logProbs: Float32Array;
  rewards: Float64Array;
  /** V(s_t), [T, N]. */
  values: Float32Array;
  /** V(s_{t+1}) of the same episode (V(s_T) of the final obs when truncated), [T, N]. */
  nextValues: Float32Array;
  terminated: Uint8Array;
  dones: Uint8Array;
  episodes: EpisodeStats;
  /** The policy input after the last step, [N, S], to continue from. */
  lastObs: Float32Array;
  /** `rewards/<name>/mean` of the composed reward's terms, when one was given. */
  rewardTerms: Record<string, number>;
}

/**
 * T lockstep steps of an autoresetting vector env for PPO. The transform's statistics count each
 * observation once, when the policy acts on it (s_0 … s_{T−1}); s_T is counted by the next rollout.
 * @param firstObs the current raw observations [N, S] (from the previous rollout or a reset)
 */
export function collectSteps(
  venv: VectorEnvLike,
  policy: Actor,
  critic: ValueMlp,
  firstObs: Float32Array,
  opts: { rng: Rng; steps: number; transform?: ObsTransform; reward?: ComposedReward },
): StepRollout {
  const { rng, steps: T, transform = (o) => o, reward } = opts;
  if (reward?.hasOutcome) {
    throw new Error("PPO takes per-step reward terms only; outcome judges need GRPO");
  }
  const infos = reward && infosOf(venv, "collectSteps");
  const N = venv.numEnvs, S = policy.obsSize, D = policy.actSize;
  const value = (x: Float32Array) =>
    noGrad(() => critic.forward(new Tensor(x, [x.length / S, S])).data);
  const out: StepRollout = {
    T,
    N,
    obs: new Float32Array(T * N * S),
    actions: new Float32Array(T * N * D),
    logProbs: new Float32Array(T * N),
    rewards: new Float64Array(T * N),
    values: new Float32Array(T * N),
    nextValues: new Float32Array(T * N),
    terminated: new Uint8Array(T * N),
    dones: new Uint8Array(T * N),
    episodes: { returns: [], lengths: [] },
    lastObs: new Float32Array(N * S),
    rewardTerms: {},
  };
  const scorer = reward && new Scorer(reward, N, S, D);
  const clipped = new Float32Array(N * D);
  let x = transform(firstObs, true).slice();
  for (let t = 0; t < T; t++) {
    out.obs.set(x, t * N * S);
    out.values.set(value(x), t * N);
    const { actions, logProbs } = policy.act(x, rng);
    out.actions.set(actions, t * N * D);
    out.logProbs.set(logProbs, t * N);
    scorer?.begin(t === 0 ? firstObs : venv.buffers.obs);
    const r = venv.step(clipToSpace(actions, venv.actionSpace, clipped));
    for (let i = 0; i < N; i++) {
      const k = t * N + i;
      out.rewards[k] = scorer ? scorer.step(i, clipped, r, infos![i], false) : r.rewards[i];
      out.terminated[k] = r.terminated[i];
      out.dones[k] = r.hasFinal[i];
      if (r.hasFinal[i]) {
        out.episodes.returns.push(r.episodeReturn[i]);
        out.episodes.lengths.push(r.episodeLength[i]);
        if (!r.terminated[i]) {
          out.nextValues[k] = value(transform(r.finalObs.slice(i * S, (i + 1) * S), false))[0]; // bootstrap V(s_T)
        }
      }
    }
    x = transform(r.obs, t < T - 1).slice(); // s_T is counted once, as s_0 of the next rollout
    if (t > 0) {
      for (let i = 0; i < N; i++) {
        if (!out.dones[(t - 1) * N + i]) out.nextValues[(t - 1) * N + i] = out.values[t * N + i];
      }
    }
  }
  const last = value(x);
  for (let i = 0; i < N; i++) {
    if (!out.dones[(T - 1) * N + i]) out.nextValues[(T - 1) * N + i] = last[i];
  }
  out.lastObs = venv.buffers.obs.slice(0, N * S);
  if (scorer) out.rewardTerms = scorer.means();
  return out;
}
