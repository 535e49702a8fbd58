/**
 * The benchmark tables are generated, never typed: docs/benchmark.md, docs/grpo_vs_ppo.md and the
 * fixture's copies must equal what scripts/benchmark.ts and scripts/verdict.ts compute from the
 * committed results.json files (set UPDATE_GOLDEN=1 to rewrite the fixture's), and the numbers in
 * them match an independent computation from the raw returns.
 */
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import {
  benchmarkMarkdown,
  benchmarkStats,
  ci,
  fmt,
  loadBench,
  profileSvg,
} from "../../scripts/benchmark.ts";
import { designsSection } from "../../scripts/designs.ts";
import { tuningPages } from "../../scripts/tuning.ts";
import { benchmarkHtml } from "../../scripts/report.ts";
import { readmeBlock, replaceReadmeBlock, verdictMarkdown } from "../../scripts/verdict.ts";
import { tempDir } from "../tmp.ts";

const root = new URL("../..", import.meta.url).pathname;
const FIXTURE = "tests/fixtures/bench";

Deno.test("the fixture's benchmark.md is what scripts/benchmark.ts generates from its results (deterministic)", async () => {
  const md = benchmarkMarkdown(await loadBench(`${root}${FIXTURE}`), undefined, FIXTURE);
  strictEqual(md, benchmarkMarkdown(await loadBench(`${root}${FIXTURE}`), undefined, FIXTURE));
  const golden = `${root}${FIXTURE}/benchmark.md`;
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(golden, md);
  strictEqual(md, await Deno.readTextFile(golden), "regenerate with UPDATE_GOLDEN=1 and review");
});

Deno.test("the fixture's grpo_vs_ppo.md is what scripts/verdict.ts generates from its results (deterministic)", async () => {
  const md = verdictMarkdown(await loadBench(`${root}${FIXTURE}`), undefined, FIXTURE);
  strictEqual(md, verdictMarkdown(await loadBench(`${root}${FIXTURE}`), undefined, FIXTURE));
  const golden = `${root}${FIXTURE}/grpo_vs_ppo.md`;
  if (Deno.env.get("UPDATE_GOLDEN") === "1") await Deno.writeTextFile(golden, md);
  strictEqual(md, await Deno.readTextFile(golden), "regenerate with UPDATE_GOLDEN=1 and review");
});

Deno.test("docs/benchmark.md and docs/grpo_vs_ppo.md are what `deno task report` generates from docs/bench/", async () => {
  const data = await loadBench(`${root}docs/bench`);
  const stale = "is stale: run `deno task report --benchmark-only`";
  strictEqual(
    benchmarkMarkdown(data, undefined, "docs/bench"),
    await Deno.readTextFile(`${root}docs/benchmark.md`),
    `docs/benchmark.md ${stale}`,
  );
  strictEqual(
    verdictMarkdown(data, undefined, "docs/bench", await designsSection(`${root}docs`, data)),
    await Deno.readTextFile(`${root}docs/grpo_vs_ppo.md`),
    `docs/grpo_vs_ppo.md ${stale}`,
  );
  for (const [path, md] of await tuningPages(`${root}docs/tuning`)) {
    strictEqual(md, await Deno.readTextFile(path), `${path} ${stale}`);
  }
});

