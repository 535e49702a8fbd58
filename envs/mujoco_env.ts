/**
 * The shared base of the Gymnasium MuJoCo v5 envs: one compiled model per MJCF per process, one
 * MjData per env, and the v5 step, reset, time limit and exact state save/restore. Each env file
 * adds its observation, reward and termination on top (see envs/halfcheetah.ts).
 *
 * ```text
 * reset:  mj_resetData; qpos = qpos0 + U(−s, s)^nq; qvel = U(−s, s)^nv or s·N(0, 1)^nv; mj_forward
 * step:   before ← beforeStep();  ctrl = a;  mj_step × frame_skip;  [mj_rnePostConstraint];
 *         (obs, r, terminated, info) ← evaluate(a, Σ aᵢ²);  truncated = elapsed ≥ max_episode_steps
 * state:  [qpos (nq), qvel (nv), elapsed, mjSTATE_INTEGRATION (time, qpos, qvel, act, warmstart, …)]
 * ```
 * s = reset_noise_scale. The env never clips: MuJoCo clamps a copy of ctrl to ctrlrange, and the
 * control costs use the action as passed. Nothing calls `mj_forward` after stepping, so `xpos`,
 * `site_xpos`, `qfrc_constraint`, … are the "stale" values of the last evaluation inside the step,
 * exactly as Gymnasium reads them.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/mujoco_env.py` (MujocoEnv.step / reset / set_state)
 * and the TimeLimit wrapper; facts in shared/reference/envs-suite.md §2.
 *
 * @module
 */
import type { Rng } from "../lib/rng.ts";
import { reseed } from "./checks.ts";
import { loadMujoco, type MjData, type MjModel, type Mujoco } from "./mujoco.ts";
import type { Box, Env, Info, ResetOptions, ResetResult, StepResult } from "./types.ts";

/** A compiled model and the facts read from it once per process. */
export interface MujocoModel {
  mj: Mujoco;
  model: MjModel;
  /** Physics timestep `opt.timestep` (s). */
  timestep: number;
  /** `mjSTATE_INTEGRATION`: the signature of everything that determines the next step. */
  signature: number;
  /** Number of doubles in that state. */
  stateSize: number;
}

/** The dimensions a model file must compile to. */
export interface ModelDims {
  nq: number;
  nv: number;
  nu: number;
}

const compiled = new Map<string, Promise<MujocoModel>>();

/**
 * The process-wide compiled model of the MJCF at `url`, shared by every env that loads it (never
 * deleted; each env owns only its MjData). A failed load is not cached.
 *
 * @param url the MJCF file, e.g. `new URL("./hopper.xml", import.meta.url)`.
 * @param dims the expected nq, nv, nu; a model that compiles otherwise is rejected.
 * @example
 * ```ts
 * import { loadModel } from "./mujoco_env.ts";
 * import { strictEqual } from "node:assert/strict";
 * const url = new URL("./halfcheetah.xml", import.meta.url);
 * const m = await loadModel(url, { nq: 9, nv: 9, nu: 6 });
 * strictEqual(await loadModel(url, { nq: 9, nv: 9, nu: 6 }), m); // compiled once
 * strictEqual(m.timestep, 0.01);
 * ```
 */
export async function loadModel(url: URL, dims: ModelDims): Promise<MujocoModel> {
  const key = url.href;
  let p = compiled.get(key);
  if (!p) {
    p = compileModel(url).catch((err) => {
      compiled.delete(key);
      throw err;
    });
    compiled.set(key, p);
  }
  const m = await p;
  const { nq, nv, nu } = m.model;
  if (nq !== dims.nq || nv !== dims.nv || nu !== dims.nu) {
    throw new Error(
      `loadModel: ${url} compiled to nq=${nq}, nv=${nv}, nu=${nu}, expected nq=${dims.nq}, nv=${dims.nv}, nu=${dims.nu}`,
    );
  }
  return m;
}

