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
  await rejects(main([...args, "--backend", "gpu"]), /--backend must be ts or wasm, got "gpu"/);
});
