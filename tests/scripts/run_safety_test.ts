/**
 * Runs never lose data and every bad input is refused up front, naming the flag (issue 14).
 * In-process through `main(argv)`; one subprocess test for signals and the lock.
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import { checkpointPath, loadCheckpoint } from "../../lib/checkpoint.ts";
import { MetricsWriter, readMetrics } from "../../lib/metrics.ts";
import { Adam } from "../../lib/optim.ts";
import { GaussianMlpPolicy } from "../../lib/policy.ts";
import { Progress } from "../../lib/progress.ts";
import { Rng } from "../../lib/rng.ts";
import { freeRunDir, LOCK_FILE } from "../../lib/run_folder.ts";
import { Tensor } from "../../lib/tensor.ts";
import { makeEnv } from "../../envs/registry.ts";
import { main } from "../../scripts/train.ts";
import { parseConfig, usage } from "../../scripts/config.ts";
import { main as evalMain } from "../../scripts/eval.ts";
import { tempDir } from "../tmp.ts";

const grpo = [
  ...["--hidden", "16,16", "--epochs", "1", "--minibatches", "2", "--eval-episodes", "0"],
  ...["--checkpoint-every", "1", "--lr-schedule", "constant", "--groups", "2"],
  ...["--group-size", "2", "--horizon", "50"],
]; // 200 steps per update
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
const read = (p: string) => Deno.readTextFile(p);

/** Captures console.log and console.error while `f` runs. */
async function captured(f: () => Promise<unknown>): Promise<{ out: string; err: string }> {
  const [log, error] = [console.log, console.error];
  let out = "", err = "";
  console.log = (...a: unknown[]) => (out += a.join(" ") + "\n");
  console.error = (...a: unknown[]) => (err += a.join(" ") + "\n");
  try {
    await f();
  } finally {
    [console.log, console.error] = [log, error];
  }
  return { out, err };
}

Deno.test("a folder holding a run is refused unless resumed or --overwrite; default names count up", async () => {
  const dir = tempDir();
  await main([...grpo, "--quiet", "--total-steps", "400", "--out", dir]);
  const before = await read(checkpointPath(dir));
  await rejects(
    main([...grpo, "--quiet", "--total-steps", "200", "--seed", "2", "--out", dir]),
    new RegExp(
      `--out ${dir} already holds a run \\(args.json, checkpoint.json, metrics.jsonl, ` +
        `metrics.csv\\); continue it with --resume ${dir}, replace it with --overwrite`,
    ),
  );
  strictEqual(await read(checkpointPath(dir)), before);
  await main([
    ...grpo,
    "--quiet",
    "--total-steps",
    "200",
    "--seed",
    "2",
    "--overwrite",
    "--out",
    dir,
  ]);
  strictEqual((await loadCheckpoint(checkpointPath(dir))).step, 200);
  ok(!("overwrite" in JSON.parse(await read(`${dir}/args.json`))), "--overwrite never sticks");
  strictEqual(freeRunDir(dir), `${dir}-2`);
  strictEqual(freeRunDir(`${dir}/sub`), `${dir}/sub`);
  Deno.removeSync(checkpointPath(dir)); // as a run stopped before its first checkpoint leaves it
  await rejects(
    main([...grpo, "--quiet", "--total-steps", "200", "--out", dir]),
    /already holds a run \(args.json, metrics.jsonl, metrics.csv\); it stopped before its first checkpoint, so it cannot be resumed, replace it with --overwrite/,
  );
});