Deno.test("the tables' numbers match the raw returns: run score, sample std, P(GRPO > PPO) by hand", async () => {
  const data = await loadBench(`${root}${FIXTURE}`);
  const task = data.tasks.find((t) => t.env === "CartPole-v1")!;
  deepStrictEqual(task.grid, [0, 2048, 4096, 6144, 8192]);
  // Oracle: read the files ourselves; a score is the mean of the last grid point's returns.
  const scores: Record<string, number[]> = { grpo: [], ppo: [] };
  for (const algo of ["grpo", "ppo"]) {
    for (const seed of [1000, 1001, 1002, 1003]) {
      const r = JSON.parse(
        Deno.readTextFileSync(`${root}${FIXTURE}/tiny/CartPole-v1_${algo}_s${seed}/results.json`),
      );
      const last = r.evals[r.evals.length - 1].returns as number[];
      strictEqual(last.length, 10);
      scores[algo].push(last.reduce((a, b) => a + b, 0) / last.length);
    }
  }
  deepStrictEqual(task.runs.grpo.map((r) => r.score), scores.grpo);
  const [g, p] = [scores.grpo, scores.ppo];
  let wins = 0;
  for (const x of g) for (const y of p) wins += x > y ? 1 : x === y ? 0.5 : 0;
  const s = benchmarkStats(data);
  const row = s.perTask.find((t) => t.task.env === "CartPole-v1")!;
  strictEqual(row.pGrpo!.point, wins / 16);
  const m = g.reduce((a, b) => a + b, 0) / 4;
  const sd = Math.sqrt(g.reduce((a, b) => a + (b - m) ** 2, 0) / 3); // sample std, ÷ (n − 1)
  const md = benchmarkMarkdown(data, s, FIXTURE);
  ok(
    md.includes(
      `| CartPole-v1 | 8192 | GRPO | 4 | ${m.toFixed(1)} ± ${
        sd.toFixed(1)
      } (sample std over 4 seeds) |`,
    ),
  );
  // The page opens with the cross-task table, then the profile, then the curves.
  const html = benchmarkHtml(data);
  const [table, profile, curve] = ["<table>", "Performance profile", "Sample efficiency per task"]
    .map((k) => html.indexOf(k));
  ok(0 < table && table < profile && profile < curve, `${table} ${profile} ${curve}`);
  ok(profileSvg(s).includes("<polygon")); // the CI band
});

Deno.test("runs of one task on different grids are refused, naming the file", async () => {
  const dir = tempDir();
  const src = `${root}${FIXTURE}/tiny/CartPole-v1_ppo_s1000/results.json`;
  const r = JSON.parse(Deno.readTextFileSync(src));
  Deno.mkdirSync(`${dir}/a/x`, { recursive: true });
  Deno.mkdirSync(`${dir}/a/y`, { recursive: true });
  Deno.writeTextFileSync(`${dir}/a/x/results.json`, JSON.stringify(r));
  r.evals[1].grid = 1000;
  Deno.writeTextFileSync(`${dir}/a/y/results.json`, JSON.stringify(r));
  await rejects(loadBench(dir), /a\/y\/results.json: its grid 0,1000,4096,6144,8192 differs/);
  r.complete = false;
  Deno.writeTextFileSync(`${dir}/a/y/results.json`, JSON.stringify(r));
  deepStrictEqual((await loadBench(dir)).unfinished, ["a/y/results.json"]);
});

Deno.test("README's results table is what `deno task report` generates from docs/bench/", async () => {
  const readme = await Deno.readTextFile(`${root}README.md`);
  const block = readmeBlock(await loadBench(`${root}docs/bench`));
  strictEqual(
    replaceReadmeBlock(readme, block),
    readme,
    "README.md's table is stale: run `deno task report --benchmark-only`",
  );
  const rowsOf = (b: string) =>
    b.split("\n").filter((l) => l.startsWith("| ") && !l.includes("---"));
  const data = await loadBench(`${root}docs/bench`);
  const both = data.tasks.filter((t) => t.runs.grpo?.length && t.runs.ppo?.length);
  strictEqual(
    rowsOf(block).length,
    both.length + 1,
    "a header and one row per task with both algorithms",
  );
  throws(() => replaceReadmeBlock("no markers", block), /markers/);
});

Deno.test("a CI bound that rounds to zero keeps its sign: −0.004, not −0.00", () => {
  strictEqual(ci({ point: 0.15, low: -0.004, high: 0.29 }, 5, 2), "0.15 [-0.004, 0.29]");
  strictEqual(ci({ point: 0, low: -0, high: 0.0049 }, 5, 2), "0.00 [0.00, 0.005]");
  strictEqual(fmt(-0.006, 2), "-0.01");
  strictEqual(ci({ point: 3.25, low: 3.25, high: 3.25 }, 1, 1), "3.3 (n = 1)");
});
