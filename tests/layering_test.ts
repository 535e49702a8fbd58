/**
 * Reads every import line of lib/ and envs/ and checks the direction of dependencies:
 * tensor and ops know nothing of RL, envs never see tensors, the optimizer sees only parameters,
 * losses never import envs, nothing imports scripts or tests, and nothing in lib/ or envs/ uses
 * console or Math.random.
 */
import { deepStrictEqual, ok } from "node:assert/strict";

const root = new URL("../", import.meta.url);

function sources(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of Deno.readDirSync(new URL(dir, root))) {
    if (e.isFile && e.name.endsWith(".ts")) {
      out.set(`${dir}${e.name}`, Deno.readTextFileSync(new URL(`${dir}${e.name}`, root)));
    }
  }
  return out;
}

/** The repo-relative paths a file imports (static `from "…"` and dynamic `import("…")`). */
function importsOf(path: string, text: string): string[] {
  const code = text.split("\n").filter((l) => !/^\s*(\*|\/\/)/.test(l)).join("\n"); // not doc examples
  const specs = [...code.matchAll(/(?:from\s+|import\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]);
  return specs.filter((s) => s.startsWith(".")).map((s) =>
    new URL(s, new URL(path, root)).href.slice(root.href.length)
  );
}

const files = new Map([...sources("lib/"), ...sources("envs/")]);
const graph = new Map([...files].map(([p, t]) => [p, importsOf(p, t)]));
const violations = (from: (p: string) => boolean, to: (q: string) => boolean) =>
  [...graph].flatMap(([p, deps]) => (from(p) ? deps.filter(to).map((q) => `${p} → ${q}`) : []));

const engine = [
  "lib/tensor.ts",
  "lib/ops.ts",
  "lib/gemm.ts",
  "lib/gemm_wasm.ts",
  "lib/wasm_asm.ts",
  "lib/backend.ts",
  "lib/adam_wasm.ts",
  "lib/threads.ts",
  "lib/threads_worker.ts",
  "lib/gradcheck.ts",
];
const rl = [
  "lib/normal.ts",
  "lib/nn.ts",
  "lib/policy.ts",
  "lib/returns.ts",
  "lib/grpo.ts",
  "lib/ppo.ts",
  "lib/rollout.ts",
];

Deno.test("tensor and ops know nothing of RL or envs", () => {
  deepStrictEqual(
    violations((p) => engine.includes(p), (q) => rl.includes(q) || q.startsWith("envs/")),
    [],
  );
});

Deno.test("envs never see tensors, ops or the learners", () => {
  deepStrictEqual(
    violations(
      (p) => p.startsWith("envs/"),
      (q) => q.startsWith("lib/") && !["lib/rng.ts", "lib/deps.ts"].includes(q),
    ),
    [],
  );
});

Deno.test("the optimizer sees only parameters; losses never import envs", () => {
  const kernels = ["lib/tensor.ts", "lib/backend.ts", "lib/adam_wasm.ts"];
  deepStrictEqual(violations((p) => p === "lib/optim.ts", (q) => !kernels.includes(q)), []);
  deepStrictEqual(
    violations(
      (p) => ["lib/grpo.ts", "lib/ppo.ts", "lib/returns.ts", "lib/normal.ts"].includes(p),
      (q) => q.startsWith("envs/"),
    ),
    [],
  );
});

Deno.test("nothing in lib/ or envs/ imports scripts or tests, uses console or Math.random, or names npm outside deps.ts", () => {
  deepStrictEqual(
    violations(
      () => true,
      (q) => q.startsWith("scripts/") || q.startsWith("tests/") || q.startsWith("bench/"),
    ),
    [],
  );
  for (const [p, text] of files) {
    const code = text.split("\n").filter((l) => !/^\s*(\*|\/\/)/.test(l)).join("\n");
    ok(!/\bconsole\.|Math\.random/.test(code), `${p} uses console or Math.random`);
    if (p !== "lib/deps.ts") {
      ok(!/"npm:/.test(code), `${p} names an npm package; only lib/deps.ts may`);
    }
  }
});

Deno.test("the layering check itself sees imports", () => {
  ok(graph.get("lib/ops.ts")!.includes("lib/tensor.ts"), "ops.ts → tensor.ts must be found");
  ok(graph.get("envs/registry.ts")!.includes("envs/halfcheetah.ts"), "dynamic imports are found");
});
