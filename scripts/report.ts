/**
 * Builds one self-contained offline page, docs/report.html: the Pendulum study (docs/results.md),
 * every experiment folder under docs/experiments/, with its markdown rendered, its SVG plots
 * inlined and its CSV as a table, and animations of a trained policy per env drawn from recorded
 * states. Also refreshes the "Experiment reports" list in docs/results.md and takes a screenshot,
 * docs/report.png, with headless Chromium.
 *
 *   deno task report [--docs docs] [--out docs] [--pendulum CKPT] [--cheetah CKPT] [--no-screenshot]
 *
 * HalfCheetah-v5's checkpoint defaults to the finished 1M-step GRPO run of `exp:grpo-vs-ppo` (seed 1);
 * otherwise checkpoints default to runs/report/<env>_<algo>_s1/checkpoint.json and are trained there
 * when missing: Pendulum-v1 with the GRPO preset (~10 s), HalfCheetah-v5 with PPO for 20000 steps.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { relative, resolve } from "node:path";
import { designsSection } from "./designs.ts";
import { tuningPages } from "./tuning.ts";
import {
  type BenchData,
  benchmarkMarkdown,
  benchmarkStats,
  crossTaskMarkdown,
  curveSvgs,
  loadBench,
  perTaskMarkdown,
  profileSvg,
  publishedMarkdown,
} from "./benchmark.ts";
import { readmeBlock, replaceReadmeBlock, verdictMarkdown } from "./verdict.ts";
import { type Recording, recordStates } from "./record.ts";
import { main as train } from "./train.ts";

// ---------------------------------------------------------------- markdown (the subset we write)

/** How {@link markdownToHtml} resolves images and links. */
export interface MarkdownContext {
  /** HTML for `![alt](src)` (default: an `<img>`). */
  image?: (alt: string, src: string) => string;
  /** Rewrites a link target (default: unchanged). */
  link?: (href: string) => string;
  /** Added to every heading level (default 0). */
  headingShift?: number;
}

const esc = (s: string) =>
  s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );

function inline(s: string, ctx: MarkdownContext): string {
  return s.split(/(`[^`]+`)/).map((part) => {
    if (/^`[^`]+`$/.test(part)) return `<code>${esc(part.slice(1, -1))}</code>`;
    return esc(part)
      .replace(
        /!\[([^\]]*)\]\(([^)\s]+)\)/g,
        (_, alt, src) => ctx.image ? ctx.image(alt, src) : `<img alt="${alt}" src="${src}">`,
      )
      .replace(
        /\[([^\]]+)\]\(([^)\s]+)\)/g,
        (_, text, href) => `<a href="${ctx.link ? esc(ctx.link(href)) : href}">${text}</a>`,
      )
      .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|[\s(])\*([^*\s][^*]*?)\*(?=[\s).,;:]|$)/g, "$1<em>$2</em>");
  }).join("");
}

const isTableSep = (l: string) => /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(l);
const cells = (l: string) =>
  l.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
