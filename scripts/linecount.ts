/**
 * Counts code lines in lib/ and envs/ per file and in total, and prints a table.
 *
 * A code line is any line that is not blank, not only a `//` comment, and not inside a `/* … *\/`
 * block comment (JSDoc included). A line with code before a trailing comment counts as code.
 * Strings and template literals are tracked, so `"//"` or `"/*"` inside one is not a comment.
 *
 * Usage: `deno run -A scripts/linecount.ts [--max N]` (part of `deno task check`); with `--max` it
 * exits non-zero when the total exceeds N, so the budget can only go down on purpose.
 *
 * @module
 */

/** Counts the code lines of TypeScript source text. */
export function countCodeLines(source: string): number {
  let inBlock = false; // inside /* … */
  let quote = ""; // inside '…', "…" or `…` (template literals may span lines)
  let count = 0;
  for (const line of source.split("\n")) {
    let code = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i], next = line[i + 1];
      if (inBlock) {
        if (c === "*" && next === "/") {
          inBlock = false;
          i++;
        }
      } else if (quote) {
        code = true;
        if (c === "\\") i++;
        else if (c === quote) quote = "";
      } else if (c === "/" && next === "/") break;
      else if (c === "/" && next === "*") {
        inBlock = true;
        i++;
      } else if (c === '"' || c === "'" || c === "`") {
        quote = c;
        code = true;
      } else if (c !== " " && c !== "\t" && c !== "\r") code = true;
    }
    if (quote && quote !== "`") quote = ""; // an unterminated '…' or "…" ends at the line
    if (code) count++;
  }
  return count;
}

/** Code-line counts of every `.ts` file under `dirs` (relative to `root`), sorted by path. */
export async function countTree(
  root: URL,
  dirs: string[] = ["lib", "envs"],
): Promise<{ path: string; lines: number }[]> {
  const rows: { path: string; lines: number }[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(new URL(rel, root))) {
      const path = `${rel}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (e.isFile && e.name.endsWith(".ts")) {
        rows.push({ path, lines: countCodeLines(await Deno.readTextFile(new URL(path, root))) });
      }
    }
  };
  for (const d of dirs) {
    try {
      await walk(d);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return rows.sort((a, b) => a.path.localeCompare(b.path));
}

/** Prints the table; returns the total. */
export async function main(args: string[]): Promise<number> {
  let max = Infinity;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--max") max = Number(args[++i]);
    else if (args[i] === "--help") {
      console.log("deno run -A scripts/linecount.ts [--max N]  code lines in lib/ and envs/");
      return 0;
    } else throw new Error(`linecount: unknown argument ${args[i]}; try --help`);
  }
  if (Number.isNaN(max)) throw new Error(`linecount: --max needs a number`);
  const rows = await countTree(new URL("../", import.meta.url));
  const width = Math.max(5, ...rows.map((r) => r.path.length));
  const total = rows.reduce((s, r) => s + r.lines, 0);
  console.log(`${"file".padEnd(width)}  code lines`);
  for (const r of rows) console.log(`${r.path.padEnd(width)}  ${String(r.lines).padStart(10)}`);
  console.log(`${"total".padEnd(width)}  ${String(total).padStart(10)}`);
  if (total > max) {
    console.error(`linecount: ${total} code lines exceed the budget of ${max}`);
    Deno.exitCode = 1;
  }
  return total;
}

if (import.meta.main) await main(Deno.args);
