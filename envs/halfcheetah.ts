/**
 * HalfCheetah-v5 on the official MuJoCo WebAssembly build: a planar cheetah rewarded for running
 * forward, with Gymnasium v5 semantics (frame_skip 5, dt = 0.05, 1000-step time limit).
 *
 * ```text
 * r = w_f · v_x − w_c · Σᵢ aᵢ²          v_x = (x_after − x_before) / dt,  dt = 5 · 0.01
 * obs = (qpos[1:9], qvel[0:9]) ∈ ℝ¹⁷    a ∈ [−1, 1]⁶ (MuJoCo clamps ctrl; the cost uses a as passed)
 * ```
 * w_f = forwardRewardWeight (1), w_c = ctrlCostWeight (0.1), x = qpos[0] (the rootx slide).
 *
 * Differences from the reference, by design: the reset draws come from our `Rng`, not NumPy;
 * `mj_rnePostConstraint` is not called after stepping (it fills cacc / cfrc_*, which the
 * observation does not use); the observation is float32; ctrl cost is summed in float64.
 *
 * Reference: Gymnasium `gymnasium/envs/mujoco/half_cheetah_v5.py`; P. Wawrzyński (2009),
 * "A Cat-Like Robot Real-Time Learning to Run".
 *
 * @module
 */
import { Rng } from "../lib/rng.ts";
import { loadMujoco, type MjData, type MjModel, type Mujoco } from "./mujoco.ts";
import type { Box, Env, EnvOptions, ResetOptions, ResetResult, StepResult } from "./types.ts";

const ID = "HalfCheetah-v5";
const FRAME_SKIP = 5;
const NQ = 9;
const NV = 9;
const NU = 6;
const OBS_SIZE = NQ - 1 + NV; // 17
/** getState layout: qpos (9), qvel (9), elapsed steps (1), then MuJoCo's integration state. */
const HEADER = NQ + NV + 1;

/** Options for {@link makeHalfCheetah}; every field has the Gymnasium v5 default. */
export interface HalfCheetahOptions extends EnvOptions {
  /** w_f, the weight of the forward velocity term. Default 1. */
  forwardRewardWeight?: number;
  /** w_c, the weight of the control cost Σ aᵢ². Default 0.1. */
  ctrlCostWeight?: number;
  /** s: reset adds U(−s, s) to qpos and s·N(0, 1) to qvel. Default 0.1. */
  resetNoiseScale?: number;
  /** Truncate after this many steps. Default 1000. */
  maxEpisodeSteps?: number;
}

/** The compiled HalfCheetah model and the facts read from it once per process. */
export interface HalfCheetahModel {
  mj: Mujoco;
  model: MjModel;
  /** Physics timestep (0.01 s). */
  timestep: number;
  /** `mjSTATE_INTEGRATION`: the signature of everything that determines the next step. */
  signature: number;
  /** Number of doubles in that state (91 for this model). */
  stateSize: number;
}

let compiled: Promise<HalfCheetahModel> | undefined;

/**
 * The process-wide compiled model of `halfcheetah.xml`, shared by every env (it is never deleted;
 * each env owns only its MjData). A failed load is not cached.
 */
export function loadHalfCheetahModel(): Promise<HalfCheetahModel> {
  compiled ??= compileModel().catch((err) => {
    compiled = undefined;
    throw err;
  });
  return compiled;
}

