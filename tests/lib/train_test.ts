/**
 * The library's train(): a user's own env (written here), onUpdate rows, an AbortSignal that stops
 * with a checkpoint and resumes exactly, and no folder unless `out` is given.
 */
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { checkpointPath, loadCheckpoint, saveCheckpoint } from "../../lib/checkpoint.ts";
import type { Config } from "../../lib/config.ts";
import { readMetrics } from "../../lib/metrics.ts";
import { Rng } from "../../lib/rng.ts";
import { train } from "../../lib/train.ts";
import { CategoricalMlpPolicy } from "../../lib/categorical_policy.ts";
import { CartPole } from "../../envs/cartpole.ts";
import { getBackend, setBackend } from "../../lib/backend.ts";
import { startThreads, stopThreads, threadCount } from "../../lib/threads.ts";
import { tempDir } from "../tmp.ts";
import { Target } from "./target_env.ts";

const env = (rng: Rng) => new Target(rng);
const small: Partial<Config> = {
  env: "Target-v0",
  hidden: "16,16",
  epochs: 4,
  minibatches: 4,
  lr: 0.01,
  lrSchedule: "constant",
  evalEpisodes: 20,
};
const grpo = { ...small, groups: 8, groupSize: 4, horizon: 20 }; // 640 steps per update
const ppo = { ...small, algo: "ppo", numEnvs: 4, rolloutSteps: 80, gamma: 0.9 }; // 320 per update

Deno.test("train() learns a custom env written in the test, with GRPO and PPO", async () => {
  for (const [name, cfg] of [["grpo", grpo], ["ppo", ppo]] as const) {
    const before = await train({ ...cfg, totalSteps: 1, lr: 1e-30 }, { env });
    const after = await train({ ...cfg, totalSteps: 12_800 }, { env });
    ok(before.eval!.mean < -4, `${name}: untrained ${before.eval!.mean}`);
    ok(after.eval!.mean > -2, `${name}: trained ${after.eval!.mean}`);
    strictEqual(after.out, undefined); // nothing written without `out`
    strictEqual(after.policy.obsSize, 1);
  }
});

Deno.test("onUpdate gets each metrics row; an aborted run checkpoints, and resumes bit for bit", async () => {
  const straight = tempDir(), split = tempDir();
  const rows: Record<string, number>[] = [];
  await train({ ...grpo, totalSteps: 2560, out: straight, checkpointEvery: 3 }, {
    env,
    onUpdate: (row) => void rows.push(row),
  });
  deepStrictEqual(rows.map((r) => r.update), [1, 2, 3, 4]);
  deepStrictEqual(rows.map((r) => r.global_step), readMetrics(straight).map((r) => r.global_step));
  const controller = new AbortController();
  const stopped = await train({ ...grpo, totalSteps: 2560, out: split, checkpointEvery: 3 }, {
    env,
    signal: controller.signal,
    onUpdate: (row) => row.update === 2 ? controller.abort() : undefined,
  });
  ok(stopped.stopped && stopped.update === 2 && stopped.eval === undefined);
  strictEqual((await loadCheckpoint(checkpointPath(split))).update, 2); // written though 2 % 3 ≠ 0
  await train({ resume: split }, { env });
  deepStrictEqual(
    (await loadCheckpoint(checkpointPath(split))).params,
    (await loadCheckpoint(checkpointPath(straight))).params,
  );
  await rejects(train(grpo), /options.env, the env factory, is required/);
  await Deno.remove(straight, { recursive: true });
  await Deno.remove(split, { recursive: true });
});

