/**
 * `train(config, { env, onUpdate, signal })`: trains an MLP policy (Gaussian over a Box action
 * space, categorical over a Discrete one) with GRPO or PPO on the envs that `env(rng, id)` makes,
 * and returns the policy and its final deterministic evaluation.
 *
 * Reads top to bottom: config → envs, policy, critic, optimizer, normalizers → (resume) → run folder
 * (only with `out`) → loop { lr schedule → the algorithm's update (lib/grpo_trainer.ts,
 * lib/ppo_trainer.ts) → metrics row → evaluation → checkpoint → stop if aborted } → final
 * evaluation.
 *
 * @example
 * ```ts
 * import { train } from "./train.ts";
 * import { Pendulum } from "../envs/pendulum.ts";
 * import { ok } from "node:assert/strict";
 * const run = await train(
 *   { env: "Pendulum-v1", totalSteps: 4096, evalEpisodes: 1 },
 *   { env: (rng) => new Pendulum({ rng }) },
 * );
 * ok(run.eval!.mean < 0 && run.step === 4096);
 * ```
 *
 * @module
 */
import {
  type Checkpoint,
  checkpointPath,
  loadCheckpoint,
  paramsToRecord,
  restoreParams,
  saveRunCheckpoint,
} from "./checkpoint.ts";
import {
  checkCheckpointFits,
  type Config,
  configFor,
  configHelp,
  defined,
  layerSizes,
  notSaved,
  validateConfig,
} from "./config.ts";
import { type Env, flatSize, type Space } from "./env.ts";
import { type EvalResult, evaluate } from "./evaluate.ts";
import { GrpoTrainer } from "./grpo_trainer.ts";
import { meanOf as mean, MetricsWriter, writeArgs } from "./metrics.ts";
import type { Activation } from "./nn.ts";
import { Adam } from "./optim.ts";
import { makePolicy, type Policy } from "./policies.ts";
import { ValueMlp } from "./policy.ts";
import { PpoTrainer } from "./ppo_trainer.ts";
import { composeRewards, parseRewardSpec } from "./rewards.ts";
import { Rng } from "./rng.ts";
import { openRunFolder } from "./run_folder.ts";
import { type GridEval, readResults, ResultsRecorder } from "./results.ts";
import { RunningMeanStd, type RunningMeanStdStats } from "./running_stats.ts";
import { lrSchedule } from "./schedule.ts";
import type { Tensor } from "./tensor.ts";
import { startThreads, stopThreads, threadCount } from "./threads.ts";
import { backendCode, type BackendName, getBackend, setBackend, simdSupported } from "./backend.ts";
import type { TrainContext, Trainer, UpdateResult } from "./trainer.ts";
import { VectorEnv, type VectorEnvLike } from "./vector_env.ts";

export { NonFiniteError } from "./trainer.ts";

/**
 * Makes one env from its own generator (member i's is seeded seed·7919 + i); `id` is the config's
 * `env`, e.g. `(rng, id) => makeEnv(id, { rng })`.
 */
export type EnvFactory = (rng: Rng, id: string) => Env | Promise<Env>;

/**
 * Makes the N members of env `id` stepped by `workers` Web Workers, for `--env-workers`; member i
 * must draw its resets from a generator seeded `rngSeeds[i]`, which its snapshots carry (e.g.
 * envs/worker_pool.ts's `makeVectorEnv`).
 */
export type VectorEnvFactory = (
  id: string,
  n: number,
  opts: { autoreset: boolean; rngSeeds: number[]; workers: number },
) => Promise<VectorEnvLike>;

/** What the callbacks see of a run. */
export interface RunInfo {
  config: Config;
  /** The run folder, or undefined when nothing is written. */
  out?: string;
  /** Whether the run continues a checkpoint (`config.resume`). */
  resumed: boolean;
  /** The step and update it starts from (0 unless resumed). */
  startStep: number;
  startUpdate: number;
  /** Updates if each takes its full steps per update (GRPO members that end early make it more). */
  totalUpdates: number;
  /** The step budget in whole updates: totalUpdates · steps per update. */
  totalSteps: number;
  /** What the `reward` metric is, e.g. "32-step segment reward". */
  rewardLabel: string;
  /** The policy being trained (live: it changes every update). */
  policy: Policy;
  /** Raw observation → the policy's input (the running normalization, frozen), for acting with it. */
  transform: (obs: Float32Array) => Float32Array;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Makes each member env (N of them, plus one per evaluation). Required. */
  env?: EnvFactory;
  /** Makes the members when `envWorkers` > 0 (mod.ts's train() and the CLI pass one). */
  vectorEnv?: VectorEnvFactory;
  /** Called once the run is set up (and its folder locked), before the first update. */
  onStart?: (run: RunInfo) => void | Promise<void>;
  /** Called after every update with its metrics row (the one written to metrics.csv). */
  onUpdate?: (row: Record<string, number>, run: RunInfo) => void | Promise<void>;
  /** Aborting stops the run after the current update, writing a checkpoint when there is a folder. */
  signal?: AbortSignal;
  /** Notices: a stale lock taken over, --threads above the cores (warn), a skipped update (info). */
  log?: (message: string, level: "info" | "warn") => void;
  /** The code version and machine that results.json records for this session. */
  session?: { commit?: string; machine?: string };
}

