/**
 * A small static server that lets a browser import grpo-ts as it is in the repo (docs/demo.md):
 *
 * - `*.ts` is answered as JavaScript: the same file with its types stripped, every import left as
 *   written (`deno bundle` of that one file with each of its imports marked external), so the
 *   browser fetches the repo's modules one by one from their relative URLs;
 * - the `npm:name@version` specifiers of lib/deps.ts are rewritten to URLs under `/npm/` (an import
 *   map would not reach module workers): a CommonJS package to `/npm/<name>@<version>.js`, an ES
 *   module of it bundled from Deno's npm cache; an ES-module package (`"type": "module"`, e.g.
 *   MuJoCo's) to its entry file, `/npm/<name>@<version>/<file>`, served as it is from the cache
 *   with the files beside it (its `.wasm`);
 * - everything else is served as a file, with the cross-origin isolation headers that
 *   `SharedArrayBuffer` (lib/threads.ts) needs.
 *
 *   deno run -A scripts/serve.ts [--port 8000]      # then open http://localhost:8000/docs/demo.html
 *
 * Outputs are cached in memory per file modification time.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { intFlag } from "./config.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".ts": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".xml": "application/xml",
  ".md": "text/markdown; charset=utf-8",
  ".wasm": "application/wasm",
};

/**
 * The import specifiers a TypeScript source names (static, re-export and dynamic imports), not
 * counting those of doc-comment examples.
 */
export function importSpecifiers(source: string): string[] {
  const code = source.split("\n").filter((l) => !/^\s*(\*|\/\/)/.test(l)).join("\n");
  const specs = code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"([^"]+)"/g);
  return [...new Set([...specs].map((m) => m[1]))];
}

/** Runs `deno bundle` on one entry with the given externals; returns the JavaScript. */
async function denoBundle(entry: string, externals: string[], cwd: string): Promise<string> {
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform=browser",
      "--format=esm",
      ...externals.map((e) => `--external=${e}`),
      entry,
    ],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(stderr);
  if (!success) throw new Error(`deno bundle ${entry} failed: ${err.slice(-800)}`);
  return new TextDecoder().decode(stdout);
}

/** `name@version` of an npm package: a pinned spec of lib/deps.ts, e.g. `ndarray@1.0.19`. */
const SPEC = "((?:@[\\w.-]+\\/)?[\\w.-]+)@(\\d+\\.\\d+\\.\\d+)";
const NPM_BUNDLE = new RegExp(`^/npm/${SPEC}\\.js$`);
const NPM_FILE = new RegExp(`^/npm/${SPEC}/(.+)$`);
const NPM_SPECIFIER = new RegExp(`"npm:${SPEC}"`, "g");

let npmCache: Promise<string> | undefined;
/** The folder of an npm package in Deno's npm cache (`deno info --json`'s npmCache). */
async function packageDir(name: string, version: string): Promise<string> {
  npmCache ??= new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stderr: "null" })
    .output().then((o) => JSON.parse(new TextDecoder().decode(o.stdout)).npmCache);
  return `${await npmCache}/registry.npmjs.org/${name}/${version}`;
}

/** Where the browser gets `npm:name@version`: see the module doc. */
async function npmUrl(name: string, version: string): Promise<string> {
  const pkg = JSON.parse(
    await Deno.readTextFile(`${await packageDir(name, version)}/package.json`),
  );
  if (pkg.type !== "module") return `/npm/${name}@${version}.js`;
  const entry = pkg.exports?.["."]?.import ?? pkg.exports?.["."]?.default ?? pkg.module ?? pkg.main;
  return `/npm/${name}@${version}/${String(entry).replace(/^\.\//, "")}`;
}

/** An ES module whose default export is the npm package's (CommonJS) exports. */
async function npmModule(spec: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "serve_npm_" });
  try {
    await Deno.writeTextFile(`${dir}/entry.js`, `export { default } from "npm:${spec}";\n`);
    return await denoBundle(`${dir}/entry.js`, [], ROOT); // ROOT: the repo's deno.json and lock
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Options of {@link serveRepo}. */
export interface ServeOptions {
  /** Port (0: any free one). Default 8000. */
  port?: number;
  /** Host name to listen on. Default 127.0.0.1. */
  hostname?: string;
}

/**
 * Serves the repository (see the module doc) until `close()`.
 *
 * @returns the base URL (ending in `/`) and `close`.
 */
export function serveRepo(opts: ServeOptions = {}): { url: string; close(): Promise<void> } {
  const cache = new Map<string, { mtime: number; body: string }>();
  const compiled = async (key: string, mtime: number, make: () => Promise<string>) => {
    const hit = cache.get(key);
    if (hit && hit.mtime === mtime) return hit.body;
    const body = await make();
    cache.set(key, { mtime, body });
    return body;
  };
  const headers = (type: string) => ({
    "content-type": type,
    "cache-control": "no-store",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
  });
  const handler = async (req: Request): Promise<Response> => {
    const path = decodeURIComponent(new URL(req.url).pathname);
    try {
      const bundle = NPM_BUNDLE.exec(path), raw = NPM_FILE.exec(path);
      if (bundle) {
        return new Response(
          await compiled(path, 0, () => npmModule(`${bundle[1]}@${bundle[2]}`)),
          { headers: headers(TYPES[".js"]) },
        );
      }
      if (raw && !raw[3].split("/").includes("..")) {
        const file = `${await packageDir(raw[1], raw[2])}/${raw[3]}`;
        const type = TYPES[extname(file)] ?? "application/octet-stream";
        return new Response(await Deno.readFile(file), { headers: headers(type) });
      }
      const file = normalize(join(ROOT, path));
      if (!file.startsWith(ROOT)) return new Response("outside the repo", { status: 403 });
      const stat = await Deno.stat(file);
      if (stat.isDirectory) return new Response("a folder", { status: 404 });
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      if (extname(file) !== ".ts") {
        return new Response(await Deno.readFile(file), { headers: headers(type) });
      }
      const mtime = stat.mtime?.getTime() ?? 0;
      const js = await compiled(file, mtime, async () => {
        const source = await Deno.readTextFile(file);
        let js = await denoBundle(file, importSpecifiers(source), ROOT);
        for (const [spec, name, version] of js.matchAll(NPM_SPECIFIER)) {
          js = js.replace(spec, `"${await npmUrl(name, version)}"`);
        }
        return js;
      });
      return new Response(js, { headers: headers(type) });
    } catch (err) {
      const status = err instanceof Deno.errors.NotFound ? 404 : 500;
      return new Response(`${path}: ${(err as Error).message}`, { status });
    }
  };
  const server = Deno.serve({
    port: opts.port ?? 8000,
    hostname: opts.hostname ?? "127.0.0.1",
    onListen: () => {},
  }, handler);
  const { hostname, port } = server.addr as Deno.NetAddr;
  return { url: `http://${hostname}:${port}/`, close: () => server.shutdown() };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string", default: "8000" } },
  });
  const { url } = serveRepo({ port: intFlag("port", values.port, 0, 65535) });
  console.log(`serving the repo at ${url} — the demo: ${url}docs/demo.html`);
}
