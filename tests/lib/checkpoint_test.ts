import { tempDir } from "../tmp.ts";
import { deepStrictEqual, ok, rejects, strictEqual, throws } from "node:assert/strict";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  type CheckpointData,
  checkpointPath,
  latestCheckpoint,
  loadCheckpoint,
  paramsToRecord,
  restoreParams,
  saveCheckpoint,
  saveRunCheckpoint,
  snapshotPath,
  stringifyCheckpoint,
} from "../../lib/checkpoint.ts";
import { Rng } from "../../lib/rng.ts";
import { Tensor } from "../../lib/tensor.ts";

// Float32 values at the edges: smallest subnormal, −0, near max, max, and ordinary values.
const EDGE_F32 = [1e-45, -0, 0, 3.4e38, 3.4028234663852886e38, -1.1754943508222875e-38, 0.1, -7.25];

function f32(values: number[]): Float32Array {
  return Float32Array.from(values);
}

function sample(rng: Rng): { data: CheckpointData; w: Float32Array; b: Float32Array } {
  const w = new Float32Array(64);
  for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, 10 ** rng.int(12) / 1e6);
  w.set(f32(EDGE_F32));
  const b = f32([0.5, -0, 2 ** -149]);
  const data: CheckpointData = {
    step: 2048,
    update: 4,
    args: { seed: 1, env: "Pendulum-v1", lr: 3e-4, anneal: true },
    params: { "pi.0.weight": Array.from(w), "pi.0.bias": Array.from(b) },
    optimizer: {
      kind: "adam",
      step: 4,
      lr: 3e-4,
      buffers: { m: { "pi.0.bias": [-0, 1e-300, 5e-324] } },
    },
    normalizers: { obs: { mean: [0.1, -0], var: [1, 2], count: 1e-4 } },
    rng: { policy: rng.state(), env: [0, 1, 2 ** 32 - 1, 7] },
    extra: { episodes: 12 },
  };
  return { data, w, b };
}

