import { tempDir } from "./tmp.ts";
import { deepStrictEqual, ok, strictEqual } from "node:assert/strict";
import { resolve } from "node:path";
import { makeEnv } from "../envs/registry.ts";
import { checkpointPath } from "../lib/checkpoint.ts";
import { benchmarkStats, curveSvgs, loadBench, profileSvg } from "../scripts/benchmark.ts";
import { recordStates } from "../scripts/record.ts";
import {
  buildReport,
  findChromium,
  markdownToHtml,
  planarBodies,
  readExperiments,
  runChromium,
  updateResultsIndex,
} from "../scripts/report.ts";
import { main as train } from "../scripts/train.ts";

const tiny = ["--hidden", "16,16", "--epochs", "1", "--minibatches", "1", "--eval-episodes", "0"];
const quiet = ["--quiet", "--lr-schedule", "constant", "--seed", "1"];

/** Tiny fresh checkpoints: one GRPO update on Pendulum, one PPO update on HalfCheetah. */
async function tinyCheckpoints(dir: string) {
  const pend = `${dir}/pendulum`, cheetah = `${dir}/cheetah`;
  await train([...tiny, ...quiet, "--groups", "2", "--group-size", "2", "--horizon", "50"].concat(
    ["--env", "Pendulum-v1", "--algo", "grpo", "--total-steps", "200", "--out", pend],
  ));
  await train([...tiny, ...quiet, "--num-envs", "1", "--rollout-steps", "64"].concat(
    ["--env", "HalfCheetah-v5", "--algo", "ppo", "--total-steps", "64", "--out", cheetah],
  ));
  return { "Pendulum-v1": checkpointPath(pend), "HalfCheetah-v5": checkpointPath(cheetah) };
}

/** The committed docs folder (read only; the page is built into a temp dir). */
const DOCS = new URL("../docs", import.meta.url).pathname;
const tagOf = (dom: string, id: string) =>
  new RegExp(`<canvas[^>]*id="${id}"[^>]*>`).exec(dom)?.[0] ?? "";
const ticksOf = (dom: string, id: string) =>
  Number(/data-ticks="(\d+)"/.exec(tagOf(dom, id))?.[1] ?? NaN);

/**
 * The browser test needs Chromium. Without it on PATH the test is skipped with a line saying so,
 * unless GRPO_TS_REQUIRE_CHROMIUM=1 (set by .ci/run, which installs Chromium): then it must run.
 */
const required = Deno.env.get("GRPO_TS_REQUIRE_CHROMIUM") === "1";
const noChromium = !findChromium() && !required;
if (noChromium) {
  console.error(
    "report_test: SKIPPING the headless-Chromium test: no chromium, chromium-browser or google-chrome " +
      "on PATH. Enable it by installing Chromium (Debian: apt-get install chromium); set " +
      "GRPO_TS_REQUIRE_CHROMIUM=1 to make a missing browser a failure (.ci/run does).",
  );
}