/** What {@link train} returns. */
export interface TrainResult {
  config: Config;
  policy: Policy;
  /** PPO's critic. */
  critic?: ValueMlp;
  /** Every trained parameter (the policy's, then the critic's). */
  params: Tensor[];
  /** The final deterministic evaluation (none with evalEpisodes 0 or when stopped). */
  eval?: EvalResult;
  /** Raw observation → policy input (identity without normObs). */
  transform: (obs: Float32Array) => Float32Array;
  step: number;
  update: number;
  /** The run folder (undefined: nothing was written). */
  out?: string;
  /** True when `signal` stopped the run before its budget. */
  stopped: boolean;
  /** The evaluations on the env-step grid (--eval-every-steps), as results.json holds them. */
  evals?: GridEval[];
}

/**
 * Trains with GRPO or PPO; see the module doc. `config` fields not given come from the preset of
 * (env, algo) and the defaults (lib/config.ts); with `resume`, from the checkpoint's saved config.
 * Writes `out` (args.json, metrics, checkpoint.json, eval.json, under a lock) only when set.
 * Sets the matrix backend for the run and restores the caller's after; uses a thread pool the
 * caller started if it has `threads` threads, else replaces it with its own and stops that at the
 * end (start yours again after).
 *
 * @throws before anything is written on a bad config, env or checkpoint; `NonFiniteError` when a
 *   loss or gradient becomes non-finite (the last good checkpoint is kept).
 */
export async function train(
  config: Partial<Config>,
  opts: TrainOptions = {},
): Promise<TrainResult> {
  const cleanup: (() => void)[] = [];
  try {
    return await run(config, opts, cleanup);
  } finally {
    for (const f of cleanup.reverse()) f();
  }
}

/**
 * The run's config: the fields over the preset, or with `resume: DIR` the fields over the
 * checkpoint's saved config (`out` is then DIR), validated.
 */
export async function resolveConfig(
  fields: Partial<Config>,
): Promise<{ cfg: Config; resumed?: Checkpoint }> {
  const dir = fields.resume;
  if (!dir) {
    const cfg = configFor(fields);
    validateConfig(cfg);
    return { cfg };
  }
  if (fields.out && fields.out !== dir) {
    throw new Error(
      `--out ${fields.out} with --resume ${dir}: a run resumes in its own folder; ` +
        `copy ${dir} to ${fields.out} and resume that`,
    );
  }
  if (fields.overwrite) throw new Error(`--overwrite with --resume ${dir}: choose one`);
  const resumed = await loadCheckpoint(checkpointPath(dir));
  const saved: Partial<Config> = { ...(resumed.args as unknown as Config) };
  for (const k of Object.keys(saved) as (keyof Config)[]) { // a field since removed is dropped
    if (notSaved.includes(k) || !(k in configHelp)) delete saved[k];
  }
  // A field the checkpoint lacks keeps its behaviour from before it existed: the saved env and
  // algo's preset, and backend ts (runs saved before --backend used ts).
  const base = configFor({ env: saved.env ?? fields.env, algo: saved.algo ?? fields.algo });
  const cfg: Config = {
    ...base,
    backend: "ts",
    ...saved,
    ...defined(fields),
    resume: dir,
    out: dir,
  };
  validateConfig(cfg);
  checkCheckpointFits(resumed.args, cfg, "resume");
  return { cfg, resumed };
}

/** What a checkpoint records of an action space (its bounds may be ±∞, which JSON lacks). */
function spaceShape(space: Space): Partial<Space> {
  return space.kind === "discrete"
    ? { kind: space.kind, n: space.n }
    : { kind: "box", shape: space.shape };
}

