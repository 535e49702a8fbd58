/**
 * grpo-ts: group relative policy optimization (GRPO) and PPO for continuous control, in plain
 * TypeScript. Import this file by URL; it needs no deno.json.
 *
 * Train from code: {@link train} takes the config (any `deno task train` flag, camelCased) and
 * returns the policy and its deterministic evaluation; the tuned preset of (env, algo) in `presets`
 * applies by itself under the fields you give.
 *
 * ```ts
 * import { train } from "./mod.ts";
 * import { ok } from "node:assert/strict";
 * const run = await train({ env: "Pendulum-v1", algo: "grpo", totalSteps: 4096, evalEpisodes: 1 });
 * ok(run.eval!.mean < 0 && run.policy.obsSize === 3);
 * ```
 *
 * The pieces, by hand:
 *
 * ```ts
 * import { GaussianMlpPolicy, makeEnv, Rng, Tensor } from "./mod.ts";
 * import { ok } from "node:assert/strict";
 * const env = await makeEnv("Pendulum-v1");
 * const pi = new GaussianMlpPolicy(3, 1, { rng: new Rng(0), hidden: [64, 64] });
 * let { obs } = env.reset({ seed: 0 });
 * const rng = new Rng(1);
 * let total = 0;
 * for (let t = 0; t < 200; t++) {
 *   const { actions } = pi.act(obs, rng);
 *   const r = env.step(actions.map((a) => Math.max(-2, Math.min(2, a))));
 *   total += r.reward;
 *   obs = r.obs;
 * }
 * ok(total < 0);
 * const logp = pi.forward(new Tensor(obs, [1, 3])).logProb(new Float32Array([0.5]));
 * ok(Number.isFinite(logp.item()));
 * ```
 *
 * @module
 */

import type { Config } from "./lib/config.ts";
import { makeEnv } from "./envs/registry.ts";
import { makeVectorEnv } from "./envs/worker_pool.ts";
import { train as trainWith, type TrainOptions, type TrainResult } from "./lib/train.ts";

// Engine: tensors, differentiable ops, gradient checking
export {
  bufferPoolBytes,
  clearBufferPool,
  isGradEnabled,
  noGrad,
  record,
  reuseBuffers,
  type Storage,
  Tensor,
} from "./lib/tensor.ts";
export {
  add,
  addScalar,
  clamp,
  div,
  exp,
  linear,
  log,
  logSoftmax,
  matmul,
  maximum,
  mean,
  minimum,
  mul,
  mulScalar,
  neg,
  relu,
  reshape,
  sliceCols,
  square,
  sub,
  sum,
  tanh,
} from "./lib/ops.ts";
export { gradcheck, type GradcheckOptions, type GradcheckResult } from "./lib/gradcheck.ts";
export { gemm, transpose } from "./lib/gemm.ts";
export { startThreads, stopThreads, threadCount } from "./lib/threads.ts";
export {
  type BackendName,
  getBackend,
  type Layout,
  product,
  setBackend,
  simdSupported,
} from "./lib/backend.ts";
export { gemmWasm } from "./lib/gemm_wasm.ts";
export { Rng, type RngState } from "./lib/rng.ts";

// Distributions, networks, optimizers
export { DiagGaussian, k3, kl, MAX_LOG_RATIO } from "./lib/normal.ts";
export { Categorical, categoricalKl } from "./lib/categorical.ts";
export { type ActionDistribution, gatherDist, klDivergence } from "./lib/distribution.ts";
export { type Activation, Linear, Mlp, type MlpOptions, orthogonal } from "./lib/nn.ts";
export { GaussianMlpPolicy, type PolicyOptions, ValueMlp } from "./lib/policy.ts";
export { CategoricalMlpPolicy, type CategoricalPolicyOptions } from "./lib/categorical_policy.ts";
export { makePolicy, type Policy } from "./lib/policies.ts";
export {
  Adam,
  type AdamOptions,
  clipGradNorm,
  type Optimizer,
  SGD,
  zeroGrad,
} from "./lib/optim.ts";
export { lrSchedule, type Schedule, type ScheduleConfig } from "./lib/schedule.ts";

