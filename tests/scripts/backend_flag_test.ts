import { deepStrictEqual, notDeepStrictEqual, ok, rejects } from "node:assert/strict";
import { getBackend, setBackend } from "../../lib/backend.ts";
import { checkpointPath, loadCheckpoint } from "../../lib/checkpoint.ts";
import { main } from "../../scripts/train.ts";

// 2 updates of GRPO on Pendulum with a 256-wide layer, so the products are large enough to differ
const args = [
  ...["--hidden", "256", "--epochs", "2", "--minibatches", "2", "--eval-episodes", "0", "--quiet"],
  ...["--groups", "2", "--group-size", "2", "--horizon", "50", "--total-steps", "400"],
];
const paramsOf = async (dir: string) => (await loadCheckpoint(checkpointPath(dir))).params;

Deno.test("--backend: ts and wasm each repeat their own numbers, differ from each other, and are saved", async () => {
  const before = getBackend(), dirs: Record<string, string> = {};
  try {
    for (const run of ["ts", "wasm", "ts2", "wasm2"]) {
      dirs[run] = await Deno.makeTempDir();
      await main([
        ...args,
        "--backend",
        run.replace("2", ""),
        "--out",
        dirs[run],
      ]);
    }
    deepStrictEqual(await paramsOf(dirs.ts2), await paramsOf(dirs.ts));
    deepStrictEqual(await paramsOf(dirs.wasm2), await paramsOf(dirs.wasm));
    notDeepStrictEqual(await paramsOf(dirs.wasm), await paramsOf(dirs.ts));
    const saved = JSON.parse(await Deno.readTextFile(`${dirs.ts}/args.json`));
    ok(saved.backend === "ts", `args.json has backend ${saved.backend}`);
  } finally {
    setBackend(before);
    for (const d of Object.values(dirs)) await Deno.remove(d, { recursive: true });
  }
});

Deno.test("--backend rejects an unknown name, naming the flag", async () => {
  await rejects(
    main([...args, "--backend", "gpu"]),
    /--backend is "gpu", expected one of ts, wasm/,
  );
});

Deno.test("each backend resumes bit for bit, and wasm on 2 threads equals 1 thread on products it splits", async () => {
  const before = getBackend(), dirs: string[] = [];
  const tmp = async () => (dirs.push(await Deno.makeTempDir()), dirs[dirs.length - 1]);
  try {
    for (const backend of ["ts", "wasm"]) {
      const straight = await tmp(), split = await tmp();
      await main([...args, "--backend", backend, "--out", straight]);
      await main([...args, "--backend", backend, "--total-steps", "200", "--out", split]);
      await main(["--resume", split, "--total-steps", "400", "--quiet"]);
      deepStrictEqual(await paramsOf(split), await paramsOf(straight), backend);
    }
    // one minibatch of 3200 rows through 256 × 256: 2.1e8 multiply-adds per product, above the split
    const big = ["--hidden", "256,256", "--groups", "4", "--group-size", "4", "--horizon", "200"];
    const run = [...big, "--epochs", "1", "--minibatches", "1", "--eval-episodes", "0", "--quiet"];
    const one = await tmp(), two = await tmp();
    await main([...run, "--total-steps", "3200", "--threads", "1", "--out", one]);
    await main([...run, "--total-steps", "3200", "--threads", "2", "--out", two]);
    deepStrictEqual(await paramsOf(two), await paramsOf(one));
  } finally {
    setBackend(before);
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});
