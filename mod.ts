/**
 * grpo-ts: group relative policy optimization (GRPO) and PPO for continuous control, in plain
 * TypeScript. Import this file by URL; it needs no deno.json.
 *
 * @example
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
export { type Activation, Linear, Mlp, type MlpOptions, orthogonal } from "./lib/nn.ts";
export { GaussianMlpPolicy, type PolicyOptions, ValueMlp } from "./lib/policy.ts";
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
export type { Box, Env, EnvOptions, ResetOptions, StepResult } from "./envs/types.ts";
export { clipToBox } from "./envs/types.ts";
export { envDescriptions, envIds, makeEnv } from "./envs/registry.ts";
export { Pendulum } from "./envs/pendulum.ts";
export {
  ClipAction,
  NormalizeObservation,
  NormalizeReward,
  RecordEpisodeStatistics,
  RewardScaler,
  RunningMeanStd,
  TimeLimit,
  Wrapper,
} from "./envs/wrappers.ts";
export { VectorEnv, type VectorEnvLike } from "./envs/vector.ts";
export { makeVectorEnv } from "./envs/worker_pool.ts";

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
