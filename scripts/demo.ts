/**
 * Runs docs/demo.html in headless Chromium (served by scripts/serve.ts) until the page's
 * deterministic return reaches a threshold, watching the console through the DevTools protocol;
 * optionally saves a screenshot. Used by tests/demo_test.ts and to make docs/demo.png:
 *
 *   deno run -A scripts/demo.ts [--until=-400] [--timeout 300] [--screenshot docs/demo.png] [--settle 300]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { findChromium, HEADLESS_FLAGS } from "./report.ts";
import { serveRepo } from "./serve.ts";
import { intFlag } from "./config.ts";

/** What {@link runDemo} saw. */
export interface DemoRun {
  /** [global_step, deterministic return] of every evaluation the page showed. */
  evals: [number, number][];
  /** The page's status when the run ended (training, done, stopped, error). */
  status: string;
  /** Wall-clock seconds from navigation until the threshold was reached (or the end). */
  seconds: number;
  /** Console errors, uncaught exceptions and error log entries (e.g. a failed module fetch). */
  errors: string[];
  /** Every update's metrics row (NaN as null). */
  rows: Record<string, number | null>[];
  /** The value of `opts.evaluate`, if given. */
  value?: unknown;
}

/** A DevTools-protocol session over the page's WebSocket: commands by id, events to `on`. */
async function connect(
  wsUrl: string,
  on: (method: string, params: Record<string, unknown>) => void,
) {
  const ws = new WebSocket(wsUrl);
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = () => fail(new Error(`cannot connect to ${wsUrl}`));
  });
  let next = 0;
  const pending = new Map<number, (r: { result?: unknown; error?: { message: string } }) => void>();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id !== undefined) pending.get(msg.id)?.(msg), pending.delete(msg.id);
    else on(msg.method, msg.params);
  };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Record<string, unknown>>((ok, fail) => {
      const id = ++next;
      pending.set(
        id,
        (r) =>
          r.error
            ? fail(new Error(`${method}: ${r.error.message}`))
            : ok(r.result as Record<string, unknown>),
      );
      ws.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => ws.close() };
}

/** Reads the child's stderr until Chromium prints its DevTools port. */
async function devtoolsPort(stderr: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`chromium exited before DevTools listened: ${text.slice(-500)}`);
    text += value;
    const m = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(text);
    if (m) {
      (async () => { // keep draining so the child never blocks on a full pipe
        while (!(await reader.read()).done);
      })();
      return Number(m[1]);
    }
  }
}

/**
 * Opens docs/demo.html?autostart and polls the page until an evaluation reaches `until`, the run
 * ends, or `timeoutMs` passes; then, `settleMs` later (default 300), saves `screenshot` (PNG) if
 * given, and evaluates the
 * expression `evaluate` in the page (awaiting a promise) if given.
 */
export async function runDemo(
  opts: {
    until?: number;
    timeoutMs?: number;
    screenshot?: string;
    settleMs?: number;
    evaluate?: string;
  } = {},
): Promise<DemoRun> {
  const { until = -400, timeoutMs = 300_000 } = opts;
  const bin = findChromium();
  if (!bin) throw new Error("runDemo: no chromium on PATH; install Debian's `chromium` package");
  const server = serveRepo({ port: 0 });
  const profile = await Deno.makeTempDir({ prefix: "demo_chromium_" });
  const child = new Deno.Command(bin, {
    args: [
      ...HEADLESS_FLAGS,
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "about:blank",
    ],
    env: { TMPDIR: profile }, // its own temp files (org.chromium.*) go where they are removed
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const errors: string[] = [];
  try {
    const port = await devtoolsPort(child.stderr);
    const pages = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
    const page = pages.find((p: { type: string }) => p.type === "page");
    const cdp = await connect(page.webSocketDebuggerUrl, (method, p) => {
      if (method === "Runtime.consoleAPICalled" && ["error", "assert"].includes(p.type as string)) {
        errors.push(
          `console.${p.type}: ${
            (p.args as { value?: unknown; description?: string }[]).map((a) =>
              a.value ?? a.description
            ).join(" ")
          }`,
        );
      } else if (method === "Runtime.exceptionThrown") {
        const d = p.exceptionDetails as { text: string; exception?: { description?: string } };
        errors.push(`exception: ${d.exception?.description ?? d.text}`);
      } else if (method === "Log.entryAdded") {
        const e = p.entry as { level: string; text: string; url?: string };
        if (e.level === "error") errors.push(`log: ${e.text} ${e.url ?? ""}`);
      }
    });
    try {
      for (const d of ["Runtime", "Log", "Page"]) await cdp.send(`${d}.enable`);
      await cdp.send("Emulation.setDeviceMetricsOverride", {
        width: 1000,
        height: 580,
        deviceScaleFactor: 1,
        mobile: false,
      });
      const t0 = performance.now();
      await cdp.send("Page.navigate", { url: `${server.url}docs/demo.html?autostart` });
      let state: Record<string, string> = {};
      while (performance.now() - t0 < timeoutMs) {
        await new Promise((r) => setTimeout(r, 500));
        const r = await cdp.send("Runtime.evaluate", {
          expression: "JSON.stringify(document.body ? document.body.dataset : {})",
          returnByValue: true,
        });
        state = JSON.parse((r.result as { value: string }).value);
        const evals: [number, number][] = JSON.parse(state.evals ?? "[]");
        if (
          evals.some(([, v]) => v >= until) || ["done", "stopped", "error"].includes(state.status)
        ) break;
      }
      const seconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, opts.settleMs ?? 300)); // the pendulum moves on
      if (opts.screenshot) {
        const shot = await cdp.send("Page.captureScreenshot", { format: "png" });
        await Deno.writeFile(
          opts.screenshot,
          Uint8Array.from(atob(shot.data as string), (c) => c.charCodeAt(0)),
        );
      }
      const rows = await cdp.send("Runtime.evaluate", {
        expression: "JSON.stringify(globalThis.demoRows ?? [])",
        returnByValue: true,
      });
      const value = opts.evaluate === undefined ? undefined : await cdp.send("Runtime.evaluate", {
        expression: opts.evaluate,
        awaitPromise: true,
        returnByValue: true,
      });
      return {
        value: (value?.result as { value?: unknown } | undefined)?.value ??
          (value?.exceptionDetails as { exception?: { description?: string } } | undefined)
            ?.exception?.description,
        evals: JSON.parse(state.evals ?? "[]"),
        status: state.status ?? "none",
        seconds,
        errors,
        rows: JSON.parse((rows.result as { value: string }).value),
      };
    } finally {
      cdp.close();
    }
  } finally {
    const kill = (sig: Deno.Signal) => { // throws if Chromium already exited: nothing to stop
      try {
        child.kill(sig);
      } catch { /* already gone */ }
    };
    kill("SIGTERM"); // lets Chromium end its helper processes, which write to the profile
    const killer = setTimeout(() => kill("SIGKILL"), 5000);
    await child.status;
    clearTimeout(killer);
    await server.close();
    for (let attempt = 0; attempt < 10; attempt++) { // a helper may still be leaving it
      try {
        await Deno.remove(profile, { recursive: true });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      until: { type: "string", default: "-400" },
      timeout: { type: "string", default: "300" },
      screenshot: { type: "string" },
      settle: { type: "string", default: "300" },
    },
  });
  const run = await runDemo({
    until: Number(values.until),
    timeoutMs: intFlag("timeout", values.timeout, 1) * 1000,
    screenshot: values.screenshot,
    settleMs: intFlag("settle", values.settle, 0),
  });
  console.log(JSON.stringify(run, null, 1));
}