// Environments
export type { Box, Discrete, Env, EnvOptions, ResetOptions, Space, StepResult } from "./lib/env.ts";
export { boxSpace, clipToBox, clipToSpace, flatSize } from "./lib/env.ts";
export { RewardScaler, RunningMeanStd } from "./lib/running_stats.ts";
export { envDescriptions, envIds, makeEnv } from "./envs/registry.ts";
export { Pendulum } from "./envs/pendulum.ts";
export { CartPole } from "./envs/cartpole.ts";
export { Acrobot } from "./envs/acrobot.ts";
export { MountainCar, MountainCarContinuous } from "./envs/mountain_car.ts";
export {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  RecordEpisodeStatistics,
  TimeLimit,
  Wrapper,
} from "./envs/wrappers.ts";
export { VectorEnv, type VectorEnvLike, type VectorSnapshot } from "./lib/vector_env.ts";
export { makeVectorEnv } from "./envs/worker_pool.ts";

// Training: train() and its config (the CLI's flags), one trainer per algorithm, evaluation
export {
  algos,
  type Config,
  configFor,
  configHelp,
  defaults,
  layerSizes,
  presets,
  validateConfig,
} from "./lib/config.ts";
export {
  type EnvFactory,
  NonFiniteError,
  resolveConfig,
  type RunInfo,
  type TrainOptions,
  type TrainResult,
  type VectorEnvFactory,
} from "./lib/train.ts";
export { GrpoTrainer } from "./lib/grpo_trainer.ts";
export { PpoTrainer } from "./lib/ppo_trainer.ts";
export { optimizeEpochs, type TrainContext, type Trainer } from "./lib/trainer.ts";
export { type EvalResult, evaluate, type EvaluateOptions } from "./lib/evaluate.ts";

/**
 * Trains with GRPO or PPO (lib/train.ts) on the registered env `config.env` (default Pendulum-v1),
 * or on the envs `options.env(rng, id)` makes: any object implementing {@link Env}. With
 * `envWorkers` > 0 the members of a registered env run in Web Workers ({@link makeVectorEnv}).
 */
export function train(
  config: Partial<Config>,
  options: TrainOptions = {},
): Promise<TrainResult> {
  return trainWith(config, {
    env: (rng, id) => makeEnv(id, { rng }),
    vectorEnv: (id, n, o) => makeVectorEnv(id, n, { ...o, backend: "workers" }),
    ...options,
  });
}

// Learning: advantages, losses, rollouts
export { gae, type GroupAdvantageOptions, groupAdvantages } from "./lib/returns.ts";
export { adaptKlCoef, grpoLoss, type GrpoLossOptions } from "./lib/grpo.ts";
export { ppoLoss, type PpoLossOptions } from "./lib/ppo.ts";
export { collectGroups, collectSteps } from "./lib/rollout.ts";
export { forEachMinibatch, gatherRows } from "./lib/batch.ts";
export {
  type ComposedReward,
  composeRewards,
  halfCheetahTerms,
  mountainCarTerms,
  type OutcomeTerm,
  parseRewardSpec,
  pendulumTerms,
  rewardRegistry,
  type RewardTerm,
  type StepTerm,
  type Trajectory,
} from "./lib/rewards.ts";
export { behaviourCloning, type Demonstrations, nll } from "./lib/sft.ts";

// Runs: checkpoints and metrics
export { latestCheckpoint, loadCheckpoint, saveCheckpoint } from "./lib/checkpoint.ts";
export { meanOf, MetricsWriter, readMetrics, stdOf } from "./lib/metrics.ts";

// Reporting: rliable-style statistics over runs, and evaluation seeds
export * as stats from "./lib/stats.ts";
export { evalSeed } from "./lib/seeds.ts";