Deno.test("--resume DIR resumes where the files lie, writes DIR's args.json, and --quiet does not stick", async () => {
  const root = tempDir(), a = `${root}/a`, b = `${root}/b`;
  await main([...grpo, "--quiet", "--total-steps", "200", "--out", a]);
  await Deno.mkdir(b);
  for (const f of ["args.json", "checkpoint.json", "metrics.jsonl", "metrics.csv"]) {
    await Deno.copyFile(`${a}/${f}`, `${b}/${f}`);
  }
  const original = await Promise.all(
    ["checkpoint.json", "metrics.csv"].map((f) => read(`${a}/${f}`)),
  );
  ok(!("quiet" in JSON.parse(await read(`${a}/args.json`))));
  const { out } = await captured(() => main(["--resume", b, "--total-steps", "400"]));
  ok(
    out.includes(`run folder ${b}: resumed at step 200`) && out.includes(`run folder ${b}: done`),
    out,
  );
  deepStrictEqual(
    await Promise.all(["checkpoint.json", "metrics.csv"].map((f) => read(`${a}/${f}`))),
    original,
  );
  strictEqual((await loadCheckpoint(checkpointPath(b))).step, 400);
  strictEqual(JSON.parse(await read(`${b}/args.json`)).out, b);
  await rejects(main(["--resume", b, "--out", a]), /a run resumes in its own folder/);
});

Deno.test("a resume that fails validation changes nothing in the folder", async () => {
  const dir = tempDir();
  await main([...grpo, "--quiet", "--total-steps", "400", "--out", dir]);
  const files = ["args.json", "checkpoint.json", "metrics.jsonl", "metrics.csv"];
  const before = await Promise.all(files.map((f) => read(`${dir}/${f}`)));
  await rejects(
    main(["--resume", dir, "--groups", "3", "--total-steps", "800", "--quiet"]),
    /checkpoint was trained on Pendulum-v1 with grpo, \[16, 16\]; this run is Pendulum-v1 with grpo, \[16, 16\] \(--groups 2 vs 3\)/,
  );
  await rejects(
    main(["--resume", dir, "--algo", "ppo", "--quiet"]),
    /checkpoint was trained on Pendulum-v1 with grpo, \[16, 16\]; this run is Pendulum-v1 with ppo, \[16, 16\]/,
  );
  const ckpt = JSON.parse(before[1]);
  ckpt.extra.starts = [{ state: [1], obs: [0, 0, 0] }, null];
  await Deno.writeTextFile(checkpointPath(dir), JSON.stringify(ckpt));
  const edited = await read(checkpointPath(dir));
  await rejects(
    main(["--resume", dir, "--quiet"]),
    /saved start states do not fit this run: group 0/,
  );
  deepStrictEqual(await Promise.all(files.map((f) => read(`${dir}/${f}`))), [
    before[0],
    edited,
    ...before.slice(2),
  ]);
});

Deno.test("the run lock: a live holder is named and refused; a dead one's lock is taken over", async () => {
  const dir = tempDir();
  await main([...grpo, "--quiet", "--total-steps", "200", "--out", dir]);
  ok(!(await exists(`${dir}/${LOCK_FILE}`)), "the lock is released at the end");
  const host = Deno.hostname();
  const lock = (pid: number) =>
    Deno.writeTextFile(`${dir}/${LOCK_FILE}`, JSON.stringify({ pid, host, started: "t0" }));
  await lock(Deno.pid);
  await rejects(
    main(["--resume", dir, "--total-steps", "400", "--quiet"]),
    new RegExp(`run folder ${dir} is in use by pid ${Deno.pid} on host ${host} \\(since t0\\)`),
  );
  const dead = new Deno.Command("true").spawn();
  await dead.status; // a pid that has exited
  await Deno.writeTextFile( // another host's process cannot be checked: never taken over
    `${dir}/${LOCK_FILE}`,
    JSON.stringify({ pid: dead.pid, host: "elsewhere", started: "t1" }),
  );
  await rejects(
    main(["--resume", dir, "--quiet"]),
    new RegExp(
      `in use by pid ${dead.pid} on host elsewhere \\(since t1\\).*delete ${dir}/run.lock`,
    ),
  );
  await lock(dead.pid);
  const { err } = await captured(() => main(["--resume", dir, "--total-steps", "400", "--quiet"]));
  ok(err.includes(`took over the stale lock of pid ${dead.pid} on host ${host}`), err);
  strictEqual((await loadCheckpoint(checkpointPath(dir))).step, 400);
});

