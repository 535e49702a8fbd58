/**
 * Renders Vega-Lite specs to SVG headlessly (Vega's `View.toSVG`, no browser or canvas), for the
 * experiment reports. Scripts only: the library never plots.
 *
 * Reference: Vega-Lite (Satyanarayan et al., IEEE TVCG 2017); https://vega.github.io/vega/docs/api/view/
 *
 * @module
 */
import * as vegaLite from "npm:vega-lite@6.4.1";
import * as vega from "npm:vega@6.2.0";

/** A Vega-Lite spec (top-level JSON). */
export type VegaLiteSpec = Record<string, unknown>;

/** Compiles a Vega-Lite spec and renders it to an SVG string. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * A Vega-Lite spec of learning curves: one panel per `metric` (rows, each with its own y scale),
 * x = `step`, one coloured line per `run`.
 */
export function curvesSpec(title: string, values: Record<string, unknown>[]): VegaLiteSpec {
  return {
    title,
    data: { values },
    facet: {
      row: {
        field: "metric",
        type: "nominal",
        title: null,
        header: { labelAngle: 0, labelOrient: "top", labelAlign: "left", labelAnchor: "start" },
      },
    },
    spec: {
      width: 420,
      height: 180,
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "step", type: "quantitative", title: "env steps" },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        color: { field: "run", type: "nominal", legend: { labelLimit: 300 } },
      },
    },
    resolve: { scale: { y: "independent" } },
  };
}

/** Writes rows as CSV with the given columns (numbers as JS prints them, strings quoted if needed). */
export function toCsv(rows: Record<string, unknown>[], columns: string[]): string {
  const cell = (v: unknown) => {
    const s = v === undefined || v === null ? "" : String(v);
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [columns.join(","), ...rows.map((r) => columns.map((c) => cell(r[c])).join(","))].join(
    "\n",
  ) + "\n";
}
