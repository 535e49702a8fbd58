/**
 * Measures the random-policy score r_m of each env, the zero of the normalized score
 * (docs/protocol.md): a uniform-random policy (uniform over the action box, or over a Discrete
 * space's actions) for E ≥ 100 episodes, reset with seeds evalSeed(2 000 000, e), a stream that no
 * training run's evaluation uses (train.ts evaluates with 10 000 + seed). Writes the per-episode
 * returns and their mean per env to docs/bench/random_scores.json.
 *
 *   deno run -A scripts/random_scores.ts [--episodes 100] [--envs A,B] [--out docs/bench/random_scores.json]
 *
 * @module
 */
import { parseArgs } from "node:util";
import { envIds, makeEnv } from "../envs/registry.ts";
import { flatSize } from "../lib/env.ts";
import { roundReturn } from "../lib/results.ts";
import { Rng } from "../lib/rng.ts";
import { evalSeed } from "../lib/seeds.ts";
import { mean } from "../lib/stats.ts";
import { intFlag } from "./config.ts";

/** The evaluation stream of the random-policy episodes. */
export const RANDOM_STREAM = 2_000_000;

/** The returns of `episodes` episodes of a uniform-random policy on env `id`. */
export async function randomReturns(id: string, episodes: number): Promise<number[]> {
  const rng = new Rng(RANDOM_STREAM);
  const env = await makeEnv(id, { rng: new Rng(0) });
  const space = env.actionSpace, a = new Float32Array(flatSize(space));
  const returns: number[] = [];
  try {
    for (let e = 0; e < episodes; e++) {
      env.reset({ seed: evalSeed(RANDOM_STREAM, e) });
      let total = 0;
      for (let done = false; !done;) {
        if (space.kind === "discrete") a[0] = rng.int(space.n);
        else for (let i = 0; i < a.length; i++) a[i] = rng.uniform(space.low[i], space.high[i]);
        const r = env.step(a);
        total += r.reward;
        done = r.terminated || r.truncated;
      }
      returns.push(roundReturn(total));
    }
  } finally {
    env.close();
  }
  return returns;
}

/** Runs the measurement for `argv`; returns the file's text. */
export async function main(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      episodes: { type: "string", default: "100" },
      envs: { type: "string" },
      out: { type: "string", default: "docs/bench/random_scores.json" },
    },
  });
  const episodes = intFlag("episodes", values.episodes, 100, 1024);
  const ids = values.envs?.split(",") ?? [...envIds];
  const bad = ids.find((e) => !(envIds as readonly string[]).includes(e));
  if (bad) throw new Error(`--envs "${bad}" is not one of ${envIds.join(", ")}`);
  const rows: string[] = [];
  for (const id of ids) {
    const t0 = performance.now();
    const returns = await randomReturns(id, episodes);
    console.log(
      `${id}: ${mean(returns).toFixed(2)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
    rows.push(
      `  ${JSON.stringify(id)}: ${JSON.stringify({ mean: roundReturn(mean(returns)), returns })}`,
    );
  }
  const head = {
    command: `deno run -A scripts/random_scores.ts ${argv.join(" ")}`.trim(),
    policy: "uniform random: U(low, high) per action dimension, or a uniform Discrete action",
    episodes,
    stream: RANDOM_STREAM,
    machine:
      `${Deno.build.os} ${Deno.build.arch}, ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
  };
  const text = `{\n${
    Object.entries(head).map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)},`).join("\n")
  }\n "scores": {\n${rows.join(",\n")}\n }\n}\n`;
  await Deno.mkdir(values.out.replace(/\/[^/]*$/, "") || ".", { recursive: true });
  await Deno.writeTextFile(values.out, text);
  return text;
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    console.error(`random_scores: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
