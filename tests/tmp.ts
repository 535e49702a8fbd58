/**
 * Temp folders for tests that are removed when the test module's process ends, so the suite
 * leaves nothing behind in the system temp directory.
 *
 * @module
 */
const made: string[] = [];
globalThis.addEventListener("unload", () => {
  for (const d of made) {
    try {
      Deno.removeSync(d, { recursive: true });
    } catch { /* already removed */ }
  }
});

/** A fresh temp folder, deleted when this test process exits. */
export function tempDir(): string {
  const d = Deno.makeTempDirSync({ prefix: "grpo-ts-test-" });
  made.push(d);
  return d;
}
