import { tempDir } from "../tmp.ts";
import { deepStrictEqual, match, ok, rejects, strictEqual } from "node:assert/strict";
import { checkpointPath, loadCheckpoint } from "../../lib/checkpoint.ts";
import { readMetrics } from "../../lib/metrics.ts";
import { main, NonFiniteError } from "../../scripts/train.ts";
import { main as evalMain } from "../../scripts/eval.ts";

const tiny = [
  "--hidden",
  "16,16",
  "--epochs",
  "2",
  "--minibatches",
  "4",
  "--eval-episodes",
  "0",
  "--quiet",
  "--checkpoint-every",
  "1",
  "--lr-schedule",
  "constant",
];
const grpo = [...tiny, "--groups", "2", "--group-size", "2", "--horizon", "50"]; // 200 steps per update
const ppo = [...tiny, "--algo", "ppo", "--num-envs", "2", "--rollout-steps", "100"];
/** Metrics rows without their timing columns (SPS, time/*). */
const untimed = (rows: Record<string, unknown>[]) =>
  rows.map((r) =>
    Object.fromEntries(Object.entries(r).filter(([k]) => k !== "SPS" && !k.startsWith("time/")))
  );
const paramsOf = async (dir: string) => (await loadCheckpoint(checkpointPath(dir))).params;

Deno.test("smoke: GRPO and PPO runs write args, metrics with standard names, and a checkpoint", async () => {
  for (const [name, args] of [["grpo", grpo], ["ppo", ppo]] as const) {
    const dir = tempDir();
    await main([...args, "--total-steps", "400", "--out", dir]);
    const rows = readMetrics(dir);
    deepStrictEqual(rows.length, 2, name);
    for (
      const k of [
        "global_step",
        "charts/episodic_return",
        "losses/approx_kl",
        "grad_norm",
        "SPS",
        "charts/learning_rate",
      ]
    ) {
      ok(k in rows[0], `${name}: metrics lack ${k}`);
    }
    if (name === "grpo") ok("frac_reward_zero_std" in rows[0] && "kl_beta" in rows[0]);
    else ok("losses/value_loss" in rows[0] && "losses/clipfrac" in rows[0]);
    const ckpt = await loadCheckpoint(checkpointPath(dir));
    deepStrictEqual(ckpt.step, 400);
    const dead = name === "grpo" ? ["envStates", "lastObs", "discounted"] : ["klCoef", "starts"];
    ok(dead.every((k) => !(k in ckpt.extra!)), `${name} saves ${Object.keys(ckpt.extra!)}`);
    ok(JSON.parse(await Deno.readTextFile(`${dir}/args.json`)).algo === name);
  }
});

Deno.test("resume is exact: 2 runs of 1k steps with a resume equal one 2k run, bit for bit (GRPO and PPO)", async () => {
  for (const args of [grpo, ppo]) {
    const straight = tempDir(), split = tempDir();
    await main([...args, "--total-steps", "2000", "--out", straight]);
    await main([...args, "--total-steps", "1000", "--out", split]);
    await main(["--resume", split, "--total-steps", "2000", "--quiet"]);
    deepStrictEqual(await paramsOf(split), await paramsOf(straight));
    deepStrictEqual(untimed(readMetrics(split)), untimed(readMetrics(straight)));
  }
});

Deno.test("--env-workers: the numbers of one thread, and a resume across the two is exact (HalfCheetah GRPO with branches, PPO)", async () => {
  const cheetah = [...tiny, "--env", "HalfCheetah-v5", "--threads", "1"];
  const runs = [ // [args, env workers before the resume, after it]
    [[...cheetah, "--groups", "2", "--group-size", "2", "--horizon", "20"], "2", "0"], // 80 steps per update
    [[...cheetah, "--algo", "ppo", "--num-envs", "2", "--rollout-steps", "40"], "0", "2"],
  ] as const;
  for (const [args, before, after] of runs) {
    const straight = tempDir(), split = tempDir();
    await main([...args, "--total-steps", "400", "--out", straight]);
    await main([...args, "--total-steps", "160", "--env-workers", before, "--out", split]);
    await main(["--resume", split, "--total-steps", "400", "--env-workers", after, "--quiet"]);
    const [a, b] = [
      await loadCheckpoint(checkpointPath(split)),
      await loadCheckpoint(checkpointPath(straight)),
    ];
    deepStrictEqual(a.params, b.params);
    deepStrictEqual(a.rng, b.rng);
    const times = { trainSeconds: 0, wallSeconds: 0 };
    deepStrictEqual({ ...a.extra, ...times }, { ...b.extra, ...times });
    deepStrictEqual(untimed(readMetrics(split)), untimed(readMetrics(straight)));
  }
  await rejects(
    main([...tiny, "--reward", "swing:1", "--env-workers", "2", "--out", tempDir()]),
    /--env-workers is 2, expected 0 with --reward/,
  );
});