/** The config as saved in args.json and checkpoints: without the fields that never stick. */
function savedArgs(cfg: Config): Record<string, unknown> {
  const args: Record<string, unknown> = { ...cfg };
  for (const k of notSaved) delete args[k];
  return args;
}

/** A run, set up: the context, its trainer, critic and normalizers. */
interface Setup {
  ctx: TrainContext;
  trainer: Trainer;
  critic?: ValueMlp;
  obsRms?: RunningMeanStd;
  /** GRPO's π_ref (with --ref-coef) and its frozen normalizer (with --norm-obs). */
  reference?: Policy;
  refRms?: RunningMeanStd;
}

/**
 * Builds envs, policy (from `init` if given), critic, optimizer, normalizers and the trainer. A
 * resumed run does not read `init`: its checkpoint holds the parameters, normalizers and π_ref
 * ({@link restore}); only a checkpoint saved before π_ref was (no `reference` key) rebuilds π_ref
 * from `init` as the run first did.
 */
async function setUp(
  cfg: Config,
  factories: { env: EnvFactory; vectorEnv?: VectorEnvFactory },
  log: (m: string) => void,
  cleanup: (() => void)[],
  resumed?: Checkpoint,
): Promise<Setup> {
  const isGrpo = cfg.algo === "grpo";
  const reward = cfg.reward ? composeRewards(parseRewardSpec(cfg.reward, cfg.env)) : undefined; // validated up front
  const N = isGrpo ? cfg.groups * cfg.groupSize : cfg.numEnvs;
  const venv = await makeMembers(cfg, N, factories);
  cleanup.push(() => venv.close());
  const S = venv.observationSpace.shape[0], D = flatSize(venv.actionSpace); // Discrete: 1 (the index)
  const initRng = new Rng(cfg.seed);
  const hidden = layerSizes("hidden", cfg.hidden);
  const init = cfg.orthoInit === false ? "uniform" : "orthogonal"; // runs saved before the flag: orthogonal
  const activation = cfg.activation as Activation;
  const policy = makePolicy(S, venv.actionSpace, {
    rng: initRng,
    hidden,
    activation,
    stateIndependentStd: cfg.stateIndependentStd,
    initLogStd: cfg.initLogStd,
    init,
  });
  const critic = isGrpo ? undefined : new ValueMlp(S, {
    rng: initRng,
    hidden: cfg.criticHidden ? layerSizes("critic-hidden", cfg.criticHidden) : hidden, // older runs: unset
    activation,
    init,
  });
  const wantsRef = isGrpo && cfg.refCoef > 0;
  const readInit = cfg.init && (!resumed || (wantsRef && !resumed.reference)); // old checkpoints: π_ref from init
  const initCkpt = readInit ? await loadCheckpoint(cfg.init) : undefined;
  if (initCkpt && !resumed) checkCheckpointFits(initCkpt.args, cfg, "init");
  if (initCkpt) restoreParams(policy.parameters(), initCkpt.params, { allowExtra: true }); // start from a trained policy
  const reference = wantsRef ? policy.clone() : undefined; // π_ref: the initial policy, frozen (resume: restored)
  const params = [...policy.parameters(), ...(critic?.parameters() ?? [])];
  const optimizer = new Adam(params, { lr: cfg.lr, eps: 1e-5, simd: cfg.backend === "wasm" });
  const rng = {
    act: new Rng((cfg.seed + 1) >>> 0),
    batch: new Rng((cfg.seed + 2) >>> 0),
    start: new Rng((cfg.seed + 3) >>> 0),
  };
  const obsRms = cfg.normObs ? new RunningMeanStd(S) : undefined;
  const initObs = (initCkpt?.normalizers as { obs?: RunningMeanStdStats } | undefined)?.obs;
  if (obsRms && initObs) obsRms.setStats(initObs); // the init policy's inputs were normalized with these
  const refRms = reference && obsRms ? new RunningMeanStd(S) : undefined; // π_ref's normalizer, frozen with its weights
  refRms?.setStats(obsRms!.stats());
  const transform = (o: Float32Array, upd: boolean) => {
    if (!obsRms) return o;
    if (upd) obsRms.update(o);
    return obsRms.normalize(o); // clip((o − μ)/√(σ² + 1e-8), ±10)
  };
  const ctx: TrainContext = {
    cfg,
    venv,
    policy,
    params,
    optimizer,
    rng,
    transform,
    reward,
    S,
    D,
    N,
    log,
  };
  const trainer = isGrpo
    ? new GrpoTrainer(ctx, { reference, refRms })
    : new PpoTrainer(ctx, critic!);
  return { ctx, trainer, critic, obsRms, reference, refRms };
}