Deno.test("bad flags are refused up front, naming flag, value and range, and create no folder", async () => {
  const root = tempDir();
  const cases: [string[], RegExp][] = [
    [["--total-steps", "0"], /--total-steps is 0, expected a positive integer/],
    [["--total-steps=-100"], /--total-steps is -100, expected a positive integer/],
    [["--total-steps", "1.5"], /--total-steps is 1.5, expected a positive integer/],
    [["--lr=-1"], /--lr is -1, expected a finite number > 0/],
    [["--lr", "0"], /--lr is 0, expected a finite number > 0/],
    [["--epochs", "0"], /--epochs is 0, expected a positive integer/],
    [["--gamma", "2"], /--gamma is 2, expected in \[0, 1\]/],
    [["--algo", "ppo", "--gae-lambda", "1.5"], /--gae-lambda is 1.5, expected in \[0, 1\]/],
    [["--branch-prob", "2"], /--branch-prob is 2, expected in \[0, 1\]/],
    [["--eval-episodes=-1"], /--eval-episodes is -1, expected an integer in \[0, 1024\]/],
    [
      ["--seed", "99999999999999999999"],
      /--seed is 100000000000000000000, expected an integer in \[0, 4294967295\]/,
    ],
    [["--seed", "1.5"], /--seed is 1.5, expected an integer in \[0, 4294967295\]/],
    [["--seed", String(2 ** 32 + 1)], /--seed is 4294967297, expected an integer/],
    [["--group-size", "0"], /--group-size is 0, expected an integer ≥ 2/],
    [["--group-size", "1"], /--group-size is 1, expected an integer ≥ 2/],
    [["--horizon", "0"], /--horizon is 0, expected a positive integer/],
    [["--threads", "0"], /--threads is 0, expected a positive integer/],
    [["--activation", "gelu"], /--activation is "gelu", expected one of relu, tanh/],
    [["--hidden=-1"], /--hidden must be comma-separated positive integers/],
  ];
  for (const [flags, msg] of cases) {
    const out = `${root}/run`;
    await rejects(main([...grpo, "--quiet", ...flags, "--out", out]), msg, flags.join(" "));
    ok(!(await exists(out)), `${flags.join(" ")} left a folder behind`);
  }
});

Deno.test("--threads above the core count warns; a checkpoint of another env/algo/net is named", async () => {
  const cores = navigator.hardwareConcurrency;
  const { err } = await captured(() =>
    rejects(main([...grpo, "--threads", String(cores + 1), "--env", "Nope-v0", "--quiet"]))
  );
  ok(err.includes(`--threads ${cores + 1} is above this machine's ${cores} cores`), err);
  const dir = tempDir();
  await main([...grpo, "--quiet", "--total-steps", "200", "--out", `${dir}/a`]);
  await rejects(
    main([
      ...["--algo", "ppo", "--env", "HalfCheetah-v5", "--hidden", "8", "--quiet"],
      ...["--init", checkpointPath(`${dir}/a`), "--out", `${dir}/b`],
    ]),
    /checkpoint was trained on Pendulum-v1 with grpo, \[16, 16\]; this run is HalfCheetah-v5 with ppo, \[8\]/,
  );
  ok(!(await exists(`${dir}/b`)));
});