Deno.test("a non-finite loss stops the run naming the step and term, and keeps the last good checkpoint", async () => {
  const dir = tempDir();
  await main([...grpo, "--total-steps", "200", "--out", dir]);
  const good = await Deno.readTextFile(checkpointPath(dir));
  const err = await main([
    "--resume",
    dir,
    "--total-steps",
    "4000",
    "--lr",
    "1e38",
    "--max-grad-norm",
    "0",
    "--quiet",
  ]).then(() => undefined, (e: Error) => e);
  ok(err instanceof NonFiniteError, `expected a NonFiniteError, got ${err}`);
  match(err.message, /Non-finite .* at global step \d+ \(update \d+\)/);
  ok(!/kl_old|kl_ref|entropy/.test(err.message), `switched-off terms listed: ${err.message}`);
  strictEqual(await Deno.readTextFile(checkpointPath(dir)), good); // the last good checkpoint, untouched
  const after = await loadCheckpoint(checkpointPath(dir));
  ok(Object.values(after.params).every((p) => p.every(Number.isFinite)));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--drop-zero-std skips an update whose every group is flat instead of crashing", async () => {
  const dir = tempDir();
  const args = [
    "--reward",
    "upright",
    "--drop-zero-std",
    "--horizon",
    "10",
    "--total-steps",
    "400",
  ];
  await main([...grpo, ...args, "--out", dir]); // "upright" is 0 in most short episodes from a reset
  const rows = readMetrics(dir);
  const skipped = rows.filter((r) => r["frac_reward_zero_std"] === 1);
  ok(skipped.length > 0 && skipped.every((r) => r["losses/policy_loss"] === null));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("unknown algo and env names list the valid ones", async () => {
  await rejects(main(["--algo", "sac"]), /Unknown algo "sac": valid ones are grpo, ppo/);
  await rejects(
    main(["--env", "Foo-v0", "--quiet", "--out", tempDir()]),
    /Unknown env id "Foo-v0": valid ids are Pendulum-v1, HalfCheetah-v5/,
  );
});

Deno.test("--critic-hidden sizes PPO's critic alone; malformed layer sizes are rejected by name", async () => {
  const dir = tempDir();
  await main([...ppo, "--critic-hidden", "8", "--total-steps", "200", "--out", dir]);
  const params = await paramsOf(dir); // Pendulum: 3 observations
  deepStrictEqual([params["pi.0.weight"].length, params["vf.0.weight"].length], [3 * 16, 3 * 8]);
  deepStrictEqual(params["vf.1.weight"].length, 8); // the value head
  await rejects(
    main([...ppo, "--critic-hidden", "64,x", "--out", dir]),
    /--critic-hidden must be comma-separated positive integers like 64,64, got "64,x"/,
  );
});

Deno.test("a real SIGKILL mid-run loses at most one checkpoint interval; --resume then finishes exactly", async () => {
  const straight = tempDir(), killed = tempDir();
  const args = [...grpo, "--total-steps", "6000"];
  await main([...args, "--out", straight]);
  const script = new URL("../../scripts/train.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args, "--out", killed],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const deadline = Date.now() + 60_000;
  let step = 0;
  while (step < 1000 && Date.now() < deadline) { // wait for a few checkpoints, then kill at once
    await new Promise((r) => setTimeout(r, 20));
    step = await loadCheckpoint(checkpointPath(killed)).then((c) => c.step, () => 0);
  }
  child.kill("SIGKILL");
  const status = await child.status;
  ok(!status.success, "the child was killed before finishing");
  const ckpt = await loadCheckpoint(checkpointPath(killed)); // never torn: written by rename
  ok(ckpt.step >= 1000 && ckpt.step < 6000, `checkpoint at step ${ckpt.step}`);
  await main(["--resume", killed, "--quiet"]);
  deepStrictEqual(await paramsOf(killed), await paramsOf(straight));
});

Deno.test("learning check: the default GRPO preset at two thirds of its budget clearly improves Pendulum's deterministic return", async () => {
  const dir = tempDir();
  await main(["--total-steps", "100000", "--quiet", "--out", dir]);
  const evals = readMetrics(dir).map((r) => r["charts/eval_return"]).filter((v) =>
    typeof v === "number"
  ) as number[];
  // A random policy scores about −1200 and a solved one −200: the first evaluation (update 5) must
  // still be far from solved and the last within 100 of it.
  ok(
    evals.length >= 2 && evals[0] < -700 && evals.at(-1)! > -300,
    `eval return went ${evals.join(" → ")}`,
  );
});

Deno.test("eval loads a checkpoint and reports the deterministic return over fresh episodes", async () => {
  const dir = tempDir();
  await main([...grpo, "--total-steps", "200", "--out", dir]);
  const a = await evalMain(["--checkpoint", checkpointPath(dir), "--episodes", "3", "--seed", "5"]);
  const b = await evalMain(["--checkpoint", checkpointPath(dir), "--episodes", "3", "--seed", "5"]);
  deepStrictEqual(a, b);
  ok(a && a.returns.length === 3 && a.returns.every((r) => r <= 0 && r >= -16.2736044 * 200));
  await rejects(evalMain(["--checkpoint", `${dir}/missing.json`]), /does not exist/);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("eval.json records its evaluation stream, which eval --seed reproduces", async () => {
  const dir = tempDir();
  await main([...grpo, "--total-steps", "200", "--eval-episodes", "2", "--out", dir]);
  const saved = JSON.parse(await Deno.readTextFile(`${dir}/eval.json`));
  strictEqual(saved.stream, 10_001); // 10 000 + --seed 1
  const again = await evalMain(["--checkpoint", dir, "--episodes", "2", "--seed", "10001"]);
  deepStrictEqual(again!.returns, saved.returns);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("--reward trains on composed terms, logs each unweighted, and the logged total respects the weights", async () => {
  const dir = tempDir();
  await main([...ppo, "--reward", "angle:2,torque:0.5", "--total-steps", "400", "--out", dir]);
  for (const row of readMetrics(dir)) {
    const angle = row["rewards/angle/mean"] as number,
      torque = row["rewards/torque/mean"] as number;
    ok(angle < 0 && torque < 0, JSON.stringify(row));
    ok(
      Math.abs((row.reward as number) - (2 * angle + 0.5 * torque)) < 1e-9,
      `${row.reward} vs ${2 * angle + 0.5 * torque}`,
    );
  }
  await rejects(
    main(["--reward", "angle,fly", "--quiet"]),
    /Unknown reward term "fly" for Pendulum-v1: known terms are angle, velocity, torque, spin, overspeed, upright/,
  );
  await rejects(
    main([...ppo, "--reward", "upright", "--out", tempDir()]),
    /PPO takes per-step reward terms only/,
  );
});

Deno.test("with --norm-obs, π_ref keeps the init's observation statistics while the run's move on", async () => {
  const a = tempDir(), b = tempDir();
  const norm = [...grpo, "--norm-obs", "--ref-coef", "0.5", "--ref-kl", "exact"];
  await main([...norm, "--total-steps", "200", "--out", a]);
  // lr 1e-30 (0 is refused): π_θ keeps the init's weights, but its inputs are normalized with
  // statistics that keep updating, while π_ref's stay frozen: as a function of raw observations
  // the policy drifts, KL > 0.
  await main([
    ...norm,
    "--total-steps",
    "400",
    "--init",
    checkpointPath(a),
    "--lr",
    "1e-30",
    "--out",
    b,
  ]);
  deepStrictEqual(await paramsOf(b), await paramsOf(a));
  const kl = readMetrics(b).map((r) => r.kl as number);
  ok(kl.every((k) => k > 1e-6), `kl ${kl}`);
  await Deno.remove(a, { recursive: true });
  await Deno.remove(b, { recursive: true });
});

Deno.test("--init starts from a checkpoint's policy, which is also the frozen reference of --ref-coef", async () => {
  const a = tempDir(), b = tempDir();
  await main([...grpo, "--total-steps", "400", "--out", a]);
  // lr 1e-30: the policy moves by less than float32 resolves (lr 0 is refused), so it stays
  // within 1e-29 of the init and at KL 0 from the reference.
  await main([
    ...grpo,
    "--total-steps",
    "200",
    "--init",
    checkpointPath(a),
    "--ref-coef",
    "0.5",
    "--lr",
    "1e-30",
    "--out",
    b,
  ]);
  const pa = await paramsOf(a), pb = await paramsOf(b);
  for (const k of Object.keys(pa)) ok(pa[k].every((x, i) => Math.abs(x - pb[k][i]) <= 1e-29), k);
  deepStrictEqual(readMetrics(b)[0].kl, 0);
  // with learning, the KL to the reference becomes positive
  const c = tempDir();
  await main([
    ...grpo,
    "--total-steps",
    "400",
    "--init",
    checkpointPath(a),
    "--ref-coef",
    "0.5",
    "--out",
    c,
  ]);
  ok((readMetrics(c).at(-1)!.kl as number) > 0);
  await rejects(
    main([...grpo, "--hidden", "8,8", "--init", checkpointPath(a), "--out", c]),
    /checkpoint was trained on Pendulum-v1 with grpo, \[16, 16\]; this run is Pendulum-v1 with grpo, \[8, 8\]/,
  );
});

Deno.test("CartPole-v1 (Discrete): GRPO with both KL terms and PPO train, resume exactly, record the space, evaluate", async () => {
  const root = await Deno.makeTempDir();
  try {
    const cart = ["--env", "CartPole-v1"];
    const kls = ["--kl-coef", "0.1", "--ref-coef", "0.1", "--ref-kl", "exact"];
    const runs = [["grpo", [...grpo, ...cart, ...kls]], ["ppo", [...ppo, ...cart]]] as const;
    for (const [name, args] of runs) {
      const straight = `${root}/${name}_a`, split = `${root}/${name}_b`;
      await main([...args, "--total-steps", "400", "--out", straight]);
      await main([...args, "--total-steps", "200", "--out", split]);
      await main(["--resume", split, "--total-steps", "400", "--quiet"]);
      deepStrictEqual(await paramsOf(split), await paramsOf(straight), name);
      const ckpt = await loadCheckpoint(checkpointPath(straight));
      deepStrictEqual(ckpt.extra?.spaces, {
        observation: [4],
        action: { kind: "discrete", n: 2 },
      });
      deepStrictEqual(Object.keys(ckpt.params).filter((k) => k.startsWith("pi.")), [
        "pi.0.weight",
        "pi.0.bias",
        "pi.1.weight",
        "pi.1.bias",
        "pi.2.weight",
        "pi.2.bias",
      ]);
      if (name === "grpo") ok(Number.isFinite(readMetrics(straight)[0].kl_old as number));
      const r = await evalMain(["--checkpoint", checkpointPath(straight), "--episodes", "2"]);
      ok(
        r!.returns.every((x) => Number.isInteger(x) && x >= 8 && x <= 500),
        `returns ${r!.returns}`,
      );
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("--overwrite without --out overwrites the default folder instead of picking -2", async () => {
  const dir = tempDir(), cwd = Deno.cwd();
  try {
    Deno.chdir(dir);
    await main([...grpo, "--total-steps", "200"]);
    await main([...grpo, "--total-steps", "200", "--overwrite"]);
    deepStrictEqual([...Deno.readDirSync("runs")].map((e) => e.name), ["Pendulum-v1_grpo_s1"]);
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
});