/**
 * The N members, each drawing its resets from its own generator seeded seed·7919 + i: in this
 * thread, or in `cfg.envWorkers` Web Workers (the same numbers, bit for bit).
 */
async function makeMembers(
  cfg: Config,
  N: number,
  factories: { env: EnvFactory; vectorEnv?: VectorEnvFactory },
): Promise<VectorEnvLike> {
  const autoreset = cfg.algo !== "grpo";
  const rngSeeds = Array.from({ length: N }, (_, i) => (cfg.seed * 7919 + i) >>> 0);
  if (cfg.envWorkers > 0) {
    if (!factories.vectorEnv) {
      throw new Error(
        `train: --env-workers ${cfg.envWorkers} needs options.vectorEnv (mod.ts's train() has one)`,
      );
    }
    return await factories.vectorEnv(cfg.env, N, { autoreset, rngSeeds, workers: cfg.envWorkers });
  }
  const rngs = rngSeeds.map((seed) => new Rng(seed));
  const envs = await Promise.all(rngs.map((rng) => factories.env(rng, cfg.env)));
  return new VectorEnv(envs, { autoreset, rngs });
}

/** Everything a checkpoint holds. */
function checkpointOf(
  s: Setup,
  at: { step: number; update: number; trainSeconds: number; wallSeconds: number },
): Parameters<typeof saveRunCheckpoint>[1] {
  const { ctx, trainer } = s;
  const snap = ctx.venv.snapshot(); // one round trip on the worker backend
  return {
    step: at.step,
    update: at.update,
    args: savedArgs(ctx.cfg),
    params: paramsToRecord(ctx.params),
    reference: s.reference && {
      params: paramsToRecord(s.reference.parameters()),
      obs: s.refRms?.stats() ?? null,
    },
    optimizer: ctx.optimizer.state(),
    normalizers: {
      obs: s.obsRms?.stats() ?? null,
      ret: trainer.rewardScaler?.rms.stats() ?? null,
    },
    rng: {
      act: ctx.rng.act.state(),
      batch: ctx.rng.batch.state(),
      start: ctx.rng.start.state(),
      ...Object.fromEntries(snap.rngs!.map((r, i) => [`env${i}`, r])),
    },
    extra: {
      ...trainer.state(snap),
      spaces: {
        observation: ctx.venv.observationSpace.shape,
        action: spaceShape(ctx.venv.actionSpace),
      },
      trainSeconds: at.trainSeconds,
      wallSeconds: at.wallSeconds,
    },
  };
}

/** Restores a checkpoint into a set-up run; returns where it stopped. */
function restore(s: Setup, resumed: Checkpoint): { step: number; update: number; secs: number } {
  const { ctx, trainer } = s;
  restoreParams(ctx.params, resumed.params);
  if (s.reference && resumed.reference) { // π_ref as the run saved it (older checkpoints: setUp's)
    restoreParams(s.reference.parameters(), resumed.reference.params);
    const obs = resumed.reference.obs as RunningMeanStdStats | null;
    if (!s.refRms !== !obs) {
      throw new Error(
        `resume: the checkpoint's reference ${obs ? "has" : "lacks"} observation statistics, ` +
          `this run ${s.refRms ? "normalizes" : "does not normalize"} observations (--norm-obs)`,
      );
    }
    if (s.refRms) s.refRms.setStats(obs!);
  }
  ctx.optimizer.setState(resumed.optimizer as ReturnType<Adam["state"]>);
  ctx.rng.act.setState(resumed.rng.act);
  ctx.rng.batch.setState(resumed.rng.batch);
  ctx.rng.start.setState(resumed.rng.start);
  ctx.venv.restore({ rngs: Array.from({ length: ctx.N }, (_, i) => resumed.rng[`env${i}`]) });
  const norms = resumed.normalizers as Record<string, RunningMeanStdStats>;
  if (s.obsRms) s.obsRms.setStats(norms.obs);
  if (trainer.rewardScaler) trainer.rewardScaler.rms.setStats(norms.ret);
  const extra = resumed.extra as Record<string, unknown>;
  trainer.restore(extra);
  return { step: resumed.step, update: resumed.update, secs: (extra.trainSeconds as number) ?? 0 };
}