function bitsEqual(actual: Float32Array | Float64Array, expected: Float32Array | Float64Array) {
  strictEqual(actual.length, expected.length, "length");
  for (let i = 0; i < expected.length; i++) {
    ok(Object.is(actual[i], expected[i]), `[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
  const u = (a: Float32Array | Float64Array) =>
    Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  deepStrictEqual(u(actual), u(expected));
}

Deno.test("checkpoint: float32 params and float64 state round-trip bit for bit, −0 included", async () => {
  const dir = tempDir();
  try {
    const { data, w, b } = sample(new Rng(3));
    const path = `${dir}/c.json`;
    await saveCheckpoint(path, data);
    const back = await loadCheckpoint(path);
    strictEqual(back.format, CHECKPOINT_FORMAT);
    strictEqual(back.version, CHECKPOINT_VERSION);
    bitsEqual(f32(back.params["pi.0.weight"]), w);
    bitsEqual(f32(back.params["pi.0.bias"]), b);
    const m = (back.optimizer as { buffers: { m: Record<string, number[]> } }).buffers.m;
    bitsEqual(Float64Array.from(m["pi.0.bias"]), Float64Array.from([-0, 1e-300, 5e-324]));
    ok(Object.is((back.normalizers as { obs: { mean: number[] } }).obs.mean[1], -0));
    deepStrictEqual(back.rng, data.rng);
    deepStrictEqual(back.args, data.args);
    deepStrictEqual(back.extra, data.extra);
    strictEqual(back.step, 2048);
    strictEqual(back.update, 4);
    // No temp files are left beside it.
    deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["c.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: the encoder matches JSON.parse for random float32 and float64 values", () => {
  const rng = new Rng(11);
  const bits = new Uint32Array(2000);
  for (let i = 0; i < bits.length; i++) bits[i] = rng.nextUint32();
  const all = new Float32Array(bits.buffer).filter(Number.isFinite);
  const parsed = JSON.parse(stringifyCheckpoint({ x: all }));
  bitsEqual(f32(parsed.x), all);
  const d = new Float64Array(
    new Uint32Array(Array.from({ length: 2000 }, () => rng.nextUint32())).buffer,
  )
    .filter(Number.isFinite);
  bitsEqual(Float64Array.from(JSON.parse(stringifyCheckpoint({ x: Array.from(d) })).x), d);
});

Deno.test("checkpoint: refuses NaN / ±∞, naming the tensor, and leaves the old file", async () => {
  const dir = tempDir();
  try {
    const path = `${dir}/c.json`;
    const { data } = sample(new Rng(1));
    await saveCheckpoint(path, data);
    const before = await Deno.readTextFile(path);
    const badParams = structuredClone(data);
    badParams.params["pi.0.bias"][1] = NaN;
    await rejects(
      saveCheckpoint(path, badParams),
      /params\["pi\.0\.bias"\]\[1\] is NaN; checkpoints hold only finite numbers/,
    );
    const badOpt = structuredClone(data);
    (badOpt.optimizer as { buffers: { m: Record<string, number[]> } }).buffers.m["pi.0.bias"][2] =
      -Infinity;
    await rejects(
      saveCheckpoint(path, badOpt),
      /optimizer\["buffers"\]\["m"\]\["pi\.0\.bias"\]\[2\] is -Infinity/,
    );
    const badNorm = structuredClone(data);
    badNorm.normalizers = { obs: { var: f32([1, Infinity]) } };
    await rejects(saveCheckpoint(path, badNorm), /normalizers\["obs"\]\["var"\]\[1\] is Infinity/);
    strictEqual(await Deno.readTextFile(path), before);
    deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["c.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: load rejects a missing file and files truncated at many offsets", async () => {
  const dir = tempDir();
  try {
    await rejects(loadCheckpoint(`${dir}/nope.json`), {
      message: `Checkpoint ${dir}/nope.json does not exist`,
    });
    const path = `${dir}/c.json`;
    await saveCheckpoint(path, sample(new Rng(2)).data);
    const bytes = await Deno.readFile(path);
    const cut = `${dir}/cut.json`;
    const offsets = [0, 1, 2, 17, 100, bytes.length >> 1, bytes.length - 3, bytes.length - 2];
    for (const n of offsets) {
      await Deno.writeFile(cut, bytes.subarray(0, n));
      await rejects(
        loadCheckpoint(cut),
        (err: Error) => {
          ok(
            err.message.startsWith(`Checkpoint ${cut} is corrupt or truncated: `),
            `offset ${n}: ${err.message}`,
          );
          return true;
        },
      );
    }
    // Trailing garbage and flipped bytes are corrupt too.
    await Deno.writeTextFile(cut, new TextDecoder().decode(bytes) + "}");
    await rejects(loadCheckpoint(cut), /is corrupt or truncated/);
    const flipped = bytes.slice();
    flipped[bytes.indexOf(0x3a)] = 0x3b; // the first ':' becomes ';'
    await Deno.writeFile(cut, flipped);
    await rejects(loadCheckpoint(cut), /is corrupt or truncated/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: load rejects wrong format, other versions and missing fields", async () => {
  const dir = tempDir();
  try {
    const path = `${dir}/c.json`;
    const good = JSON.parse(stringifyCheckpoint({
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      ...sample(new Rng(4)).data,
    }));
    const write = (obj: unknown) => Deno.writeTextFile(path, JSON.stringify(obj));

    await write({ ...good, format: "cleanrl/ppo" });
    await rejects(loadCheckpoint(path), {
      message: `Checkpoint ${path} has format "cleanrl/ppo", expected "grpo-ts/checkpoint"`,
    });
    await write([1, 2]);
    await rejects(loadCheckpoint(path), /is not a JSON object \(got array\)/);

    await write({ ...good, version: CHECKPOINT_VERSION + 1 });
    await rejects(
      loadCheckpoint(path),
      new RegExp(
        `has version ${CHECKPOINT_VERSION + 1}, this grpo-ts reads version ` +
          `${CHECKPOINT_VERSION}: it was written by a newer grpo-ts`,
      ),
    );
    await write({ ...good, version: 0 });
    await rejects(loadCheckpoint(path), /has version 0, this grpo-ts reads version 1: .*older/);

    for (const field of ["step", "update", "args", "params", "optimizer", "normalizers", "rng"]) {
      const obj = { ...good };
      delete obj[field];
      await write(obj);
      await rejects(loadCheckpoint(path), {
        message: new RegExp(`^Checkpoint ${path} is missing field "${field}"`),
      });
    }
    await write({ ...good, step: -1 });
    await rejects(loadCheckpoint(path), /field "step" is -1, expected a non-negative integer/);
    await write({ ...good, params: { w: [1, "x"] } });
    await rejects(loadCheckpoint(path), /params\["w"\] is not an array of numbers/);
    await write({ ...good, rng: { env: [1, 2, 3, 2 ** 32] } });
    await rejects(loadCheckpoint(path), /rng\["env"\] is \[1,2,3,4294967296\]/);
    await write({ ...good, rng: { env: [1, 2, 3] } });
    await rejects(
      loadCheckpoint(path),
      /rng\["env"\] is \[1,2,3\], expected 4 32-bit integer words/,
    );
    await write({ ...good, reference: { params: { w: [1] } } });
    await rejects(
      loadCheckpoint(path),
      /field "reference" is not an object with "params" and "obs"/,
    );
    await write({ ...good, reference: { params: { w: [1, null] }, obs: null } });
    await rejects(loadCheckpoint(path), /reference\.params\["w"\] is not an array of numbers/);
    await write({ ...good, reference: { params: { w: [1, -2] }, obs: null } }); // optional, kept
    deepStrictEqual((await loadCheckpoint(path)).reference, { params: { w: [1, -2] }, obs: null });
    // null optimizer / normalizers are allowed.
    await write({ ...good, optimizer: null, normalizers: null });
    strictEqual((await loadCheckpoint(path)).optimizer, null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: run folder keeps checkpoint.json latest and optional step snapshots", async () => {
  const dir = tempDir();
  try {
    strictEqual(await latestCheckpoint(dir), undefined);
    strictEqual(snapshotPath(dir, 1024), `${dir}/checkpoints/step_00001024.json`);
    const { data } = sample(new Rng(5));
    for (const step of [512, 1024, 1536]) {
      const p = await saveRunCheckpoint(dir, { ...data, step }, { snapshot: step !== 1536 });
      strictEqual(p, checkpointPath(dir));
    }
    strictEqual(await latestCheckpoint(dir), `${dir}/checkpoint.json`);
    strictEqual((await loadCheckpoint(`${dir}/checkpoint.json`)).step, 1536);
    const snaps = [...Deno.readDirSync(`${dir}/checkpoints`)].map((e) => e.name).sort();
    deepStrictEqual(snaps, ["step_00000512.json", "step_00001024.json"]);
    // Without checkpoint.json the largest snapshot is the latest (numeric, not lexical, order).
    await Deno.remove(`${dir}/checkpoint.json`);
    await saveCheckpoint(snapshotPath(dir, 123456789), { ...data, step: 123456789 });
    strictEqual(await latestCheckpoint(dir), `${dir}/checkpoints/step_123456789.json`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: paramsToRecord / restoreParams round-trip tensors and check names and sizes", () => {
  const w = new Tensor(f32(EDGE_F32), [2, 4], { name: "pi.0.weight" });
  const v = new Tensor(Float64Array.from([0.1, -0]), [2]);
  const rec = paramsToRecord([w, v]);
  deepStrictEqual(Object.keys(rec), ["pi.0.weight", "#1"]);
  const w2 = new Tensor(new Float32Array(8), [2, 4], { name: "pi.0.weight" });
  const v2 = new Tensor(new Float64Array(2), [2]);
  restoreParams([w2, v2], JSON.parse(stringifyCheckpoint(rec)));
  bitsEqual(w2.data, w.data);
  bitsEqual(v2.data, v.data);
  throws(() => restoreParams([w2], rec), /checkpoint has unknown parameters #1/);
  throws(() => restoreParams([w2, v2], { "pi.0.weight": rec["pi.0.weight"] }), /no parameter "#1"/);
  throws(
    () => restoreParams([w2, v2], { ...rec, "#1": [1, 2, 3] }),
    /"#1" has 3 values in the checkpoint, parameter \[2\] has 2/,
  );
  const dup = new Tensor(new Float32Array(8), [8], { name: "pi.0.weight" });
  throws(() => paramsToRecord([w, dup]), /two parameters share the name "pi.0.weight"/);
});