Deno.test("eval: --help, --episodes and --seed validated, a run folder accepted, no doubled prefix", async () => {
  const dir = tempDir();
  await main([...grpo, "--quiet", "--total-steps", "200", "--out", dir]);
  const { out } = await captured(() => evalMain(["--help"]));
  ok(out.includes("--episodes") && out.includes("run folder"), out);
  for (const v of ["0", "-3", "abc", "1.5", ""]) {
    await rejects(
      evalMain(["--checkpoint", dir, `--episodes=${v}`]),
      new RegExp(`^Error: --episodes is "${v}", expected an integer in \\[1, 1024\\]`),
    );
  }
  for (const v of ["1.5", String(2 ** 32 + 1), "-1"]) {
    await rejects(
      evalMain(["--checkpoint", dir, `--seed=${v}`]),
      /--seed is .*, expected an integer in \[0, 4294967295\]/,
    );
  }
  await rejects(evalMain([]), (e: Error) => !e.message.startsWith("eval:"));
  const r = await captured(() => evalMain(["--checkpoint", dir, "--episodes", "2"]));
  ok(r.out.includes("over 2 episodes"), r.out);
});

Deno.test("library: seeds, policy inputs, layer sizes and Adam's lr are checked", async () => {
  for (const s of [1.5, 2 ** 32 + 1, 2 ** 40, -1, NaN]) {
    throws(() => new Rng(s), /Rng seed is .*, expected an integer in \[0, 4294967295\]/);
  }
  const env = await makeEnv("Pendulum-v1");
  throws(() => env.reset({ seed: 2 ** 32 + 1 }), /expected an integer in \[0, 4294967295\]/);
  env.close();
  const rng = new Rng(0);
  const pi = new GaussianMlpPolicy(3, 1, { rng, hidden: [8] });
  throws(
    () => pi.act(new Float32Array(5), rng),
    /observation length 5 is not a multiple of the policy's observation size 3/,
  );
  throws(() => pi.act(Float32Array.of(0, NaN, 0), rng), /observation row 0 index 1 is NaN/);
  throws(
    () => new GaussianMlpPolicy(3, 1, { rng, hidden: [-1] }),
    /layer sizes must be positive integers, got input 3, hidden \[-1\]/,
  );
  throws(
    () => new GaussianMlpPolicy(0, 1, { rng }),
    /layer sizes must be positive integers, got input 0/,
  );
  const w = new Tensor(new Float32Array(2), [2], { requiresGrad: true });
  for (const lr of [0, -1, NaN, Infinity]) {
    throws(() => new Adam([w], { lr }), /adam: lr is .*, expected a finite number > 0/);
  }
});

Deno.test("progress labels the segment reward; a resume keeps time/train_s running and nan cells", async () => {
  let out = "";
  const p = new Progress(1000, {
    isTerminal: false,
    now: () => 0,
    write: (s) => (out += s),
    rewardLabel: "32-step segment reward",
  });
  p.update(10, { reward: -182.4 });
  ok(out.includes("| 32-step segment reward -182.4 |"), out);
  const dir = tempDir(), split = `${dir}/split`, straight = `${dir}/straight`;
  const args = [...grpo, "--quiet", "--eval-every", "2", "--eval-episodes", "1"];
  await main([...args, "--total-steps", "600", "--out", straight]);
  await main([...args, "--total-steps", "400", "--out", split]);
  await main(["--resume", split, "--total-steps", "600", "--quiet"]);
  const csv = async (d: string) =>
    (await read(`${d}/metrics.csv`)).trim().split("\n").map((l) => l.split(","));
  const [a, b] = [await csv(straight), await csv(split)];
  const col = (rows: string[][], k: string) => rows.slice(1).map((r) => r[rows[0].indexOf(k)]);
  deepStrictEqual(
    col(b, "charts/eval_return").map((v) => v === "nan"),
    col(a, "charts/eval_return").map((v) => v === "nan"),
  );
  ok(col(b, "charts/eval_return").includes("nan"));
  const t = col(b, "time/train_s").map(Number);
  ok(t.every((x, i) => i === 0 || x > t[i - 1]), `time/train_s restarted: ${t}`);
  // the metrics writer itself: a resumed CSV writes nan where the fresh one did
  const m = `${dir}/m`;
  new MetricsWriter(m).write({ global_step: 1, x: NaN });
  const fresh = await read(`${m}/metrics.csv`);
  new MetricsWriter(m, { resumeStep: 1 });
  strictEqual(await read(`${m}/metrics.csv`), fresh);
});

