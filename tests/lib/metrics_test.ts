import { tempDir } from "../tmp.ts";
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { MetricsWriter, readMetrics, writeArgs } from "../../lib/metrics.ts";
import { formatDuration, Progress, type ProgressOptions } from "../../lib/progress.ts";

function withDir(fn: (dir: string) => void): () => void {
  return () => {
    const dir = tempDir();
    try {
      fn(dir);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  };
}

const csvLines = (dir: string) => Deno.readTextFileSync(`${dir}/metrics.csv`).split("\n");
const jsonlLines = (dir: string) => Deno.readTextFileSync(`${dir}/metrics.jsonl`).split("\n");

function row(step: number) {
  return {
    global_step: step,
    "charts/episodic_return": -step / 10,
    "losses/approx_kl": 0.01,
    SPS: 900,
  };
}

Deno.test(
  "metrics: every row reaches both files at once; CSV columns come from the first row",
  withDir((dir) => {
    const m = new MetricsWriter(dir);
    m.write(row(1024));
    // Readable from disk straight away, with nothing closed or flushed.
    deepStrictEqual(readMetrics(dir), [row(1024)]);
    deepStrictEqual(csvLines(dir), [
      "global_step,charts/episodic_return,losses/approx_kl,SPS",
      "1024,-102.4,0.01,900",
      "",
    ]);
    // A new key goes to the jsonl only; a missing key is an empty cell; odd values are escaped.
    m.write({ global_step: 2048, SPS: 950, "charts/episodic_return": NaN, "kl": 0.5 });
    m.write({ global_step: 3072, "losses/approx_kl": Infinity, SPS: -Infinity });
    m.write({ global_step: 4096, "charts/episodic_return": 'a,"b"\nc' });
    deepStrictEqual(csvLines(dir), [
      "global_step,charts/episodic_return,losses/approx_kl,SPS",
      "1024,-102.4,0.01,900",
      "2048,nan,,950",
      "3072,,inf,-inf",
      '4096,"a,""b""',
      'c",,',
      "",
    ]);
    const rows = readMetrics(dir);
    deepStrictEqual(rows[1], {
      global_step: 2048,
      SPS: 950,
      "charts/episodic_return": null,
      kl: 0.5,
    });
    deepStrictEqual(rows[2], { global_step: 3072, "losses/approx_kl": null, SPS: null });
    strictEqual(jsonlLines(dir).length, 5);
  }),
);

Deno.test(
  "metrics: declared columns fix the CSV; a row without a finite step is refused",
  withDir((dir) => {
    const m = new MetricsWriter(dir, { columns: ["global_step", "reward", "kl"] });
    strictEqual(csvLines(dir)[0], "global_step,reward,kl");
    m.write({ global_step: 8, kl: 0.2, reward: 1.5, extra: 3 });
    deepStrictEqual(csvLines(dir), ["global_step,reward,kl", "8,1.5,0.2", ""]);
    throws(
      () => m.write({ reward: 1 }),
      /row has "global_step" = undefined, expected a finite number/,
    );
    throws(() => m.write({ global_step: NaN }), /"global_step" = NaN, expected/);
    strictEqual(readMetrics(dir).length, 1);
  }),
);

Deno.test(
  "metrics: resume keeps rows up to the checkpoint step, drops later and partial rows, no duplicates",
  withDir((dir) => {
    const m = new MetricsWriter(dir);
    for (const s of [100, 200, 300, 400, 500]) m.write(row(s));
    // The run is killed mid-write: half a jsonl line, and the CSV missed the last row.
    Deno.writeTextFileSync(`${dir}/metrics.jsonl`, '{"global_step":600,"SPS', { append: true });
    const csv = csvLines(dir);
    Deno.writeTextFileSync(`${dir}/metrics.csv`, csv.slice(0, -2).join("\n") + "\n");

    const r = new MetricsWriter(dir, { resumeStep: 300 });
    deepStrictEqual(r.columns, Object.keys(row(0)));
    r.write(row(400));
    r.write(row(500));
    deepStrictEqual(readMetrics(dir).map((x) => x.global_step), [100, 200, 300, 400, 500]);
    deepStrictEqual(readMetrics(dir), [100, 200, 300, 400, 500].map(row));
    const lines = csvLines(dir);
    deepStrictEqual(lines.map((l) => l.split(",")[0]), [
      "global_step",
      "100",
      "200",
      "300",
      "400",
      "500",
      "",
    ]);
    strictEqual(new Set(lines.slice(0, -1).map((l) => l.split(",").length)).size, 1);
    deepStrictEqual(jsonlLines(dir).at(-1), "");

    // Resuming at every step keeps everything; resuming at 0 keeps nothing but the columns are
    // taken again from the next row.
    new MetricsWriter(dir, { resumeStep: Infinity });
    strictEqual(readMetrics(dir).length, 5);
    const z = new MetricsWriter(dir, { resumeStep: 0 });
    deepStrictEqual(readMetrics(dir), []);
    strictEqual(Deno.readTextFileSync(`${dir}/metrics.csv`), "");
    z.write({ global_step: 1, x: 2 });
    deepStrictEqual(csvLines(dir), ["global_step,x", "1,2", ""]);
  }),
);

Deno.test(
  "metrics: a fresh writer replaces old files; a corrupt middle line is an error",
  withDir((dir) => {
    const m = new MetricsWriter(dir);
    m.write(row(1));
    m.write(row(2));
    new MetricsWriter(dir);
    deepStrictEqual(readMetrics(dir), []);
    strictEqual(Deno.readTextFileSync(`${dir}/metrics.csv`), "");

    Deno.writeTextFileSync(
      `${dir}/metrics.jsonl`,
      '{"global_step":1}\n{"global_st\n{"global_step":3}\n',
    );
    throws(() => readMetrics(dir), /metrics\.jsonl line 2 is not valid JSON/);
    throws(() => new MetricsWriter(dir, { resumeStep: 5 }), /line 2 is not valid JSON/);
    Deno.writeTextFileSync(`${dir}/metrics.jsonl`, '{"global_step":1}\n[1]\n');
    throws(() => readMetrics(dir), /line 2 is \[1\], expected a JSON object/);
    // A complete object without its newline is a cut-short write too: dropped.
    Deno.writeTextFileSync(`${dir}/metrics.jsonl`, '{"global_step":1}\n{"global_step":2}');
    deepStrictEqual(readMetrics(dir), [{ global_step: 1 }]);
    Deno.removeSync(`${dir}/metrics.jsonl`);
    deepStrictEqual(readMetrics(dir), []);
  }),
);

Deno.test(
  "metrics: writeArgs writes pretty args.json, creating the folder",
  withDir((dir) => {
    const args = { env: "Pendulum-v1", seed: 1, lr: 3e-4, groupSize: 8, anneal: true };
    const path = writeArgs(`${dir}/runs/a`, args);
    strictEqual(path, `${dir}/runs/a/args.json`);
    const text = Deno.readTextFileSync(path);
    deepStrictEqual(JSON.parse(text), args);
    strictEqual(text, JSON.stringify(args, null, 2) + "\n");
  }),
);

// ---- lib/progress.ts (kept here because tests/lib/progress_test.ts is not in this file set) ----

function fakeProgress(isTerminal: boolean, extra: Partial<ProgressOptions> = {}) {
  const clock = { t: 1000 };
  const out: string[] = [];
  const p = new Progress(10000, {
    isTerminal,
    now: () => clock.t,
    write: (s) => out.push(s),
    ...extra,
  });
  return { p, out, clock };
}

Deno.test("progress: terminal mode redraws one line with \\r, throttled, and ends it on finish", () => {
  const { p, out, clock } = fakeProgress(true, { redrawMs: 100 });
  clock.t += 2000;
  p.update(1000, { recentReturn: -1234.567 });
  clock.t += 50; // too soon: no redraw
  p.update(1100);
  clock.t += 50;
  p.update(1200);
  deepStrictEqual(out, [
    "\rstep 1000/10000 (10.0%) | SPS 500 | return -1235 | elapsed 2s | ETA 18s\x1b[K",
    "\rstep 1200/10000 (12.0%) | SPS 571 | return -1235 | elapsed 2s | ETA 15s\x1b[K",
  ]);
  clock.t += 400_000;
  p.update(9000, { recentReturn: 0.001234567 });
  strictEqual(
    out.at(-1),
    "\rstep 9000/10000 (90.0%) | SPS 22 | return 0.001235 | elapsed 6m42s | ETA 45s\x1b[K",
  );
  strictEqual(out.join("").includes("\n"), false);
  p.finish();
  ok(out.at(-1)!.startsWith("\rstep 9000/10000") && out.at(-1)!.endsWith("\x1b[K\n"));
});

Deno.test("progress: plain mode prints whole lines every N seconds or every K updates", () => {
  const { p, out, clock } = fakeProgress(false, { everySeconds: 10, startStep: 4000 });
  p.update(4100); // the first update always shows; no time has passed yet
  strictEqual(out[0], "step 4100/10000 (41.0%) | SPS 0 | return - | elapsed 0s | ETA ?\n");
  for (let i = 1; i <= 30; i++) {
    clock.t += 1000;
    p.update(4100 + 100 * i);
  }
  strictEqual(out.length, 4); // at 0 s, 10 s, 20 s, 30 s
  strictEqual(out[3], "step 7100/10000 (71.0%) | SPS 103 | return - | elapsed 30s | ETA 28s\n");
  ok(out.every((l) => l.endsWith("\n") && !l.includes("\r")));

  const k = fakeProgress(false, { everySeconds: 3600, everyUpdates: 5 });
  for (let i = 1; i <= 12; i++) {
    k.clock.t += 10;
    k.p.update(i * 10);
  }
  deepStrictEqual(k.out.map((l) => l.split(" ")[1]), ["10/10000", "60/10000", "110/10000"]);
  k.p.finish();
  strictEqual(k.out.length, 4);
  ok(k.out[3].startsWith("step 120/10000"));
});

Deno.test("progress: the update's reward stands in until an episodic return arrives", () => {
  const { p, out, clock } = fakeProgress(false, { everyUpdates: 1 });
  clock.t += 1000;
  p.update(100, { reward: 4.0246 }); // GRPO on HalfCheetah: no episode ends within an update
  p.update(200, { recentReturn: 1234.5, reward: 5 });
  p.update(300, { reward: 6 }); // the last return stays shown
  deepStrictEqual(out.map((l) => l.split(" | ")[2]), [
    "reward 4.025",
    "return 1235",
    "return 1235",
  ]);
});

Deno.test("progress: formatDuration and argument checks", () => {
  deepStrictEqual([0, 42.4, 60, 422, 3599.4, 3600, 11100, Infinity].map(formatDuration), [
    "0s",
    "42s",
    "1m00s",
    "7m02s",
    "59m59s",
    "1h00m",
    "3h05m",
    "?",
  ]);
  throws(() => new Progress(0, { write: () => {} }), /total is 0, expected a positive number/);
});