const LIST = /^\s*([-*]|\d+\.)\s+/;
const startsBlock = (l: string) => /^(#{1,6}\s|```|\|)/.test(l) || LIST.test(l);

/**
 * Renders the markdown subset our reports use to HTML: ATX headings, paragraphs, pipe tables with
 * alignment, `-`/`1.` lists, fenced code, code spans, bold, emphasis, links and images.
 *
 * @example
 * ```ts
 * import { markdownToHtml } from "./report.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(markdownToHtml("# A `b`"), "<h1>A <code>b</code></h1>");
 * ```
 */
export function markdownToHtml(md: string, ctx: MarkdownContext = {}): string {
  const lines = md.replaceAll("\r\n", "\n").split("\n"), out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (!line.trim()) i++;
    else if (h) {
      const level = Math.min(6, h[1].length + (ctx.headingShift ?? 0));
      out.push(`<h${level}>${inline(h[2], ctx)}</h${level}>`);
      i++;
    } else if (line.startsWith("```")) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.push(lines[i]);
      out.push(`<pre><code>${esc(body.join("\n"))}</code></pre>`);
      i++;
    } else if (line.trimStart().startsWith("|") && isTableSep(lines[i + 1] ?? "")) {
      const align = cells(lines[i + 1]).map((c) =>
        c.endsWith(":") ? (c.startsWith(":") ? "center" : "right") : "left"
      );
      const row = (l: string, tag: string) =>
        `<tr>${
          cells(l).map((c, k) =>
            `<${tag} style="text-align:${align[k] ?? "left"}">${inline(c, ctx)}</${tag}>`
          )
            .join("")
        }</tr>`;
      const body: string[] = [];
      for (i += 2; i < lines.length && lines[i].trimStart().startsWith("|"); i++) {
        body.push(row(lines[i], "td"));
      }
      out.push(`<table><thead>${row(line, "th")}</thead><tbody>${body.join("")}</tbody></table>`);
    } else if (LIST.test(line)) {
      const ordered = /^\s*\d+\./.test(line), items: string[] = [];
      for (; i < lines.length && lines[i].trim(); i++) {
        if (LIST.test(lines[i])) items.push(lines[i].replace(LIST, ""));
        else items[items.length - 1] += " " + lines[i].trim(); // a continuation line
      }
      const tag = ordered ? "ol" : "ul";
      out.push(`<${tag}>${items.map((it) => `<li>${inline(it, ctx)}</li>`).join("")}</${tag}>`);
    } else {
      const para: string[] = [];
      for (; i < lines.length && lines[i].trim() && (!para.length || !startsBlock(lines[i])); i++) {
        para.push(lines[i].trim());
      }
      const text = para.join(" ");
      const img = /^!\[([^\]]*)\]\(([^)\s]+)\)$/.exec(text);
      out.push(
        img
          ? `<figure>${inline(text, ctx)}<figcaption>${esc(img[1])}</figcaption></figure>`
          : `<p>${inline(text, ctx)}</p>`,
      );
    }
  }
  return out.join("\n");
}

// ---------------------------------------------------------------- SVG, CSV

/**
 * Prepares an SVG file for inlining: drops the XML prolog, prefixes every `id` (and its
 * `url(#…)`/`href="#…"` references) with `prefix` so that several plots can share one page, and
 * lets it shrink to the column width.
 */
export function inlineSvg(svg: string, prefix: string): string {
  let s = svg.replace(/<\?xml[^>]*\?>/, "").replace(/<!DOCTYPE[^>]*>/i, "").trim();
  for (const [, id] of s.matchAll(/\bid="([^"]+)"/g)) {
    s = s.replaceAll(`id="${id}"`, `id="${prefix}-${id}"`)
      .replaceAll(`url(#${id})`, `url(#${prefix}-${id})`)
      .replaceAll(`href="#${id}"`, `href="#${prefix}-${id}"`);
  }
  return s.replace(/<svg\b/, '<svg style="max-width:100%;height:auto"');
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split("\n").filter((l) => l.trim())) {
    const row: string[] = [];
    for (const m of line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)) {
      row.push(m[1].startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : m[1]);
    }
    rows.push(row);
  }
  return rows;
}

