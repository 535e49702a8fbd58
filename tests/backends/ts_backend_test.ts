/**
 * The float32 op, loss, distribution, policy, optimizer and rollout tests again, on the `ts`
 * backend. The rest of the suite runs on the default backend (`wasm` where WebAssembly SIMD
 * validates), so every one of these tests passes under both. Each test module runs in its own
 * isolate, so the backend chosen here stays here.
 */
import { setBackend } from "../../lib/backend.ts";

setBackend("ts");
await import("../lib/ops_test.ts");
await import("../lib/losses_test.ts");
await import("../lib/normal_test.ts");
await import("../lib/categorical_test.ts");
await import("../lib/categorical_policy_test.ts");
await import("../lib/distribution_test.ts");
await import("../lib/policy_test.ts");
await import("../lib/gradcheck_test.ts");
await import("../lib/rollout_test.ts");
await import("../lib/sft_test.ts");

Deno.test("this module's tests ran on the ts backend", async () => {
  const { getBackend } = await import("../../lib/backend.ts");
  if (getBackend() !== "ts") throw new Error(`backend is ${getBackend()}, expected ts`);
});
