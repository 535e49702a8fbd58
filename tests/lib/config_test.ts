/** Configs: undefined fields, unknown keys, checkpoint fit, and resuming a checkpoint saved by older code. */
import { match, strictEqual, throws } from "node:assert/strict";
import { saveCheckpoint } from "../../lib/checkpoint.ts";
import { checkCheckpointFits, configFor, defaults, validateConfig } from "../../lib/config.ts";
import { resolveConfig } from "../../lib/train.ts";
import { tempDir } from "../tmp.ts";

Deno.test("configFor: an undefined field keeps the default; an unknown key is named with the valid ones", () => {
  strictEqual(configFor({ seed: undefined }).seed, defaults.seed);
  validateConfig(configFor({ seed: undefined }));
  const typo = { totalStep: 5 } as unknown as Parameters<typeof configFor>[0];
  throws(
    () => validateConfig(configFor(typo)),
    /Unknown config field "totalStep": valid .*totalSteps/,
  );
  throws(
    () => validateConfig(configFor({ backend: "gpu" })),
    /--backend is "gpu", expected one of ts, wasm/,
  );
  throws(
    () => validateConfig(configFor({ groupStart: "mixed" })),
    /--group-start is "mixed", expected one of shared, independent/,
  );
  throws(
    () => validateConfig(configFor({ groupStart: "independent", branchProb: 0.9 })),
    /--branch-prob is 0.9, expected 0 with --group-start independent/,
  );
  validateConfig(configFor({ groupStart: "independent", branchProb: 0 }));
});

Deno.test("checkCheckpointFits: --resume checks normReward, --init checks activation and normObs", () => {
  const cfg = configFor({ algo: "ppo" });
  const saved = { ...cfg } as unknown as Record<string, unknown>;
  throws(
    () => checkCheckpointFits({ ...saved, normReward: !cfg.normReward }, cfg, "resume"),
    /--norm-reward false vs true/,
  );
  throws(
    () => checkCheckpointFits({ ...saved, activation: "tanh" }, cfg, "init"),
    /--activation tanh vs relu/,
  );
  throws(
    () => checkCheckpointFits({ ...saved, normObs: true }, cfg, "init"),
    /--norm-obs true vs false/,
  );
  checkCheckpointFits(saved, cfg, "init");
});

Deno.test("resume of a checkpoint saved before --backend: backend ts, missing fields from the saved env's preset", async () => {
  const dir = tempDir();
  const args = { env: "CartPole-v1", algo: "ppo", hidden: "64,64", seed: 3, retired: 1 };
  await saveCheckpoint(`${dir}/checkpoint.json`, {
    step: 0,
    update: 0,
    args,
    params: {},
    optimizer: null,
    normalizers: null,
    rng: {},
  });
  const { cfg } = await resolveConfig({ resume: dir });
  strictEqual(cfg.backend, "ts");
  strictEqual(cfg.numEnvs, 8); // CartPole's PPO preset, not the default grpo's
  strictEqual(cfg.seed, 3);
  match(String(cfg.out), new RegExp(dir));
  await Deno.remove(dir, { recursive: true });
});