async function compileModel(url: URL): Promise<MujocoModel> {
  const mj = await loadMujoco();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`loadModel: could not read ${url}: HTTP ${res.status}`);
  const model = mj.MjModel.from_xml_string(await res.text());
  const opt = model.opt; // a handle onto the model's mjOption: delete the handle, not the model
  const timestep = opt.timestep;
  opt.delete();
  const signature = mj.mjtState.mjSTATE_INTEGRATION.value;
  return { mj, model, timestep, signature, stateSize: mj.mj_stateSize(model, signature) };
}

/** Throws `${fn}: ${name} is ${v}, expected a finite number` for the first non-finite option. */
export function checkFinite(fn: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isFinite(v)) throw new Error(`${fn}: ${name} is ${v}, expected a finite number`);
  }
}

/** Throws unless `range` is a pair [low, high] with low < high (±Infinity allowed). */
export function checkRange(fn: string, name: string, range: readonly number[]): void {
  if (!(range?.length === 2 && range[0] < range[1])) {
    throw new Error(`${fn}: ${name} is [${range}], expected [low, high] with low < high`);
  }
}

/** The entries of `o` that are not undefined: spread over defaults, `{ x: undefined }` keeps x's. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** What every MuJoCo env is built from; the env file fills it from its options. */
export interface MujocoEnvSpec {
  id: string;
  model: MujocoModel;
  /** Physics steps per env step; dt = timestep · frameSkip. */
  frameSkip: number;
  obsSize: number;
  /** Truncate once this many steps have elapsed since reset (TimeLimit). */
  maxEpisodeSteps: number;
  rng: Rng;
  /** s: reset adds U(−s, s) to qpos and U(−s, s) or s·N(0, 1) to qvel. */
  resetNoiseScale: number;
  /** The distribution of the qvel reset noise. */
  qvelNoise: "uniform" | "normal";
  /** Run `mj_rnePostConstraint` once after stepping (fills cacc, cfrc_int, cfrc_ext). */
  rnePostConstraint?: boolean;
}

/** Deletes the MjData of envs that were dropped without `close()`. */
const orphans = new FinalizationRegistry<{ delete(): void }>((handle) => handle.delete());

/** "[-1, 1]^6" (or "[-3, 3]" for one element) when all bounds agree, else both arrays. */
function formatBox(box: Box): string {
  const { low, high } = box;
  const same = low.every((v) => v === low[0]) && high.every((v) => v === high[0]);
  const f = (v: number) => Number(v.toPrecision(7)); // float32 bounds: 0.4, not 0.4000000059604645
  if (!same) {
    return `low [${Array.from(low, f).join(", ")}], high [${Array.from(high, f).join(", ")}]`;
  }
  const pair = `[${f(low[0])}, ${f(high[0])}]`;
  return low.length === 1 ? pair : `${pair}^${low.length}`;
}

/**
 * A Gymnasium v5 MuJoCo env over one MjData. Subclasses implement {@link observe} and
 * {@link evaluate}, and may override {@link beforeStep}, {@link resetModel} and {@link resetInfo}.
 * The live views `qpos`, `qvel`, `ctrl` are fresh whenever a hook runs.
 */
export abstract class MujocoEnv implements Env {
  readonly id: string;
  readonly observationSpace: Box;
  readonly actionSpace: Box;
  /** dt = timestep · frame_skip. */
  readonly dt: number;
  readonly frameSkip: number;
  readonly maxEpisodeSteps: number;
  /** The compiled model, shared by every env of this id (owned by the process-wide cache). */
  readonly model: MjModel;
  protected readonly mj: Mujoco;
  protected readonly data: MjData;
  protected readonly nq: number;
  protected readonly nv: number;
  protected readonly nu: number;
  protected readonly resetNoiseScale: number;
  /** Steps since reset (or the count restored by setState). */
  protected elapsed = 0;
  // Cached live views; re-read when detached by heap growth (length 0), see envs/mujoco.ts.
  protected qpos: Float64Array;
  protected qvel: Float64Array;
  protected ctrl: Float64Array;

  #stateBuf: { GetView(): Float64Array; delete(): void };
  #signature: number;
  #stateSize: number;
  #rng: Rng;
  #qvelNoise: "uniform" | "normal";
  #rne: boolean;
  #bounds: string;
  #qposBefore = new Float64Array(2);
  #started = false;
  #closed = false;