async function run(
  config: Partial<Config>,
  opts: TrainOptions,
  cleanup: (() => void)[],
): Promise<TrainResult> {
  const { cfg, resumed } = await resolveConfig(config);
  const log = opts.log ?? (() => {});
  const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
  if (cfg.threads > cores) {
    log(
      `--threads ${cfg.threads} is above this machine's ${cores} cores; ` +
        `it runs slower and uses more memory than --threads ${cores}`,
      "warn",
    );
  }
  if (cfg.backend === "wasm" && !simdSupported()) {
    log("notice: this runtime lacks WebAssembly SIMD; --backend wasm falls back to ts", "info");
    cfg.backend = "ts";
  }
  const caller = { name: getBackend(), fused: backendCode() === 2 };
  setBackend(cfg.backend as BackendName);
  cleanup.push(() => setBackend(caller.name, { fused: caller.fused })); // the caller's, restored
  if (!opts.env) {
    throw new Error("train: options.env, the env factory, is required (mod.ts's train() has one)");
  }
  if (cfg.out && !("Deno" in globalThis)) {
    throw new Error(`train: out "${cfg.out}" needs a file system (Deno); leave it empty here`);
  }
  const s = await setUp(
    cfg,
    { env: opts.env, vectorEnv: opts.vectorEnv },
    (m) => log(m, "info"),
    cleanup,
    resumed,
  );
  const { ctx, trainer } = s;
  const { policy, optimizer } = ctx;
  // The budget counts the env steps actually taken (GRPO members that end early take fewer). The lr
  // schedule runs over the updates the run will take if every remaining one is full:
  //   U(u, s) = u + ⌈(B − s)/steps per update⌉ ≥ totalUpdates,   p = u/U(u, s) < 1,
  // which is totalUpdates (the schedule of a fixed update count) as long as the steps taken trail
  // the nominal ones by less than the rounding slack totalUpdates·steps per update − B.
  const totalUpdates = Math.max(1, Math.ceil(cfg.totalSteps / trainer.stepsPerUpdate));
  const budget = totalUpdates * trainer.stepsPerUpdate;
  let step = 0, update = 0, trainSeconds = 0; // train time: rollouts, advantages, updates (not evaluation), summed over resumes
  if (resumed) ({ step, update, secs: trainSeconds } = restore(s, resumed));

  // Everything is validated: only now does the folder change.
  const out = cfg.out || undefined;
  let metrics: MetricsWriter | undefined;
  if (out) {
    const lock = openRunFolder(out, { resume: !!resumed, overwrite: cfg.overwrite });
    cleanup.push(() => lock.release());
    if (lock.tookOver) log(lock.tookOver, "warn");
    writeArgs(out, savedArgs(cfg));
    metrics = new MetricsWriter(out, { resumeStep: resumed ? step : undefined });
  }
  const stream = (10_000 + cfg.seed) >>> 0; // the evaluation stream (lib/seeds.ts), in eval.json
  const recorder = new ResultsRecorder(cfg, {
    out,
    stream,
    config: { ...savedArgs(cfg), out: undefined, resume: undefined },
    previous: resumed && out ? await readResults(out) : undefined,
    step,
    trainSeconds,
    wallSeconds: (resumed?.extra as { wallSeconds?: number })?.wallSeconds, // not results.json's
    session: opts.session,
  });
  const save = async () => {
    const at = { step, update, trainSeconds, wallSeconds: recorder.wallSeconds() };
    if (out) await saveRunCheckpoint(out, checkpointOf(s, at));
  };
  const frozen = (o: Float32Array) => ctx.transform(o, false);
  const evalNow = () =>
    evaluate(policy, {
      env: () => opts.env!(new Rng(0), cfg.env),
      episodes: cfg.evalEpisodes,
      seed: stream,
      transform: s.obsRms ? frozen : undefined,
    });
  const info: RunInfo = {
    config: cfg,
    out,
    resumed: !!resumed,
    startStep: step,
    startUpdate: update,
    totalUpdates,
    totalSteps: Math.max(cfg.totalSteps, budget),
    rewardLabel: trainer.rewardLabel,
    policy,
    transform: frozen,
  };
  await opts.onStart?.(info);

  const schedule = lrSchedule({ kind: cfg.lrSchedule, lr: cfg.lr });
  if (threadCount() !== cfg.threads) { // a caller's pool of this size is used and left running
    await startThreads(cfg.threads);
    cleanup.push(() => stopThreads());
  }
  const start = performance.now(), startStep = step;
  let savedAt = update, lastEval: { update: number; result: EvalResult } | undefined;
  const gridEval = async (points: number[]) => { // one evaluation serves every grid point reached
    lastEval = { update, result: await evalNow() };
    await recorder.record(points, { step, update, returns: lastEval.result.returns, trainSeconds });
  };
  if (cfg.evalEpisodes > 0 && recorder.due(step).length) await gridEval(recorder.due(step)); // step 0
  while (step < cfg.totalSteps) {
    if (opts.signal?.aborted) { // checked before each update, so a stop never skips the final eval
      if (savedAt !== update) await save();
      await recorder.write(trainSeconds);
      return { ...result(s, cfg, step, update, out), stopped: true, evals: recorder.evals };
    }
    optimizer.lr = schedule(
      update,
      update + Math.ceil((cfg.totalSteps - step) / trainer.stepsPerUpdate),
    );
    const t0 = performance.now();
    const r = trainer.update({ update, step });
    step += r.steps;
    update++;
    const t3 = performance.now();
    trainSeconds += (t3 - t0) / 1000;

    const row = metricsRow(r, {
      step,
      update,
      lr: optimizer.lr,
      t0,
      t3,
      start,
      startStep,
      trainSeconds,
    });
    const last = step >= cfg.totalSteps;
    const points = cfg.evalEpisodes > 0 ? recorder.due(step) : [];
    if (points.length) await gridEval(points);
    else if (cfg.evalEvery > 0 && cfg.evalEpisodes > 0 && update % cfg.evalEvery === 0) {
      lastEval = { update, result: await evalNow() };
    }
    if (lastEval?.update === update) row["charts/eval_return"] = lastEval.result.mean;
    metrics?.write(row);
    await opts.onUpdate?.(row, info);
    if (update % cfg.checkpointEvery === 0 || last || points.length) await save(), savedAt = update; // a grid point's checkpoint: results.json never runs ahead of a resume
    await new Promise((r) => setTimeout(r, 0)); // lets a signal's listener run
  }

  // ---- final deterministic evaluation on fresh seeds (the last update's, if it had one)
  const ev = cfg.evalEpisodes <= 0
    ? undefined
    : lastEval?.update === update
    ? lastEval.result
    : await evalNow();
  if (ev && out) {
    await Deno.writeTextFile(
      `${out}/eval.json`,
      JSON.stringify({ step, stream, ...ev }, null, 1),
    );
  }
  await recorder.write(trainSeconds, { complete: true });
  return { ...result(s, cfg, step, update, out), eval: ev, evals: recorder.evals };
}