Deno.test({
  name:
    "report: self-contained page renders in headless Chromium, plots present, animations advance",
  ignore: noChromium,
  fn: async () => {
    const dir = tempDir();
    try {
      const checkpoints = await tinyCheckpoints(dir);

      // recordStates: θ per step from the env's own reset state, then one state per step
      const rec = await recordStates(checkpoints["Pendulum-v1"], { episodes: 2, seed: 3 });
      const env = await makeEnv("Pendulum-v1");
      env.reset({ seed: 4 });
      strictEqual(rec.episodes[1].frames[0][0], env.getState()[0]);
      deepStrictEqual(rec.episodes.map((e) => e.frames.length), [201, 201]);
      ok(rec.episodes[0].frames.every((f) => f.length === 1 && Number.isFinite(f[0])));

      const path = await buildReport(`${dir}/out`, { docsDir: DOCS, checkpoints, episodes: 2 });
      const html = await Deno.readTextFile(path);
      const experiments = await readExperiments(DOCS);
      const svgFiles = experiments.flatMap((e) => Object.keys(e.svgs));
      ok(
        svgFiles.length >= 2,
        `expected committed plots under docs/experiments, found ${svgFiles}`,
      );
      // offline: no network URL in src/href/url(), no @import; every plot inlined
      strictEqual(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i.exec(html), null);
      strictEqual(/url\(\s*["']?(?:https?:)?\/\//i.exec(html), null);
      ok(!html.includes("@import"));
      const s = benchmarkStats(await loadBench(`${DOCS}/bench`));
      const benchSvgs = curveSvgs(s).length + (profileSvg(s) ? 1 : 0);
      strictEqual(html.match(/<svg\b/g)?.length, svgFiles.length + benchSvgs);
      ok(
        html.indexOf('id="benchmark"') < html.indexOf('id="animations"'),
        "the benchmark opens the page",
      );
      for (const e of experiments) ok(html.includes(`id="exp-${e.name}"`), e.name);

      const url = `file://${resolve(path)}`;
      const early = await runChromium(url, { args: ["--dump-dom"], virtualTimeMs: 400 });
      const late = await runChromium(url, { args: ["--dump-dom"], virtualTimeMs: 2500 });
      for (const dom of [early, late]) {
        ok(
          /<body[^>]*data-player="ok"/.test(dom),
          `player did not start: ${/<body[^>]*>/.exec(dom)}`,
        );
        strictEqual(dom.match(/<svg\b/g)?.length, svgFiles.length + benchSvgs);
        ok(dom.includes("<table>") && dom.includes("<h1>grpo-ts report</h1>"));
      }
      for (const id of ["pendulum", "cheetah"]) {
        const [a, b] = [ticksOf(early, id), ticksOf(late, id)];
        ok(
          a >= 0 && b > a,
          `${id}: animation did not advance (ticks ${a} then ${b}): ${tagOf(late, id)}`,
        );
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("report: results.md keeps the study and gets one refreshed experiment list", async () => {
  const study =
    "# Results\n\n## Pendulum-v1, default presets\n\n| a | b |\n|---|---:|\n| 1 | 2 |\n";
  const experiments = await readExperiments(DOCS);
  const once = updateResultsIndex(study, experiments);
  ok(once.startsWith(study));
  strictEqual(updateResultsIndex(once, experiments), once);
  for (const e of experiments) ok(once.includes(`(experiments/${e.name}/report.md)`), e.name);
  strictEqual(once.match(/## Experiment reports/g)?.length, 1);
  // a section after the list survives a refresh
  const later = once + "\n## Later\n\ntext\n";
  ok(updateResultsIndex(later, experiments).includes("## Later\n\ntext"));
});

Deno.test("report: markdown subset and cheetah geometry", async () => {
  const html = markdownToHtml(
    "# T\n\na *b* `c|d`\ncont\n\n| x | y |\n|---|---:|\n| 1 | 2 |\n\n- one\n  more\n- two\n\n![p](p.svg)",
    { image: (alt, src) => `[${alt}:${src}]` },
  );
  strictEqual(
    html,
    [
      "<h1>T</h1>",
      "<p>a <em>b</em> <code>c|d</code> cont</p>",
      '<table><thead><tr><th style="text-align:left">x</th><th style="text-align:right">y</th></tr></thead>' +
      '<tbody><tr><td style="text-align:left">1</td><td style="text-align:right">2</td></tr></tbody></table>',
      "<ul><li>one more</li><li>two</li></ul>",
      "<figure>[p:p.svg]<figcaption>p</figcaption></figure>",
    ].join("\n"),
  );
  const world = planarBodies(
    await Deno.readTextFile(new URL("../envs/halfcheetah.xml", import.meta.url)),
  );
  const all: ReturnType<typeof planarBodies>[] = [];
  (function walk(b) {
    all.push(b);
    b.children.forEach(walk);
  })(world);
  deepStrictEqual(all.flatMap((b) => b.joints.map((j) => j.q)), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  deepStrictEqual(all.map((b) => b.capsules.length), [0, 2, 1, 1, 1, 1, 1, 1]); // world, torso(+head), 6 legs
  const torso = all[1];
  deepStrictEqual(torso.pos, [0, 0.7]);
  deepStrictEqual(torso.capsules[0], [-0.5, 0, 0.5, 0, 0.046]);
});