function csvTable(text: string): string {
  const [head, ...rows] = parseCsv(text);
  const cell = (v: string) => {
    const x = Number(v);
    const shown = v.trim() && Number.isFinite(x) && !Number.isInteger(x)
      ? String(Number(x.toPrecision(5)))
      : v;
    return `<td style="text-align:${Number.isNaN(x) && v !== "NaN" ? "left" : "right"}">${
      esc(shown)
    }</td>`;
  };
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${
    rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")
  }</tbody></table>`;
}

// ---------------------------------------------------------------- results.md index

const INDEX_HEADING = "## Experiment reports";

/** One experiment folder: its name (folder), title (first heading) and files. */
export interface Experiment {
  name: string;
  dir: string;
  title: string;
  markdown: string;
  svgs: Record<string, string>;
  csvs: Record<string, string>;
}

/** Removes the "Experiment reports" section (from its heading to the next `## ` or the end). */
export function stripResultsIndex(md: string): string {
  const at = md.indexOf(`\n${INDEX_HEADING}\n`);
  if (at < 0) return md;
  const next = md.indexOf("\n## ", at + 1);
  return (md.slice(0, at) + (next < 0 ? "\n" : md.slice(next))).replace(/\n+$/, "\n");
}

/**
 * Returns results.md with a fresh "Experiment reports" section listing each experiment's report
 * (any earlier such section replaced, everything else kept as it was), so that running the Pendulum
 * study (which rewrites the file) and then the report gives the combined file.
 */
export function updateResultsIndex(md: string, experiments: Experiment[]): string {
  const section = [
    INDEX_HEADING,
    "",
    "Each experiment folder under docs/experiments/ holds a report.md, its CSV and its plots; " +
    "`deno task report` gathers them all, with animations of trained policies, into one offline " +
    "page, [report.html](report.html).",
    "",
    ...experiments.map((e) => `- [${e.title}](experiments/${e.name}/report.md)`),
  ];
  return stripResultsIndex(md).replace(/\n*$/, "\n\n") + section.join("\n") + "\n";
}

/** Reads every docs/experiments/<name>/ that has a report.md, sorted by name. */
export async function readExperiments(docsDir: string): Promise<Experiment[]> {
  const root = `${docsDir}/experiments`, out: Experiment[] = [];
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(root)) if (e.isDirectory) names.push(e.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  for (const name of names.sort()) {
    const dir = `${root}/${name}`;
    const markdown = await Deno.readTextFile(`${dir}/report.md`).catch(() => undefined);
    if (markdown === undefined) continue;
    const svgs: Record<string, string> = {}, csvs: Record<string, string> = {};
    for await (const f of Deno.readDir(dir)) {
      if (f.name.endsWith(".svg")) svgs[f.name] = await Deno.readTextFile(`${dir}/${f.name}`);
      if (f.name.endsWith(".csv")) csvs[f.name] = await Deno.readTextFile(`${dir}/${f.name}`);
    }
    const title = /^#\s+(.*)$/m.exec(markdown)?.[1] ?? name;
    out.push({ name, dir, title, markdown, svgs, csvs });
  }
  return out;
}

// ---------------------------------------------------------------- HalfCheetah geometry

/** A body of the planar cheetah in the x–z plane, positions local to its parent. */
export interface PlanarBody {
  name: string;
  /** [x, z] of the body frame in the parent frame. */
  pos: [number, number];
  /** Joints in qpos order: slides move along x or z, hinges rotate about y. */
  joints: { kind: "slidex" | "slidez" | "hinge"; q: number }[];
  /** Capsules as [x₁, z₁, x₂, z₂, radius] in the body frame. */
  capsules: number[][];
  children: PlanarBody[];
}

const attr = (tag: string, name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
const nums = (s: string | undefined) => (s ?? "").trim().split(/\s+/).map(Number);

/**
 * Reads the bodies, joints and capsules of envs/halfcheetah.xml into a planar tree. A capsule with
 * `axisangle="0 1 0 θ"` and `size="r h"` runs along R_y(θ)·ẑ = (sin θ, cos θ) in (x, z):
 * ends = pos ± h·(sin θ, cos θ). qpos indices follow the joints' document order.
 *
 * Reference: MuJoCo XML reference, `body`, `geom` (fromto, axisangle, size), `joint`.
 */
export function planarBodies(xml: string): PlanarBody {
  const world = xml.slice(xml.indexOf("<worldbody>"), xml.indexOf("</worldbody>"));
  const root: PlanarBody = { name: "world", pos: [0, 0], joints: [], capsules: [], children: [] };
  const stack = [root];
  let q = 0;
  for (
    const [tag] of world.replace(/<!--[\s\S]*?-->/g, "").matchAll(/<\/?(body|geom|joint)\b[^>]*>/g)
  ) {
    const top = stack[stack.length - 1];
    if (tag.startsWith("</body")) stack.pop();
    else if (tag.startsWith("<body")) {
      const [x, , z] = nums(attr(tag, "pos") ?? "0 0 0");
      const b: PlanarBody = {
        name: attr(tag, "name") ?? "",
        pos: [x, z],
        joints: [],
        capsules: [],
        children: [],
      };
      top.children.push(b);
      if (!tag.endsWith("/>")) stack.push(b);
    } else if (tag.startsWith("<joint")) {
      const type = attr(tag, "type") ?? "hinge", axis = nums(attr(tag, "axis") ?? "0 0 1");
      const kind = type === "slide" ? (axis[0] ? "slidex" : "slidez") : "hinge";
      top.joints.push({ kind, q: q++ });
    } else if (attr(tag, "type") === "capsule") {
      const [r, h] = nums(attr(tag, "size"));
      const fromto = attr(tag, "fromto");
      if (fromto) {
        const [x1, , z1, x2, , z2] = nums(fromto);
        top.capsules.push([x1, z1, x2, z2, r]);
      } else {
        const [x, , z] = nums(attr(tag, "pos") ?? "0 0 0"),
          th = nums(attr(tag, "axisangle"))[3] ?? 0;
        const ax = Math.sin(th) * h, az = Math.cos(th) * h;
        top.capsules.push([x - ax, z - az, x + ax, z + az, r]);
      }
    }
  }
  return root;
}

// ---------------------------------------------------------------- checkpoints and recordings

const TRAIN_FLAGS: Record<string, string[]> = {
  "Pendulum-v1": ["--env", "Pendulum-v1", "--algo", "grpo", "--seed", "1"],
  "HalfCheetah-v5": [
    "--env",
    "HalfCheetah-v5",
    "--algo",
    "ppo",
    "--total-steps",
    "20000",
    "--seed",
    "1",
  ],
};

/** Finished runs preferred over a quick one: HalfCheetah's 1M-step GRPO run of exp:grpo-vs-ppo. */
const FINISHED: Record<string, string> = {
  "HalfCheetah-v5": "runs/experiments/grpo_vs_ppo_HalfCheetah-v5/grpo_s1",
};

/**
 * The checkpoint of {@link FINISHED} when that run finished, else the one at
 * runs/report/<env>_<algo>_s1/, trained with {@link TRAIN_FLAGS} when missing.
 */
async function ensureCheckpoint(env: string, runsDir: string): Promise<string> {
  const done = (dir: string) => Deno.stat(`${dir}/eval.json`).then(() => true, () => false);
  if (FINISHED[env] && await done(FINISHED[env])) return `${FINISHED[env]}/checkpoint.json`;
  const flags = TRAIN_FLAGS[env];
  const dir = `${runsDir}/${env}_${flags[3]}_s1`, path = `${dir}/checkpoint.json`;
  if (await done(dir)) return path;
  console.log(`report: training ${env} (${flags.join(" ")}) into ${dir}`);
  await train([...flags, "--out", dir, "--quiet", "--overwrite"]);
  return path;
}

const wrapAngle = (x: number) =>
  ((x + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;

/** The most telling episode: Pendulum, the lowest start that ends upright; else the best return. */
function pickEpisode(rec: Recording) {
  const eps = [...rec.episodes].sort((a, b) => b.return - a.return);
  if (rec.env !== "Pendulum-v1") return eps[0];
  const upright = eps.filter((e) => Math.abs(wrapAngle(e.frames[e.frames.length - 1][0])) < 0.2);
  const low = (e: typeof eps[number]) => Math.abs(wrapAngle(e.frames[0][0]));
  return upright.sort((a, b) => low(b) - low(a))[0] ?? eps[0];
}

// ---------------------------------------------------------------- the page

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}
h1,h2,h3{line-height:1.2}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px}
thead{background:#f3f3f3}code{background:#f3f3f3;padding:0 3px;border-radius:3px;font-size:90%}
figure{margin:1em 0}figcaption{color:#666;font-size:13px}nav ul{columns:2}
.anims{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}.anim canvas{border:1px solid #ccc;cursor:pointer}
.anim p{max-width:640px;font-size:13px;color:#444}details{margin:1em 0}summary{cursor:pointer}
.curves{display:flex;flex-wrap:wrap;gap:8px}`;

/**
 * The benchmark at the top of the page: the cross-task table, the performance profile, then each
 * task's sample-efficiency curve and the per-task table (scripts/benchmark.ts).
 */
export function benchmarkHtml(bench: BenchData): string {
  const s = benchmarkStats(bench);
  const profile = profileSvg(s);
  const curves = curveSvgs(s).map((c, i) => `<figure>${inlineSvg(c.svg, `curve${i}`)}</figure>`);
  return `<section id="benchmark">
${markdownToHtml(crossTaskMarkdown(s))}
${profile ? `<figure>${inlineSvg(profile, "profile")}</figure>` : ""}
${
    curves.length
      ? `<h2>Sample efficiency per task</h2>\n<div class="curves">${curves.join("\n")}</div>`
      : ""
  }
${markdownToHtml(perTaskMarkdown(s))}
${markdownToHtml(publishedMarkdown(bench, s))}
<p>All tables, the normalization references and the studies' commands: <a href="benchmark.md">docs/benchmark.md</a>; whether GRPO matches PPO, task by task: <a href="grpo_vs_ppo.md">docs/grpo_vs_ppo.md</a>. Both are generated from <code>docs/bench/</code>.</p>
</section>`;
}

/** The inline player: draws frame k of each recording every dt seconds; writes data-frame/data-ticks. */
const PLAYER = `
(() => {
  const data = JSON.parse(document.getElementById("anim-data").textContent);
  function play(canvas, rec, draw) {
    const ctx = canvas.getContext("2d"), n = rec.frames.length;
    let frame = 0, ticks = 0, paused = false;
    const show = () => {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      draw(ctx, rec.frames[frame], frame * rec.dt);
      canvas.dataset.frame = String(frame);
      canvas.dataset.ticks = String(ticks);
    };
    canvas.addEventListener("click", () => { paused = !paused; });
    show();
    setInterval(() => { if (paused) return; frame = (frame + 1) % n; ticks++; show(); }, rec.dt * 1000);
  }
  function label(ctx, text) { ctx.fillStyle = "#333"; ctx.font = "13px sans-serif"; ctx.fillText(text, 8, 18); }
  function pendulum(ctx, [th], t) {
    const cx = 150, cy = 150, L = 110;
    ctx.setLineDash([4, 4]); ctx.strokeStyle = "#bbb"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.arc(cx, cy, L, 0, 2 * Math.PI); ctx.stroke(); ctx.setLineDash([]);
    const x = cx - L * Math.sin(th), y = cy - L * Math.cos(th); // θ = 0 upright, counter-clockwise
    ctx.strokeStyle = "#c33"; ctx.lineWidth = 16; ctx.lineCap = "round";
    ctx.beginPath(); ctx.moveTo(cx, cy); ctx.lineTo(x, y); ctx.stroke();
    ctx.fillStyle = "#222"; ctx.beginPath(); ctx.arc(cx, cy, 4, 0, 2 * Math.PI); ctx.fill();
    const w = Math.atan2(Math.sin(th), Math.cos(th));
    label(ctx, "t = " + t.toFixed(2) + " s   θ = " + w.toFixed(2) + " rad");
  }
  function cheetah(ctx, q, t) {
    const W = ctx.canvas.width, H = ctx.canvas.height, s = 160, gy = H - 40;
    const cam = q[0], X = (x) => W / 2 + (x - cam) * s, Z = (z) => gy - z * s;
    ctx.strokeStyle = "#888"; ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(0, gy); ctx.lineTo(W, gy); ctx.stroke();
    ctx.fillStyle = "#888"; ctx.font = "11px sans-serif";
    for (let m = Math.floor(cam - W / s / 2); m <= cam + W / s / 2; m += 0.5) {
      ctx.beginPath(); ctx.moveTo(X(m), gy); ctx.lineTo(X(m), gy + 6); ctx.stroke();
      if (Number.isInteger(m)) ctx.fillText(m + " m", X(m) - 8, gy + 18);
    }
    ctx.lineCap = "round"; ctx.strokeStyle = "#2a5d9f";
    (function body(b, px, pz, pa) {
      const c = Math.cos(pa), si = Math.sin(pa);
      let x = px + c * b.pos[0] + si * b.pos[1], z = pz - si * b.pos[0] + c * b.pos[1], a = pa;
      for (const j of b.joints) {
        if (j.kind === "slidex") x += q[j.q]; else if (j.kind === "slidez") z += q[j.q]; else a += q[j.q];
      }
      const ca = Math.cos(a), sa = Math.sin(a); // R_y(a): (x, z) ↦ (c·x + s·z, −s·x + c·z)
      for (const [x1, z1, x2, z2, r] of b.capsules) {
        ctx.lineWidth = 2 * r * s; ctx.beginPath();
        ctx.moveTo(X(x + ca * x1 + sa * z1), Z(z - sa * x1 + ca * z1));
        ctx.lineTo(X(x + ca * x2 + sa * z2), Z(z - sa * x2 + ca * z2)); ctx.stroke();
      }
      for (const ch of b.children) body(ch, x, z, a);
    })(data.cheetah.geometry, 0, 0, 0);
    label(ctx, "t = " + t.toFixed(2) + " s   x = " + q[0].toFixed(2) + " m");
  }
  try {
    if (data.pendulum) play(document.getElementById("pendulum"), data.pendulum, pendulum);
    if (data.cheetah) play(document.getElementById("cheetah"), data.cheetah, cheetah);
    document.body.dataset.player = "ok";
  } catch (err) {
    document.body.dataset.player = "error: " + err.message;
  }
})();`;

/** Options of {@link buildReport}. */
export interface ReportOptions {
  /** Where results.md and experiments/ are read from (default "docs"). */
  docsDir?: string;
  /** Checkpoint per env id; a missing one is trained under `runsDir` (default: both trained/reused). */
  checkpoints?: Partial<Record<"Pendulum-v1" | "HalfCheetah-v5", string>>;
  /** Where missing checkpoints are trained (default "runs/report"). */
  runsDir?: string;
  /** Episodes recorded per env (seeds 0, 1, …); the page shows one (default 10 Pendulum, 1 HalfCheetah). */
  episodes?: number;
}

/**
 * Writes `<outDir>/report.html`, one page without external resources: a contents list, the
 * animations, docs/results.md (without its experiment index) and every experiment report with its
 * SVG plots inlined and its CSV files as tables. Returns the page's path.
 */
export async function buildReport(outDir: string, opts: ReportOptions = {}): Promise<string> {
  const docsDir = opts.docsDir ?? "docs", runsDir = opts.runsDir ?? "runs/report";
  await Deno.mkdir(outDir, { recursive: true });
  const experiments = await readExperiments(docsDir);
  const results = await Deno.readTextFile(`${docsDir}/results.md`).catch(() => "");
  const bench = await loadBench(`${docsDir}/bench`);

  // ---- recordings
  const anim: Record<string, unknown> = {};
  const captions: Record<string, string> = {};
  for (const [key, env] of [["pendulum", "Pendulum-v1"], ["cheetah", "HalfCheetah-v5"]] as const) {
    const ckpt = opts.checkpoints?.[env] ?? await ensureCheckpoint(env, runsDir);
    const rec = await recordStates(ckpt, {
      episodes: opts.episodes ?? (env === "Pendulum-v1" ? 10 : 1),
      seed: 0,
    });
    const ep = pickEpisode(rec);
    anim[key] = {
      dt: rec.dt,
      frames: ep.frames.map((f) => f.map((v) => Math.round(v * 1e4) / 1e4)),
      ...(key === "cheetah"
        ? {
          geometry: planarBodies(
            await Deno.readTextFile(new URL("../envs/halfcheetah.xml", import.meta.url)),
          ),
        }
        : {}),
    };
    const where = `${rec.algo.toUpperCase()} checkpoint <code>${
      esc(ckpt)
    }</code> after ${rec.trainSteps} env steps`;
    captions[key] = env === "Pendulum-v1"
      ? `${where}; deterministic policy (mean action), episode seed ${ep.seed} of seeds 0–${
        rec.episodes.length - 1
      } (the lowest start that ends upright), return ${ep.return.toFixed(1)} over ${
        ep.frames.length - 1
      } steps.`
      : `${where}${
        rec.trainSteps < 500_000
          ? ": an <strong>early, barely-trained policy</strong>, so expect stumbling"
          : ""
      }. Deterministic policy, episode seed ${ep.seed}, return ${ep.return.toFixed(1)} over ${
        ep.frames.length - 1
      } steps; the camera follows the torso, ticks every 0.5 m.`;
  }

  // ---- sections
  const resultsBody = stripResultsIndex(results);
  const expSections = experiments.map((e) => {
    const rel = relative(resolve(outDir), resolve(e.dir));
    const body = markdownToHtml(e.markdown, {
      headingShift: 1,
      image: (alt, src) =>
        e.svgs[src] !== undefined
          ? inlineSvg(e.svgs[src], `${e.name}-${src.replace(/\W/g, "_")}`)
          : `<img alt="${alt}" src="${rel}/${src}">`,
      link: (href) => /^[a-z]+:|^#/.test(href) ? href : `${rel}/${href}`,
    });
    const unused = Object.keys(e.svgs).filter((f) => !e.markdown.includes(`(${f})`)).sort()
      .map((f) =>
        `<figure>${
          inlineSvg(e.svgs[f], `${e.name}-${f.replace(/\W/g, "_")}`)
        }<figcaption>${f}</figcaption></figure>`
      );
    const csvs = Object.keys(e.csvs).sort().map((f) =>
      `<details><summary>${esc(f)} (${
        e.csvs[f].trim().split("\n").length - 1
      } rows; numbers to 5 significant digits)</summary>${csvTable(e.csvs[f])}</details>`
    );
    return `<section id="exp-${e.name}">\n${body}\n${unused.join("\n")}\n${
      csvs.join("\n")
    }\n</section>`;
  });
  const toc = [
    `<li><a href="#animations">Trained policies, animated</a></li>`,
    results ? `<li><a href="#results">Pendulum-v1 study (docs/results.md)</a></li>` : "",
    ...experiments.map((e) => `<li><a href="#exp-${e.name}">${esc(e.title)}</a></li>`),
  ].join("");
  const json = JSON.stringify(anim).replaceAll("<", "\\u003c");
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>grpo-ts report</title><style>${CSS}</style></head>
<body>
<h1>grpo-ts report</h1>
<p>One offline page built by <code>deno task report</code> (${
    new Date().toISOString().slice(0, 10)
  }, Deno ${Deno.version.deno}): the benchmark from the committed results in <code>docs/bench/</code>,
then the Pendulum study, every experiment under <code>docs/experiments/</code> with its plots and data, and trained policies
replayed from recorded env states.</p>
${benchmarkHtml(bench)}
<nav><ul>${toc}</ul></nav>
<section id="animations"><h2>Trained policies, animated</h2>
<p>States recorded with <code>scripts/record.ts</code>, replayed at the env's time step (click to pause).</p>
<div class="anims">
<div class="anim"><h3>Pendulum-v1: swing-up</h3><canvas id="pendulum" width="300" height="300"></canvas><p>${captions.pendulum}</p></div>
<div class="anim"><h3>HalfCheetah-v5: side view</h3><canvas id="cheetah" width="640" height="300"></canvas><p>${captions.cheetah}</p></div>
</div></section>
${
    results
      ? `<section id="results">\n${markdownToHtml(resultsBody, { headingShift: 1 })}\n</section>`
      : ""
  }
${expSections.join("\n")}
<script type="application/json" id="anim-data">${json}</script>
<script>${PLAYER}</script>
</body></html>
`;
  const path = `${outDir}/report.html`;
  await Deno.writeTextFile(path, html);
  return path;
}

// ---------------------------------------------------------------- headless Chromium

/** The first Chromium binary on PATH (chromium, chromium-browser, google-chrome), or undefined. */
export function findChromium(): string | undefined {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch { /* not here */ }
    }
  }
}

/** Headless Chromium offline-ish: no sandbox, GPU, background networking, updates or scrollbars. */
export const HEADLESS_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--hide-scrollbars",
];

/**
 * Runs headless Chromium offline-ish (no sandbox, GPU, background networking or updates, a fresh
 * profile) on a file URL with `args` (e.g. `--dump-dom`, `--screenshot=…`); returns stdout.
 */
export async function runChromium(
  url: string,
  opts: { args?: string[]; virtualTimeMs?: number } = {},
): Promise<string> {
  const bin = findChromium();
  if (!bin) {
    throw new Error("runChromium: no chromium on PATH; install Debian's `chromium` package");
  }
  const profile = await Deno.makeTempDir({ prefix: "report_chromium_" });
  try {
    const { success, stdout, stderr } = await new Deno.Command(bin, {
      args: [
        ...HEADLESS_FLAGS,
        `--user-data-dir=${profile}`,
        `--virtual-time-budget=${opts.virtualTimeMs ?? 1000}`,
        ...(opts.args ?? []),
        url,
      ],
      env: { TMPDIR: profile }, // its own temp files (org.chromium.*) go where they are removed
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!success) {
      throw new Error(
        `runChromium: ${bin} failed on ${url}: ${new TextDecoder().decode(stderr).slice(-500)}`,
      );
    }
    return new TextDecoder().decode(stdout);
  } finally {
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
}

/** Builds the page, refreshes docs/results.md's experiment list and takes the screenshot. */
export async function main(argv: string[] = []): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      docs: { type: "string", default: "docs" },
      out: { type: "string", default: "docs" },
      runs: { type: "string", default: "runs/report" },
      pendulum: { type: "string" },
      cheetah: { type: "string" },
      "no-screenshot": { type: "boolean", default: false },
      "benchmark-only": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(`deno task report [flags]
  --docs DIR        where results.md and experiments/ are read (default docs)
  --out DIR         where report.html and report.png go (default docs)
  --runs DIR        where missing checkpoints are trained (default runs/report)
  --pendulum FILE   Pendulum-v1 checkpoint (default: DIR/Pendulum-v1_grpo_s1, trained if missing)
  --cheetah FILE    HalfCheetah-v5 checkpoint (default: the 1M-step GRPO run of exp:grpo-vs-ppo seed 1
                    if finished, else DIR/HalfCheetah-v5_ppo_s1, trained if missing)
  --no-screenshot   skip report.png
  --benchmark-only  only regenerate DOCS/benchmark.md, DOCS/grpo_vs_ppo.md, README's table (from
                    DOCS/bench/ and DOCS/designs/) and DOCS/tuning/*.md (no page, no training)`);
    return;
  }
  const benchDir = `${values.docs}/bench`;
  const bench = await loadBench(benchDir);
  await Deno.writeTextFile(
    `${values.docs}/benchmark.md`,
    benchmarkMarkdown(bench, undefined, benchDir),
  );
  await Deno.writeTextFile(
    `${values.docs}/grpo_vs_ppo.md`,
    verdictMarkdown(bench, undefined, benchDir, await designsSection(values.docs, bench)),
  );
  for (const [path, md] of await tuningPages(`${values.docs}/tuning`)) {
    await Deno.writeTextFile(path, md);
  }
  const readme = `${values.docs}/../README.md`;
  const text = await Deno.readTextFile(readme).catch(() => undefined);
  if (text !== undefined) {
    await Deno.writeTextFile(readme, replaceReadmeBlock(text, readmeBlock(bench)));
  }
  console.log(
    `report: wrote ${values.docs}/benchmark.md, grpo_vs_ppo.md, the tuning pages and README's table from ${benchDir}/ and ${values.docs}/tuning/`,
  );
  if (values["benchmark-only"]) return;
  const path = await buildReport(values.out, {
    docsDir: values.docs,
    runsDir: values.runs,
    checkpoints: { "Pendulum-v1": values.pendulum, "HalfCheetah-v5": values.cheetah },
  });
  const resultsPath = `${values.docs}/results.md`;
  const results = await Deno.readTextFile(resultsPath).catch(() => "# Results\n");
  await Deno.writeTextFile(
    resultsPath,
    updateResultsIndex(results, await readExperiments(values.docs)),
  );
  console.log(`report: wrote ${path} and refreshed ${resultsPath}`);
  if (!values["no-screenshot"]) {
    const png = resolve(`${values.out}/report.png`);
    await runChromium(`file://${resolve(path)}`, {
      args: [`--screenshot=${png}`, "--window-size=1200,2000"],
      virtualTimeMs: 3000,
    });
    console.log(`report: wrote ${png}`);
  }
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    console.error(`report: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