async function compileModel(): Promise<HalfCheetahModel> {
  const mj = await loadMujoco();
  const url = new URL("./halfcheetah.xml", import.meta.url);
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${ID}: could not read ${url}: HTTP ${res.status}`);
  const model = mj.MjModel.from_xml_string(await res.text());
  if (model.nq !== NQ || model.nv !== NV || model.nu !== NU) {
    const got = `nq=${model.nq}, nv=${model.nv}, nu=${model.nu}`;
    model.delete();
    throw new Error(`${ID}: ${url} compiled to ${got}, expected nq=9, nv=9, nu=6`);
  }
  const opt = model.opt; // a handle onto the model's mjOption: delete the handle, not the model
  const timestep = opt.timestep;
  opt.delete();
  const signature = mj.mjtState.mjSTATE_INTEGRATION.value;
  return { mj, model, timestep, signature, stateSize: mj.mj_stateSize(model, signature) };
}

/** Deletes the MjData of envs that were dropped without `close()`. */
const orphans = new FinalizationRegistry<{ delete(): void }>((handle) => handle.delete());

/**
 * Creates a HalfCheetah-v5 env. Call `reset()` before `step()`, and `close()` when done (each env
 * holds ≈ 13.6 MB of wasm heap, reused after close).
 *
 * @param options weights, noise scale, time limit and `rng` (default `new Rng(0)`).
 * @example
 * ```ts
 * import { makeHalfCheetah } from "./halfcheetah.ts";
 * import { strictEqual } from "node:assert/strict";
 * const env = await makeHalfCheetah();
 * const { obs } = env.reset({ seed: 1 });
 * strictEqual(obs.length, 17);
 * const { reward, info } = env.step(new Float32Array(6).fill(0.5));
 * strictEqual(reward, info.reward_forward + info.reward_ctrl); // reward_ctrl = −0.1·6·0.25
 * env.close();
 * ```
 */
export async function makeHalfCheetah(options: HalfCheetahOptions = {}): Promise<Env> {
  const {
    forwardRewardWeight = 1,
    ctrlCostWeight = 0.1,
    resetNoiseScale = 0.1,
    maxEpisodeSteps = 1000,
    rng = new Rng(0),
  } = options;
  for (
    const [name, v] of Object.entries({ forwardRewardWeight, ctrlCostWeight, resetNoiseScale })
  ) {
    if (!Number.isFinite(v)) {
      throw new Error(
        `makeHalfCheetah: ${name} is ${v}, expected a finite number`,
      );
    }
  }
  if (!(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps > 0)) {
    throw new Error(
      `makeHalfCheetah: maxEpisodeSteps is ${maxEpisodeSteps}, expected a positive integer`,
    );
  }
  const shared = await loadHalfCheetahModel();
  return new HalfCheetah(shared, {
    forwardRewardWeight,
    ctrlCostWeight,
    resetNoiseScale,
    maxEpisodeSteps,
    rng,
  });
}

class HalfCheetah implements Env {
  readonly id = ID;
  readonly observationSpace: Box = {
    shape: [OBS_SIZE],
    low: new Float32Array(OBS_SIZE).fill(-Infinity),
    high: new Float32Array(OBS_SIZE).fill(Infinity),
  };
  readonly actionSpace: Box;

  #mj: Mujoco;
  #model: MjModel;
  #data: MjData;
  #stateBuf: { GetView(): Float64Array; delete(): void };
  #signature: number;
  #stateSize: number;
  #dt: number;
  #rng: Rng;
  #wForward: number;
  #wCtrl: number;
  #noise: number;
  #maxSteps: number;
  #elapsed = 0;
  #started = false;
  #closed = false;
  // Cached live views; re-read when detached by heap growth (length 0), see envs/mujoco.ts.
  #qpos: Float64Array;
  #qvel: Float64Array;
  #ctrl: Float64Array;

  constructor(shared: HalfCheetahModel, opts: Required<HalfCheetahOptions>) {
    const { mj, model } = shared;
    this.#mj = mj;
    this.#model = model;
    this.#signature = shared.signature;
    this.#stateSize = shared.stateSize;
    this.#dt = shared.timestep * FRAME_SKIP;
    this.#rng = opts.rng;
    this.#wForward = opts.forwardRewardWeight;
    this.#wCtrl = opts.ctrlCostWeight;
    this.#noise = opts.resetNoiseScale;
    this.#maxSteps = opts.maxEpisodeSteps;
    this.#data = new mj.MjData(model);
    this.#stateBuf = new mj.DoubleBuffer(shared.stateSize);
    orphans.register(this, this.#data, this);
    orphans.register(this, this.#stateBuf, this);
    const range: Float64Array = model.actuator_ctrlrange; // [nu, 2], row-major
    this.actionSpace = {
      shape: [NU],
      low: Float32Array.from({ length: NU }, (_, i) => range[2 * i]),
      high: Float32Array.from({ length: NU }, (_, i) => range[2 * i + 1]),
    };
    this.#qpos = this.#data.qpos;
    this.#qvel = this.#data.qvel;
    this.#ctrl = this.#data.ctrl;
  }

  /** Re-reads the cached views if a heap growth detached them. */
  #views(): void {
    if (this.#qpos.length === 0 || this.#qvel.length === 0 || this.#ctrl.length === 0) {
      this.#qpos = this.#data.qpos;
      this.#qvel = this.#data.qvel;
      this.#ctrl = this.#data.ctrl;
    }
  }

  #alive(method: string): void {
    if (this.#closed) throw new Error(`${ID}.${method}: the env is closed`);
  }

  /** obs = (qpos[1:9], qvel[0:9]) as a fresh Float32Array [17]. */
  #obs(): Float32Array {
    const obs = new Float32Array(OBS_SIZE);
    const qpos = this.#qpos;
    const qvel = this.#qvel;
    for (let i = 1; i < NQ; i++) obs[i - 1] = qpos[i];
    for (let i = 0; i < NV; i++) obs[NQ - 1 + i] = qvel[i];
    return obs;
  }

  /**
   * Resets the physics, then qpos = qpos0 + U(−s, s)⁹ and qvel = s·N(0, 1)⁹ (qpos draws first),
   * then `mj_forward`. `seed` reseeds the generator in place to the state of `new Rng(seed)`.
   */
  reset(opts: ResetOptions = {}): ResetResult {
    this.#alive("reset");
    if (opts.seed !== undefined) this.#rng.setState(new Rng(opts.seed).state()); // keep the caller's generator object
    const mj = this.#mj;
    const rng = this.#rng;
    mj.mj_resetData(this.#model, this.#data);
    this.#views();
    const qpos0: Float64Array = this.#model.qpos0;
    const s = this.#noise;
    for (let i = 0; i < NQ; i++) this.#qpos[i] = qpos0[i] + rng.uniform(-s, s);
    for (let i = 0; i < NV; i++) this.#qvel[i] = s * rng.normal();
    mj.mj_forward(this.#model, this.#data);
    this.#views();
    this.#elapsed = 0;
    this.#started = true;
    return { obs: this.#obs(), info: { x_position: this.#qpos[0] } };
  }

  /**
   * Applies `action` [6] as ctrl for 5 physics steps. Throws, leaving the state unchanged, on a
   * wrong length or a non-finite entry. Never terminates; truncates once `maxEpisodeSteps` steps
   * have elapsed since reset.
   */
  step(action: Float32Array): StepResult {
    this.#alive("step");
    if (!this.#started) throw new Error(`${ID}.step: called before reset(); call reset() first`);
    if (action?.length !== NU) {
      throw new Error(`${ID}.step: action has length ${action?.length}, expected ${NU}`);
    }
    let sumSq = 0;
    for (let i = 0; i < NU; i++) {
      const a = action[i];
      if (!Number.isFinite(a)) {
        throw new Error(`${ID}.step: action[${i}] is ${a}; actions must be finite`);
      }
      sumSq += a * a;
    }
    this.#views();
    const xBefore = this.#qpos[0];
    const ctrl = this.#ctrl;
    for (let i = 0; i < NU; i++) ctrl[i] = action[i];
    const mj = this.#mj;
    const model = this.#model;
    const data = this.#data;
    for (let k = 0; k < FRAME_SKIP; k++) mj.mj_step(model, data);
    this.#views();
    const xAfter = this.#qpos[0];
    const xVelocity = (xAfter - xBefore) / this.#dt; // v_x = Δx / dt
    const forward = this.#wForward * xVelocity; // w_f · v_x
    const ctrlCost = this.#wCtrl * sumSq; // w_c · Σ aᵢ²
    this.#elapsed++;
    return {
      obs: this.#obs(),
      reward: forward - ctrlCost,
      terminated: false,
      truncated: this.#elapsed >= this.#maxSteps,
      info: {
        x_position: xAfter,
        x_velocity: xVelocity,
        reward_forward: forward,
        reward_ctrl: -ctrlCost,
      },
    };
  }

  /**
   * A fresh Float64Array [19 + 91]: qpos (9), qvel (9), elapsed steps, then MuJoCo's
   * `mjSTATE_INTEGRATION` state (time, qpos, qvel, qacc_warmstart, ctrl, applied forces).
   */
  getState(): Float64Array {
    this.#alive("getState");
    this.#mj.mj_getState(this.#model, this.#data, this.#stateBuf, this.#signature);
    this.#views();
    const out = new Float64Array(HEADER + this.#stateSize);
    out.set(this.#qpos, 0);
    out.set(this.#qvel, NQ);
    out[NQ + NV] = this.#elapsed;
    out.set(this.#stateBuf.GetView(), HEADER);
    return out;
  }

  /**
   * Restores a {@link getState} result, then runs `mj_forward`. The leading qpos and qvel win over
   * the copies inside the MuJoCo block, so editing them (as Gymnasium's `set_state`) works.
   */
  setState(state: Float64Array): void {
    this.#alive("setState");
    const n = HEADER + this.#stateSize;
    if (state?.length !== n) {
      throw new Error(
        `${ID}.setState: state has length ${state?.length}, expected ${n} (from getState)`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(state[i])) {
        throw new Error(`${ID}.setState: state[${i}] is ${state[i]}; expected finite`);
      }
    }
    const elapsed = state[NQ + NV];
    if (!(Number.isInteger(elapsed) && elapsed >= 0)) {
      throw new Error(
        `${ID}.setState: elapsed steps state[${NQ + NV}] is ${elapsed}, expected an integer ≥ 0`,
      );
    }
    // The typings say number[], but the binding takes (and copies in) any Float64Array.
    const tail = state.subarray(HEADER) as unknown as number[];
    this.#mj.mj_setState(this.#model, this.#data, tail, this.#signature);
    this.#views();
    this.#qpos.set(state.subarray(0, NQ));
    this.#qvel.set(state.subarray(NQ, NQ + NV));
    this.#mj.mj_forward(this.#model, this.#data);
    this.#views();
    this.#elapsed = elapsed;
    this.#started = true;
  }

  /** Deletes this env's MjData (the shared model stays). Calling it again does nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    orphans.unregister(this);
    this.#data.delete();
    this.#stateBuf.delete();
  }
}
