/**
 * A small line chart as a self-contained SVG string: lines with optional shaded bands (a CI),
 * axes with rounded ticks and a legend. No dependencies, and the same input gives the same bytes,
 * so the report it goes into is reproducible.
 *
 * @module
 */

/** One line: its points, and a band [low, high] around it if given. */
export interface Series {
  name: string;
  color: string;
  x: number[];
  y: number[];
  low?: number[];
  high?: number[];
}

/** What {@link lineChart} draws. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Pixels; defaults 420 × 260. */
  width?: number;
  height?: number;
}

/** ~5 round tick values covering [lo, hi]: steps of 1, 2 or 5 × 10^k. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count, mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) {
    out.push(+v.toPrecision(12));
  }
  return out;
}

/** A tick label: 1.5M, 250k, 0.25, −1200. */
export function tickLabel(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;");
const r2 = (v: number) => +v.toFixed(2);

/** Renders the chart; see the module doc. */
export function lineChart(o: ChartOptions): string {
  const W = o.width ?? 420, H = o.height ?? 260;
  const m = { l: 56, r: 12, t: 28, b: 58 };
  const xs = o.series.flatMap((s) => s.x);
  const ys = o.series.flatMap((s) => [...s.y, ...(s.low ?? []), ...(s.high ?? [])])
    .filter(Number.isFinite);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (x: number) => r2(m.l + (x - x0) / (x1 - x0) * (W - m.l - m.r));
  const py = (y: number) => r2(H - m.b - (y - y0) / (y1 - y0) * (H - m.t - m.b));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="13">${esc(o.title)}</text>`,
  ];
  for (const t of ticks(y0, y1)) {
    parts.push(
      `<line x1="${m.l}" x2="${W - m.r}" y1="${py(t)}" y2="${py(t)}" stroke="#e5e5e5"/>`,
      `<text x="${m.l - 4}" y="${py(t) + 4}" text-anchor="end">${tickLabel(t)}</text>`,
    );
  }
  for (const t of ticks(x0, x1)) {
    parts.push(
      `<text x="${px(t)}" y="${H - m.b + 14}" text-anchor="middle">${tickLabel(t)}</text>`,
    );
  }
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${
      H - m.t - m.b
    }" fill="none" stroke="#999"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - m.b + 30}" text-anchor="middle">${
      esc(o.xLabel)
    }</text>`,
    `<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${
      esc(o.yLabel)
    }</text>`,
  );
  for (const s of o.series) {
    if (s.low && s.high) {
      const up = s.x.map((x, i) => `${px(x)},${py(s.high![i])}`);
      const down = s.x.map((x, i) => `${px(x)},${py(s.low![i])}`).reverse();
      parts.push(
        `<polygon points="${
          [...up, ...down].join(" ")
        }" fill="${s.color}" fill-opacity="0.2" stroke="none"/>`,
      );
    }
    const line = s.x.map((x, i) => `${px(x)},${py(s.y[i])}`).join(" ");
    parts.push(`<polyline points="${line}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
  }
  o.series.forEach((s, i) => {
    const x = m.l + i * 150, y = H - 10;
    parts.push(
      `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${s.color}"/>`,
      `<text x="${x + 18}" y="${y}">${esc(s.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
