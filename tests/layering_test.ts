/**
 * Reads every import line of lib/ and envs/ and checks the direction of dependencies:
 * tensor and ops know nothing of RL, nothing in lib/ imports envs/ (the env contract, the vector
 * env and the running statistics live in lib/, below both), envs never see tensors, the optimizer
 * sees only parameters, nothing imports scripts or tests, and nothing in lib/ or envs/ uses
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
  "lib/ops_wasm.ts",
  "lib/threads.ts",
  "lib/threads_worker.ts",
  "lib/gradcheck.ts",
];
const rl = [
  "lib/normal.ts",
  "lib/categorical.ts",
  "lib/categorical_policy.ts",
  "lib/distribution.ts",
  "lib/nn.ts",
  "lib/policy.ts",
  "lib/returns.ts",
  "lib/grpo.ts",
  "lib/ppo.ts",
  "lib/rollout.ts",
  "lib/env.ts",
  "lib/vector_env.ts",
  "lib/running_stats.ts",
  "lib/evaluate.ts",
  "lib/config.ts",
  "lib/trainer.ts",
  "lib/grpo_trainer.ts",
  "lib/ppo_trainer.ts",
  "lib/train.ts",
  "lib/categorical.ts",
  "lib/categorical_policy.ts",
  "lib/distribution.ts",
  "lib/policies.ts",
];

Deno.test("tensor and ops know nothing of RL or envs", () => {
  deepStrictEqual(
    violations((p) => engine.includes(p), (q) => rl.includes(q) || q.startsWith("envs/")),
    [],
  );
});

Deno.test("nothing in lib/ imports envs/", () => {
  deepStrictEqual(violations((p) => p.startsWith("lib/"), (q) => q.startsWith("envs/")), []);
});

/** What envs may use of lib/: plain-array pieces, no tensors, ops or learners. */
const forEnvs = [
  "lib/rng.ts",
  "lib/deps.ts",
  "lib/env.ts",
  "lib/vector_env.ts",
  "lib/running_stats.ts",
];

Deno.test("envs never see tensors, ops or the learners", () => {
  deepStrictEqual(
    violations((p) => p.startsWith("envs/"), (q) => q.startsWith("lib/") && !forEnvs.includes(q)),
    [],
  );
  deepStrictEqual( // and what they use of lib/ stays below the learners
    violations((p) => forEnvs.includes(p), (q) => !forEnvs.includes(q)),
    [],
  );
});

Deno.test("the optimizer sees only parameters; losses never import envs", () => {
  const kernels = ["lib/tensor.ts", "lib/adam_wasm.ts"]; // not the global backend: a `simd` option
  deepStrictEqual(violations((p) => p === "lib/optim.ts", (q) => !kernels.includes(q)), []);
  deepStrictEqual(
    violations(
      (p) =>
        ["lib/grpo.ts", "lib/ppo.ts", "lib/returns.ts", "lib/normal.ts", "lib/categorical.ts"]
          .includes(p),
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

Deno.test("nothing that mod.ts imports touches Deno at import time (the browser demo loads it)", () => {
  const seen = new Set<string>(),
    todo = importsOf("mod.ts", Deno.readTextFileSync(new URL("mod.ts", root)));
  while (todo.length) {
    const p = todo.pop()!;
    if (seen.has(p) || !files.has(p)) continue;
    seen.add(p);
    todo.push(...graph.get(p)!);
  }
  ok(seen.has("lib/train.ts") && seen.has("envs/pendulum.ts"), [...seen].join(", "));
  for (const p of seen) {
    const top = files.get(p)!.split("\n").filter((l) =>
      /^\S/.test(l) && !/^(\*|\/\/|\/\*)/.test(l)
    );
    deepStrictEqual(top.filter((l) => /\bDeno\./.test(l)), [], `${p}: Deno at module top level`);
  }
});

Deno.test("the layering check itself sees imports", () => {
  ok(graph.get("lib/ops.ts")!.includes("lib/tensor.ts"), "ops.ts → tensor.ts must be found");
  ok(graph.get("envs/registry.ts")!.includes("envs/halfcheetah.ts"), "dynamic imports are found");
  ok(graph.get("envs/wrappers.ts")!.includes("lib/running_stats.ts"), "envs → lib is found");
});
