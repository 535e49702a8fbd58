import { ok, strictEqual } from "node:assert/strict";
import { countCodeLines, countTree } from "../../scripts/linecount.ts";

Deno.test("countCodeLines skips blanks, // lines and /* */ blocks, but not code with comments", () => {
  const src = [
    "/**", //               doc comment: not code
    " * Adam. // not code", // still inside the doc comment
    " */",
    "",
    "   ",
    "// a line comment",
    "const a = 1; // trailing comment: code",
    "/* inline */ const b = 2;", // code after a block comment
    'const url = "http://x"; /* a block', // code; the block runs on
    "   still comment */",
    "const t = `line one",
    "// inside a template literal: code",
    "`;",
    "const re = '/*'; const s = 1;", // a quote hides the comment opener
  ].join("\n");
  strictEqual(countCodeLines(src), 7);
  strictEqual(countCodeLines(""), 0);
});

Deno.test("countTree finds lib/ and envs/ files with positive counts", async () => {
  const rows = await countTree(new URL("../../", import.meta.url));
  ok(rows.some((r) => r.path === "lib/optim.ts" && r.lines > 50), JSON.stringify(rows));
  ok(rows.every((r) => r.path.startsWith("lib/") || r.path.startsWith("envs/")));
});