Deno.test("--init with --ref-coef resumes bit for bit without the init file: π_ref and its normalizer come from the run's checkpoint", async () => {
  const dir = tempDir(), init = `${dir}/init.json`;
  const base = { ...grpo, normObs: true, evalEpisodes: 0 };
  await train({ ...base, totalSteps: 640, out: `${dir}/a` }, { env });
  await Deno.copyFile(checkpointPath(`${dir}/a`), init);
  const cfg = { ...base, init, refCoef: 0.5, totalSteps: 2560, checkpointEvery: 3 };
  const split = async (out: string, between: () => Promise<void>) => {
    const controller = new AbortController();
    await train({ ...cfg, out }, {
      env,
      signal: controller.signal,
      onUpdate: (row) => row.update === 2 ? controller.abort() : undefined,
    });
    await between();
    await train({ resume: out }, { env });
  };
  await train({ ...cfg, out: `${dir}/straight` }, { env });
  const saved = await loadCheckpoint(init);
  const ckpt = await loadCheckpoint(checkpointPath(`${dir}/straight`));
  deepStrictEqual(ckpt.reference!.params, saved.params, "π_ref: the init policy, unchanged");
  deepStrictEqual(ckpt.reference!.obs, (saved.normalizers as { obs: unknown }).obs);
  // An old checkpoint (no `reference`) still rebuilds π_ref from the init file.
  await split(`${dir}/old`, async () => {
    const path = checkpointPath(`${dir}/old`), c = await loadCheckpoint(path);
    delete c.reference;
    await saveCheckpoint(path, c);
  });
  await split(`${dir}/moved`, () => Deno.rename(init, `${dir}/elsewhere.json`));
  const same = (d: string) =>
    readMetrics(d).map((r) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => !/SPS|sps|time\//.test(k)))
    );
  ok(same(`${dir}/straight`).every((r) => (r.kl as number) > 0), "the KL to π_ref is measured");
  for (const d of ["old", "moved"]) {
    deepStrictEqual(
      (await loadCheckpoint(checkpointPath(`${dir}/${d}`))).params,
      ckpt.params,
      `${d}: params`,
    );
    deepStrictEqual(same(`${dir}/${d}`), same(`${dir}/straight`), `${d}: metrics`);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("train() on a Discrete env (CartPole-v1): GRPO and PPO more than double the untrained return (10 → 108, 209); the checkpoint records the space", async () => {
  const dir = tempDir();
  const cart = (rng: Rng) => new CartPole({ rng });
  const base = { env: "CartPole-v1", evalEpisodes: 5 };
  for (const algo of ["grpo", "ppo"] as const) {
    const fields = { totalSteps: algo === "ppo" ? 2560 : 16_384 }; // 10 and 4 updates of the presets
    const untrained = await train({ ...base, algo, ...fields, lr: 1e-30 }, { env: cart });
    const run = await train({ ...base, algo, ...fields, out: `${dir}/${algo}` }, { env: cart });
    ok(run.policy instanceof CategoricalMlpPolicy);
    ok(
      run.eval!.mean > 2 * untrained.eval!.mean,
      `${algo}: ${untrained.eval!.mean} → ${run.eval!.mean}`,
    );
    const ckpt = await loadCheckpoint(checkpointPath(`${dir}/${algo}`));
    deepStrictEqual((ckpt.extra!.spaces as { action: unknown }).action, { kind: "discrete", n: 2 });
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a checkpoint records an action space with infinite bounds by its shape", async () => {
  const dir = tempDir();
  const unbounded = (rng: Rng) =>
    Object.assign(new Target(rng), {
      actionSpace: { shape: [1], low: Float32Array.of(-Infinity), high: Float32Array.of(Infinity) },
    });
  await train({ ...grpo, totalSteps: 1, evalEpisodes: 0, out: dir }, { env: unbounded });
  const ckpt = await loadCheckpoint(checkpointPath(dir));
  deepStrictEqual((ckpt.extra!.spaces as { action: unknown }).action, { kind: "box", shape: [1] });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a stop: an aborted signal runs no update; a stop in the final update still evaluates; env workers need a factory", async () => {
  const before = new AbortController();
  before.abort();
  const none = await train({ ...grpo, totalSteps: 640 }, { env, signal: before.signal });
  ok(none.stopped && none.update === 0 && none.step === 0);
  const late = new AbortController();
  const done = await train({ ...grpo, totalSteps: 640, evalEpisodes: 2 }, {
    env,
    signal: late.signal,
    onUpdate: () => late.abort(),
  });
  ok(!done.stopped && done.update === 1 && done.eval !== undefined);
  await rejects(
    train({ ...grpo, totalSteps: 640, envWorkers: 2 }, { env }),
    /--env-workers 2 needs options\.vectorEnv/,
  );
});

Deno.test("train() restores the caller's backend, keeps the caller's thread pool, and reuses the last periodic eval", async () => {
  const caller = getBackend();
  try {
    setBackend("ts");
    await startThreads(2);
    let envs = 0;
    const counted = (rng: Rng) => (envs++, new Target(rng));
    const r = await train({ ...grpo, totalSteps: 640, backend: "wasm", threads: 2, evalEvery: 1 }, {
      env: counted,
    });
    strictEqual(getBackend(), "ts");
    strictEqual(threadCount(), 2);
    const withFinal = envs;
    envs = 0;
    await train({ ...grpo, totalSteps: 640, evalEpisodes: 0 }, { env: counted });
    strictEqual(withFinal - envs, 1, "one evaluation env: the final eval is update 1's");
    strictEqual(r.eval!.returns.length, 20);
  } finally {
    stopThreads();
    setBackend(caller);
  }
});
