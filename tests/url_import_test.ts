/**
 * Import-by-URL: a consumer with no deno.json, no lockfile and no copy of the repo imports
 * `http://127.0.0.1:PORT/mod.ts`, builds a policy, and computes log-probabilities.
 *
 * The test serves the repo root over HTTP (`.ts` as application/typescript), runs `deno run` with
 * only `--allow-import=127.0.0.1:PORT` in an empty temp dir, and checks that the printed numbers
 * equal the same computation done here from the local files. It catches bare specifiers that
 * only our deno.json resolves, unpinned npm imports, assets read by path instead of
 * `new URL(…, import.meta.url)`, and work done on import that needs a permission.
 *
 * API it expects from mod.ts: `GaussianMlpPolicy` (constructor (obsSize, actSize, { rng, hidden }),
 * `.forward(obs: Tensor [B, S])` → a distribution with `.logProb(actions: Float32Array [B·D])` →
 * Tensor [B]), `Rng` (constructor (seed)), and `Tensor` (constructor (data, shape)).
 */
import { deepStrictEqual, ok } from "node:assert/strict";
import { GaussianMlpPolicy } from "../lib/policy.ts";
import { Rng } from "../lib/rng.ts";
import { Tensor } from "../lib/tensor.ts";

const ROOT = new URL("../", import.meta.url);
const TIMEOUT_MS = 120_000;

const CONTENT_TYPES: Record<string, string> = {
  ".ts": "application/typescript",
  ".js": "application/javascript",
  ".json": "application/json",
  ".xml": "application/xml",
};

/** Serves files under ROOT; anything outside it, or missing, is a 404. */
async function serveFile(req: Request): Promise<Response> {
  const path = decodeURIComponent(new URL(req.url).pathname);
  if (path.split("/").includes("..")) return new Response("bad path", { status: 400 });
  try {
    const body = await Deno.readFile(new URL(`.${path}`, ROOT));
    const ext = path.slice(path.lastIndexOf("."));
    return new Response(body, {
      headers: { "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream" },
    });
  } catch {
    return new Response(`not found: ${path}`, { status: 404 });
  }
}

// The consumer's program; PORT is filled in.
const PROGRAM = `
import { GaussianMlpPolicy, Rng, Tensor } from "http://127.0.0.1:PORT/mod.ts";
const pi = new GaussianMlpPolicy(3, 2, { rng: new Rng(0), hidden: [8, 8] });
const obs = new Tensor(new Float32Array([0.1, -0.2, 0.3, 0.5, 0, -1]), [2, 3]);
const logp = pi.forward(obs).logProb(new Float32Array([0.5, -0.5, 0, 1]));
console.log(JSON.stringify(Array.from(logp.data)));
`;

/** The same computation, from the local files. */
function expected(): number[] {
  const pi = new GaussianMlpPolicy(3, 2, { rng: new Rng(0), hidden: [8, 8] });
  const obs = new Tensor(new Float32Array([0.1, -0.2, 0.3, 0.5, 0, -1]), [2, 3]);
  return Array.from(pi.forward(obs).logProb(new Float32Array([0.5, -0.5, 0, 1])).data);
}

Deno.test("mod.ts imports by URL into an empty project and computes log-probabilities", async () => {
  const exists = await Deno.stat(new URL("mod.ts", ROOT)).then(() => true, () => false);
  ok(exists, "mod.ts does not exist yet at the repo root; this test needs it");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, serveFile);
  const dir = await Deno.makeTempDir({ prefix: "grpo_url_import_" });
  try {
    const host = `127.0.0.1:${server.addr.port}`;
    const file = `${dir}/main.ts`;
    await Deno.writeTextFile(file, PROGRAM.replace("PORT", String(server.addr.port)));
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-config",
        "--no-lock",
        `--allow-import=${host}`,
        `--reload=http://${host}/`,
        file,
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).output();
    const out = new TextDecoder().decode(stdout).trim();
    const err = new TextDecoder().decode(stderr);
    ok(code === 0, `deno run exited ${code}\nstdout: ${out}\nstderr: ${err}`);
    const got = JSON.parse(out.split("\n").at(-1)!) as number[];
    ok(got.length === 2 && got.every(Number.isFinite), `log-probabilities ${out}`);
    deepStrictEqual(got, expected());
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