function result(s: Setup, cfg: Config, step: number, update: number, out?: string): TrainResult {
  const transform = (o: Float32Array) => s.ctx.transform(o, false);
  return {
    config: cfg,
    policy: s.ctx.policy,
    critic: s.critic,
    params: s.ctx.params,
    transform,
    step,
    update,
    out,
    stopped: false,
  };
}

/** One update's metrics row: the algorithm's head, the shared metrics, the algorithm's tail. */
function metricsRow(
  r: UpdateResult,
  o: {
    step: number;
    update: number;
    lr: number;
    t0: number;
    t3: number;
    start: number;
    startStep: number;
    trainSeconds: number;
  },
): Record<string, number> {
  const avg = (k: string) => (r.stats.sums[k] ?? NaN) / r.stats.count;
  return {
    ...r.head,
    global_step: o.step,
    update: o.update,
    "charts/episodic_return": mean(r.episodes.returns),
    "charts/episodic_length": mean(r.episodes.lengths),
    "charts/learning_rate": o.lr,
    "losses/policy_loss": avg("policy_loss"),
    "losses/entropy": avg("entropy"),
    "losses/approx_kl": avg("approx_kl"),
    "losses/approx_kl_max": r.stats.maxKl,
    grad_norm: r.stats.gradNormSum / r.stats.count,
    SPS: Math.round((o.step - o.startStep) / ((performance.now() - o.start) / 1000)),
    "time/rollout_sps": Math.round(r.B / ((r.t1 - o.t0) / 1000)),
    "time/advantage_sps": Math.round(r.B / ((r.t2 - r.t1) / 1000)),
    "time/update_sps": Math.round(r.B / ((o.t3 - r.t2) / 1000)),
    "time/train_s": o.trainSeconds,
    "charts/eval_return": NaN, // a CSV column from the first row on; set below when evaluated
    ...r.tail,
  };
}
