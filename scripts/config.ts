/**
 * The `deno task train` flags: parsing and --help. The config itself (fields, defaults, presets,
 * validation) is lib/config.ts, shared with the library's `train()`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { envDescriptions } from "../envs/registry.ts";
import { type Config, configFor, configHelp, defaults, kebab, presets } from "../lib/config.ts";

const camel = (k: string) => k.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

/** Parses CLI flags into a full config (defaults ← preset(env, algo) ← flags) and the flags alone. */
export function parseConfig(argv: string[]): { cfg: Config; flags: Partial<Config> } | "help" {
  const options = Object.fromEntries(
    Object.entries(defaults).map((
      [k, v],
    ) => [kebab(k), { type: typeof v === "boolean" ? "boolean" as const : "string" as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: { ...options, help: { type: "boolean", short: "h" } },
    allowNegative: true,
  });
  if (values.help) return "help";
  const flags: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === "help" || v === undefined) continue;
    const key = camel(k) as keyof Config;
    if (typeof defaults[key] === "number") {
      const n = Number(v);
      if (String(v).trim() === "" || !Number.isFinite(n)) {
        throw new Error(`--${k} must be a number, got "${v}"`);
      }
      flags[key] = n;
    } else flags[key] = v;
  }
  return {
    cfg: configFor(flags as Partial<Config>),
    flags: flags as Partial<Config>,
  };
}

/** The --help text: every flag with its default, then the presets. */
export function usage(): string {
  const lines = Object.entries(configHelp).map(([k, h]) => {
    const d = defaults[k as keyof Config];
    return `  --${kebab(k).padEnd(24)} ${h} [default: ${d === "" ? "none" : d}]`;
  });
  const pre = Object.entries(presets).flatMap(([env, byAlgo]) =>
    Object.entries(byAlgo).map(([algo, p]) =>
      `  ${env}/${algo}: ${Object.entries(p).map(([a, b]) => `${kebab(a)}=${b}`).join(" ")}`
    )
  );
  const envs = Object.entries(envDescriptions).map(([id, d]) => `  ${id.padEnd(26)} ${d}`);
  return `Usage: deno task train [flags]\n\nFlags (presets override the defaults; flags override presets; booleans also take --no-<flag>; a negative value needs =, as --init-log-std=-1):\n${
    lines.join("\n")
  }\n\nPresets:\n${pre.join("\n")}\n\nEnvironments:\n${envs.join("\n")}\n`;
}

/**
 * The integer value of flag `--name`, or an error naming the flag, the value and the range.
 * @throws for an empty or non-integer value or one outside [lo, hi].
 */
export function intFlag(name: string, value: string, lo: number, hi = Infinity): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < lo || n > hi) {
    throw new Error(
      `--${name} is "${value}", expected an integer in [${lo}, ${hi === Infinity ? "∞" : hi}]`,
    );
  }
  return n;
}
