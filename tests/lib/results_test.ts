/**
 * Evaluation on an env-step grid, the step budget in actual env steps, and results.json: written at
 * every grid point, continued by a resumed run.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import type { Config } from "../../lib/config.ts";
import {
  evalGrid,
  parseResults,
  readResults,
  RESULTS_FILE,
  roundReturn,
} from "../../lib/results.ts";
import { Rng } from "../../lib/rng.ts";
import { evaluate } from "../../lib/evaluate.ts";
import { train } from "../../lib/train.ts";
import { tempDir } from "../tmp.ts";
import { Target } from "./target_env.ts";

const env = (rng: Rng) => new Target(rng);
const small: Partial<Config> = {
  env: "Target-v0",
  hidden: "8",
  epochs: 2,
  minibatches: 2,
  lr: 0.01,
  evalEpisodes: 10,
};
const grpo = { ...small, groups: 4, groupSize: 4, horizon: 20 }; // 320 steps per update
const ppo = { ...small, algo: "ppo", numEnvs: 2, rolloutSteps: 64 }; // 128 per update

Deno.test("evalGrid: 0, D, 2D, … below the budget, then the budget", () => {
  deepStrictEqual(evalGrid(1000, 300), [0, 300, 600, 900, 1000]);
  deepStrictEqual(evalGrid(900, 300), [0, 300, 600, 900]);
  deepStrictEqual(evalGrid(900, 0), [900]);
});

Deno.test("both algorithms evaluate on one env-step grid: each point at the end of the first update reaching it", async () => {
  for (const [cfg, perUpdate] of [[grpo, 320], [ppo, 128]] as const) {
    const r = await train({ ...cfg, totalSteps: 1000, evalEverySteps: 250 }, { env });
    deepStrictEqual(r.evals!.map((e) => e.grid), [0, 250, 500, 750, 1000]);
    for (const e of r.evals!) {
      strictEqual(e.step, Math.ceil(e.grid / perUpdate) * perUpdate, `${cfg.algo} at ${e.grid}`);
      strictEqual(e.update, e.step / perUpdate);
      strictEqual(e.returns.length, 10);
    }
    deepStrictEqual(
      r.evals!.at(-1)!.returns,
      r.eval!.returns.map((x) => Math.round(x * 1e4) / 1e4),
    );
  }
  // PPO: 128-step updates reach 250 at 256 and 500 at 512; an update crossing two points serves both.
  const coarse = await train({ ...ppo, totalSteps: 512, evalEverySteps: 100 }, { env });
  deepStrictEqual(coarse.evals!.map((e) => [e.grid, e.step]), [
    [0, 0],
    [100, 128],
    [200, 256],
    [300, 384],
    [400, 512],
    [500, 512],
    [512, 512],
  ]);
});

Deno.test("the step budget counts the env steps taken: GRPO members whose episodes end early run more updates", async () => {
  const short = (rng: Rng) => new Target(rng, 10); // 10-step episodes under a 20-step horizon
  const lrs: number[] = [];
  const r = await train({ ...grpo, totalSteps: 1280, evalEpisodes: 1, lrSchedule: "linear" }, {
    env: short,
    onUpdate: (row) => void lrs.push(row["charts/learning_rate"]),
  });
  strictEqual(r.step, 1280); // 16 members × 10 steps = 160 per update, not the nominal 320
  strictEqual(r.update, 8);
  // The linear schedule spans U = u + ⌈(1280 − 160u)/320⌉ updates: 4, 5, 5, 6, 6, 7, 7, 8.
  const U = [4, 5, 5, 6, 6, 7, 7, 8];
  lrs.forEach((lr, u) => ok(Math.abs(lr - 0.01 * (1 - u / U[u])) < 1e-15, `update ${u}: ${lr}`));
  const over = await train({ ...grpo, totalSteps: 1300, evalEpisodes: 1 }, { env: short });
  strictEqual(over.step, 1440); // whole updates: the first to reach the budget
});

Deno.test("results.json: the run, its stream and the grid evaluations; a stopped run resumes the file bit for bit", async () => {
  const straight = tempDir(), split = tempDir();
  const cfg = { ...grpo, seed: 7, totalSteps: 1600, evalEverySteps: 400, checkpointEvery: 100 };
  await train({ ...cfg, out: straight }, { env, session: { commit: "abc", machine: "m" } });
  const full = (await readResults(straight))!;
  strictEqual(full.complete, true);
  deepStrictEqual([full.env, full.algo, full.seed, full.evalStream], [
    "Target-v0",
    "grpo",
    7,
    10_007,
  ]);
  strictEqual(full.config.groups, 4);
  strictEqual(full.config.out, undefined);
  deepStrictEqual(full.sessions.map((s) => [s.fromStep, s.commit, s.machine]), [[0, "abc", "m"]]);
  ok(full.wallSeconds >= full.trainSeconds && full.trainSeconds > 0);
  // The last point is evaluate() of the final policy on stream 10 000 + seed.
  const again = await train({ ...cfg }, { env });
  const check = await evaluate(again.policy, {
    env: () => env(new Rng(0)),
    episodes: 10,
    seed: 10_007,
  });
  deepStrictEqual(full.evals.at(-1)!.returns, check.returns.map(roundReturn));

  const controller = new AbortController();
  const stopped = await train({ ...cfg, out: split }, {
    env,
    signal: controller.signal,
    onUpdate: (row) => row.update === 3 ? controller.abort() : undefined,
  });
  ok(stopped.stopped);
  const partial = (await readResults(split))!;
  strictEqual(partial.complete, false);
  deepStrictEqual(partial.evals.map((e) => e.grid), [0, 400, 800]);
  // A point written after the last checkpoint (a kill between the two) is dropped and redone. The
  // wall time restarts from the checkpoint's, not from the file's (an impossible 10⁶ s here, so
  // that the test sees which one is used).
  const extra = { grid: 1200, step: 1280, update: 4, returns: [1] };
  await Deno.writeTextFile(
    `${split}/${RESULTS_FILE}`,
    JSON.stringify({ ...partial, wallSeconds: 1e6, evals: [...partial.evals, extra] }),
  );
  await train({ resume: split }, { env });
  const resumed = (await readResults(split))!;
  strictEqual(resumed.complete, true);
  deepStrictEqual(resumed.evals, full.evals);
  deepStrictEqual(resumed.sessions.map((s) => s.fromStep), [0, 960]);
  ok(
    resumed.wallSeconds >= resumed.trainSeconds && resumed.wallSeconds < 1e3,
    `${resumed.wallSeconds} s`,
  );
  throws(() => parseResults("{}", "x.json"), /x.json: expected format grpo-ts\/results/);
  await Deno.remove(straight, { recursive: true });
  await Deno.remove(split, { recursive: true });
});