/** Spawns `deno task train` on `args`, waits until its checkpoint passes `minStep`, sends `signal`. */
async function stopWith(args: string[], dir: string, minStep: number, signal: Deno.Signal) {
  const script = new URL("../../scripts/train.ts", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output();
  try {
    for (let t = 0; t < 1200; t++) {
      const step = (readMetrics(dir).at(-1)?.global_step ?? 0) as number; // a few updates in
      if (step > minStep) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const holder = JSON.parse(await read(`${dir}/${LOCK_FILE}`));
    strictEqual(holder.pid, child.pid, "the lock names the writer");
    await rejects( // a second writer is refused while the first runs
      main([...grpo, "--seed", "8", "--out", dir, "--quiet"]),
      new RegExp(`is in use by pid ${child.pid} on host ${Deno.hostname()}`),
    );
    child.kill(signal);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  const { code, stdout, stderr } = await output;
  return { code, text: new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr) };
}

Deno.test("SIGINT and SIGTERM write a checkpoint, say where, and exit 130 / 143", async () => {
  const dir = tempDir();
  const args = [...grpo, "--total-steps", "10000000", "--checkpoint-every", "1000"];
  const a = await stopWith([...args, "--out", dir], dir, 400, "SIGINT");
  const stepA = (await loadCheckpoint(checkpointPath(dir))).step;
  strictEqual(a.code, 130, a.text);
  ok(a.text.includes(`run folder ${dir}`), a.text);
  ok(a.text.includes(`stopping: checkpoint at step ${stepA} written to ${dir}`), a.text);
  ok(!(await exists(`${dir}/${LOCK_FILE}`)), "the lock is released");
  const b = await stopWith(["--resume", dir], dir, stepA + 400, "SIGTERM");
  const stepB = (await loadCheckpoint(checkpointPath(dir))).step;
  strictEqual(b.code, 143, b.text);
  ok(
    stepB > stepA && b.text.includes(`stopping: checkpoint at step ${stepB} written to ${dir}`),
    b.text,
  );
});

Deno.test("set-up: the root lockfile holds no bench peer; --help says the step budget counts the env steps taken and how to pass a negative value", async () => {
  const lock = await Deno.readTextFile(new URL("../../deno.lock", import.meta.url));
  for (const peer of ["tensorflow", "vega"]) { // the lockfile's whole npm snapshot is fetched
    ok(!lock.includes(peer), `deno.lock names ${peer}: every train and test would download it`);
  }
  ok(usage().includes("until the env steps it actually took reach it"));
  ok(usage().includes("a negative value needs =, as --init-log-std=-1"));
  const parsed = parseConfig(["--init-log-std=-1"]);
  strictEqual(parsed !== "help" && parsed.cfg.initLogStd, -1);
});

Deno.test("set-up: without Chromium the browser test is skipped with a line saying why and how", async () => {
  const test = new URL("../report_test.ts", import.meta.url).pathname;
  const run = (env: Record<string, string>) =>
    new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", "--no-check", "--filter", "headless Chromium", test],
      env: { PATH: "/nonexistent", GRPO_TS_REQUIRE_CHROMIUM: "", ...env }, // CI exports it as 1
      stdout: "piped",
      stderr: "piped",
    }).output().then((o) => ({
      code: o.code,
      text: new TextDecoder().decode(o.stdout) + new TextDecoder().decode(o.stderr),
    }));
  const skipped = await run({});
  strictEqual(skipped.code, 0, skipped.text);
  ok(/SKIPPING the headless-Chromium test: no chromium/.test(skipped.text), skipped.text);
  ok(skipped.text.includes("GRPO_TS_REQUIRE_CHROMIUM=1") && /1 ignored/.test(skipped.text));
  const required = await run({ GRPO_TS_REQUIRE_CHROMIUM: "1" });
  ok(required.code !== 0 && required.text.includes("no chromium on PATH"), required.text);
});
