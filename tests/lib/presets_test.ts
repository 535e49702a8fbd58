/**
 * Every env in envIds has a preset for each algorithm that validates, builds its env and policy,
 * and trains: one full-size update on the cheap envs, a shrunken one on the rest.
 */
import { ok, strictEqual } from "node:assert/strict";
import { envIds, makeEnv } from "../../envs/registry.ts";
import {
  algos,
  type Config,
  configFor,
  layerSizes,
  presets,
  validateConfig,
} from "../../lib/config.ts";
import { makePolicy } from "../../lib/policies.ts";
import { Rng } from "../../lib/rng.ts";
import { train, type VectorEnvFactory } from "../../lib/train.ts";
import { makeVectorEnv } from "../../envs/worker_pool.ts";

const factory = (rng: Rng, id: string) => makeEnv(id, { rng });
const members: VectorEnvFactory = (id, n, o) => makeVectorEnv(id, n, { ...o, backend: "workers" });

Deno.test("presets: every env id has a GRPO and a PPO preset that validates and builds", async () => {
  for (const id of envIds) {
    for (const algo of algos) {
      const preset = (presets as Record<string, Record<string, Partial<Config>>>)[id]?.[algo];
      ok(preset && Object.keys(preset).length > 0, `no ${algo} preset for ${id}`);
      const cfg = configFor({ env: id, algo });
      validateConfig(cfg);
      const env = await makeEnv(id, { rng: new Rng(1) });
      const policy = makePolicy(env.observationSpace.shape[0], env.actionSpace, {
        rng: new Rng(1),
        hidden: layerSizes("hidden", cfg.hidden),
        activation: cfg.activation as "relu" | "tanh",
        stateIndependentStd: cfg.stateIndependentStd,
        initLogStd: cfg.initLogStd,
      });
      const { obs } = env.reset({ seed: 1 });
      const { actions } = policy.act(obs, new Rng(2));
      const step = env.step(actions); // throws on an action the env refuses
      ok(Number.isFinite(step.reward), `${id} ${algo}: reward ${step.reward}`);
      env.close();
    }
  }
});

// One update of each preset at its full size: `totalSteps: 1` rounds up to one update.
for (const env of ["CartPole-v1", "InvertedPendulum-v5"]) {
  for (const algo of algos) {
    Deno.test(`presets: ${env} ${algo} takes one full-size update`, async () => {
      const rows: Record<string, number>[] = [];
      await train({ env, algo, totalSteps: 1, evalEpisodes: 0, quiet: true }, {
        env: factory,
        onUpdate: (row) => void rows.push(row),
      });
      strictEqual(rows.length, 1);
      ok(Number.isFinite(rows[0]["losses/policy_loss"]), JSON.stringify(rows[0]));
    });
  }
}

// The rest, shrunken to a few steps: the preset's network, normalization and loss settings run.
const tiny: Partial<Config> = {
  totalSteps: 1,
  groups: 1,
  groupSize: 2,
  horizon: 8,
  numEnvs: 1,
  rolloutSteps: 16,
  minibatches: 2,
  epochs: 1,
  evalEpisodes: 0,
  threads: 1,
  quiet: true,
};
Deno.test("presets: every other env takes one shrunken update with each preset", async () => {
  for (const env of envIds.filter((id) => !["CartPole-v1", "InvertedPendulum-v5"].includes(id))) {
    for (const algo of algos) {
      const rows: Record<string, number>[] = [];
      await train({ env, algo, ...tiny }, {
        env: factory,
        vectorEnv: members, // presets with --env-workers
        onUpdate: (row) => void rows.push(row),
      });
      strictEqual(rows.length, 1, `${env} ${algo}`);
      ok(
        Number.isFinite(rows[0]["losses/policy_loss"]),
        `${env} ${algo}: ${JSON.stringify(rows[0])}`,
      );
    }
  }
});
