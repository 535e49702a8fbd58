import { rejects, strictEqual } from "node:assert/strict";
import { loadModel } from "../../envs/mujoco_env.ts";

Deno.test("loadModel compiles each MJCF once and checks the dimensions on every call", async () => {
  const url = new URL("../../envs/inverted_pendulum.xml", import.meta.url);
  const m = await loadModel(url, { nq: 2, nv: 2, nu: 1 });
  strictEqual(await loadModel(new URL(url.href), { nq: 2, nv: 2, nu: 1 }), m);
  await rejects(loadModel(url, { nq: 3, nv: 2, nu: 1 }), {
    message: `loadModel: ${url} compiled to nq=2, nv=2, nu=1, expected nq=3, nv=2, nu=1`,
  });
  strictEqual(await loadModel(url, { nq: 2, nv: 2, nu: 1 }), m); // still cached and intact
  const missing = new URL("../../envs/no_such_model.xml", import.meta.url);
  await rejects(loadModel(missing, { nq: 1, nv: 1, nu: 1 }), /no_such_model\.xml/);
});