  constructor(spec: MujocoEnvSpec) {
    const { mj, model } = spec.model;
    this.id = spec.id;
    this.mj = mj;
    this.model = model;
    this.nq = model.nq;
    this.nv = model.nv;
    this.nu = model.nu;
    this.frameSkip = spec.frameSkip;
    this.dt = spec.model.timestep * spec.frameSkip;
    this.maxEpisodeSteps = spec.maxEpisodeSteps;
    this.resetNoiseScale = spec.resetNoiseScale;
    this.#signature = spec.model.signature;
    this.#stateSize = spec.model.stateSize;
    this.#rng = spec.rng;
    this.#qvelNoise = spec.qvelNoise;
    this.#rne = spec.rnePostConstraint ?? false;
    this.observationSpace = {
      shape: [spec.obsSize],
      low: new Float32Array(spec.obsSize).fill(-Infinity),
      high: new Float32Array(spec.obsSize).fill(Infinity),
    };
    const range: Float64Array = model.actuator_ctrlrange; // [nu, 2], row-major
    const nu = this.nu;
    this.actionSpace = {
      shape: [nu],
      low: Float32Array.from({ length: nu }, (_, i) => range[2 * i]),
      high: Float32Array.from({ length: nu }, (_, i) => range[2 * i + 1]),
    };
    this.#bounds = formatBox(this.actionSpace);
    this.data = new mj.MjData(model);
    this.#stateBuf = new mj.DoubleBuffer(this.#stateSize);
    orphans.register(this, this.data, this);
    orphans.register(this, this.#stateBuf, this);
    this.qpos = this.data.qpos;
    this.qvel = this.data.qvel;
    this.ctrl = this.data.ctrl;
  }

  /** The observation of the current data, a fresh Float32Array. */
  protected abstract observe(): Float32Array;

  /**
   * Everything but `truncated` of the step that just ran; `action` is as passed (never clipped)
   * and `sumSq` = Σ aᵢ² in float64.
   */
  protected abstract evaluate(action: Float32Array, sumSq: number): Omit<StepResult, "truncated">;

  /** Records the "before" quantities from the data as it stands. Default: qpos[0] and qpos[1]. */
  protected beforeStep(): void {
    this.#qposBefore[0] = this.qpos[0];
    this.#qposBefore[1] = this.qpos[1];
  }

  /** v = (qpos[i] − qpos[i] when the step began) / dt, for the x (0) or y (1) slide of the root. */
  protected qposVelocity(i: 0 | 1): number {
    return (this.qpos[i] - this.#qposBefore[i]) / this.dt;
  }

  /**
   * Draws the start state into qpos and qvel (after `mj_resetData`, before `mj_forward`). Default:
   * qpos = qpos0 + U(−s, s), then qvel = U(−s, s) or s·N(0, 1), qpos draws first.
   */
  protected resetModel(rng: Rng): void {
    const qpos0: Float64Array = this.model.qpos0;
    const s = this.resetNoiseScale;
    for (let i = 0; i < this.nq; i++) this.qpos[i] = qpos0[i] + rng.uniform(-s, s);
    if (this.#qvelNoise === "normal") {
      for (let i = 0; i < this.nv; i++) this.qvel[i] = s * rng.normal();
    } else {
      for (let i = 0; i < this.nv; i++) this.qvel[i] = rng.uniform(-s, s);
    }
  }

  /** The info that reset returns. Default: {}. */
  protected resetInfo(): Info {
    return {};
  }

  /** Re-reads the cached views if a heap growth detached them. */
  protected views(): void {
    if (this.qpos.length === 0 || this.qvel.length === 0 || this.ctrl.length === 0) {
      this.qpos = this.data.qpos;
      this.qvel = this.data.qvel;
      this.ctrl = this.data.ctrl;
    }
  }

  #alive(method: string): void {
    if (this.#closed) throw new Error(`${this.id}.${method}: the env is closed`);
  }

  /**
   * Resets the physics, draws the start state ({@link resetModel}), then runs `mj_forward`.
   * `seed` reseeds the generator in place to the state of `new Rng(seed)`.
   */
  reset(opts: ResetOptions = {}): ResetResult {
    this.#alive("reset");
    reseed(this.#rng, opts.seed);
    this.mj.mj_resetData(this.model, this.data);
    this.views();
    this.resetModel(this.#rng);
    this.mj.mj_forward(this.model, this.data);
    this.views();
    this.elapsed = 0;
    this.#started = true;
    return { obs: this.observe(), info: this.resetInfo() };
  }

  /**
   * Applies `action` [nu] as ctrl for frame_skip physics steps. Throws, leaving the state
   * unchanged, on a wrong length or a non-finite entry. Truncates once `maxEpisodeSteps` steps
   * have elapsed since reset.
   */
  step(action: Float32Array): StepResult {
    this.#alive("step");
    if (!this.#started) {
      throw new Error(`${this.id}.step: called before reset(); call reset() first`);
    }
    const nu = this.nu;
    if (action?.length !== nu) {
      throw new Error(`${this.id}.step: action has length ${action?.length}, expected ${nu}`);
    }
    let sumSq = 0;
    for (let i = 0; i < nu; i++) {
      const a = action[i];
      if (!Number.isFinite(a)) {
        throw new Error(
          `${this.id}.step: action[${i}] is ${a}; actions must be finite (action space ${this.#bounds})`,
        );
      }
      sumSq += a * a;
    }
    this.views();
    this.beforeStep();
    const ctrl = this.ctrl;
    for (let i = 0; i < nu; i++) ctrl[i] = action[i];
    const { mj, model, data } = this;
    for (let k = 0; k < this.frameSkip; k++) mj.mj_step(model, data);
    if (this.#rne) mj.mj_rnePostConstraint(model, data);
    this.views();
    this.elapsed++;
    const r = this.evaluate(action, sumSq);
    return {
      obs: r.obs,
      reward: r.reward,
      terminated: r.terminated,
      truncated: this.elapsed >= this.maxEpisodeSteps,
      info: r.info,
    };
  }

  /**
   * A fresh Float64Array [nq + nv + 1 + stateSize]: qpos, qvel, elapsed steps, then MuJoCo's
   * `mjSTATE_INTEGRATION` state (time, qpos, qvel, act, qacc_warmstart, ctrl, applied forces).
   */
  getState(): Float64Array {
    this.#alive("getState");
    this.mj.mj_getState(this.model, this.data, this.#stateBuf, this.#signature);
    this.views();
    const header = this.nq + this.nv + 1;
    const out = new Float64Array(header + this.#stateSize);
    out.set(this.qpos, 0);
    out.set(this.qvel, this.nq);
    out[this.nq + this.nv] = this.elapsed;
    out.set(this.#stateBuf.GetView(), header);
    return out;
  }

  /**
   * Restores a {@link getState} result, then runs `mj_forward`. The leading qpos and qvel win over
   * the copies inside the MuJoCo block, so editing them (as Gymnasium's `set_state`) works.
   */
  setState(state: Float64Array): void {
    this.#alive("setState");
    const { id, nq, nv } = this;
    const header = nq + nv + 1;
    const n = header + this.#stateSize;
    if (state?.length !== n) {
      throw new Error(
        `${id}.setState: state has length ${state?.length}, expected ${n} (from getState)`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(state[i])) {
        throw new Error(`${id}.setState: state[${i}] is ${state[i]}; expected finite`);
      }
    }
    const elapsed = state[nq + nv];
    if (!(Number.isInteger(elapsed) && elapsed >= 0)) {
      throw new Error(
        `${id}.setState: elapsed steps state[${nq + nv}] is ${elapsed}, expected an integer ≥ 0`,
      );
    }
    // The typings say number[], but the binding takes (and copies in) any Float64Array.
    const tail = state.subarray(header) as unknown as number[];
    this.mj.mj_setState(this.model, this.data, tail, this.#signature);
    this.views();
    this.qpos.set(state.subarray(0, nq));
    this.qvel.set(state.subarray(nq, nq + nv));
    this.mj.mj_forward(this.model, this.data);
    this.views();
    this.elapsed = elapsed;
    this.#started = true;
  }

  /** Deletes this env's MjData (the shared model stays). Calling it again does nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    orphans.unregister(this);
    this.data.delete();
    this.#stateBuf.delete();
  }
}
