/** CLI flag parsing: empty and non-integer numeric values are named, not read as 0 or NaN. */
import { strictEqual, throws } from "node:assert/strict";
import { intFlag, parseConfig } from "../../scripts/config.ts";

Deno.test("numeric flags: an empty --seed is refused; intFlag names the flag, value and range", () => {
  throws(() => parseConfig(["--seed", ""]), /--seed must be a number, got ""/);
  throws(
    () => intFlag("port", "abc", 0, 65535),
    /--port is "abc", expected an integer in \[0, 65535\]/,
  );
  throws(() => intFlag("timeout", " ", 1), /--timeout is " ", expected an integer in \[1, ∞\]/);
  throws(() => intFlag("port", "70000", 0, 65535), /70000/);
  strictEqual(intFlag("port", "8000", 0, 65535), 8000);
});
