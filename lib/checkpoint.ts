/**
 * Versioned JSON checkpoints, written atomically and read back with clear errors.
 *
 * A checkpoint is one JSON object ({@link Checkpoint}): format tag, version, counters, the run's
 * args, parameters by name, and the optimizer, normalizer and RNG states; optionally a frozen
 * reference policy (GRPO's π_ref), so that a resume needs no other file. Numbers are written in
 * JavaScript's shortest round-trip form, so every float64 (and so every float32) comes back bit for
 * bit; `-0` is written as `-0`, which `JSON.parse` reads back as −0. NaN and ±∞ have no JSON form:
 * saving refuses them and names where they are, so the trainer keeps its last good checkpoint.
 *
 * Layout of a run folder (see {@link saveRunCheckpoint} and {@link latestCheckpoint}):
 *
 * ```text
 * DIR/checkpoint.json                  always the latest, replaced atomically on every save
 * DIR/checkpoints/step_00001024.json   optional snapshots, kept when the caller asks for one
 * ```
 *
 * Reference: the write-to-temp, fsync, rename pattern of POSIX rename(2) atomicity.
 *
 * @module
 */
import type { Tensor } from "./tensor.ts";

/** The `format` tag every checkpoint carries. */
export const CHECKPOINT_FORMAT = "grpo-ts/checkpoint";
/** The checkpoint layout version this code reads and writes. */
export const CHECKPOINT_VERSION = 1;

/** What the trainer hands to {@link saveCheckpoint}: everything but the format tag and version. */
export interface CheckpointData {
  /** Environment steps taken so far (global_step). */
  step: number;
  /** Updates taken so far. */
  update: number;
  /** The run's configuration, as given on the command line. */
  args: Record<string, unknown>;
  /** Parameter values by name, row-major, e.g. `{ "pi.0.weight": [...] }` (see {@link paramsToRecord}). */
  params: Record<string, number[]>;
  /**
   * A frozen reference policy (GRPO's π_ref with --ref-coef): its parameters by name and its
   * observation normalizer's stats (or `null`). Optional: absent when the run has none, and in
   * checkpoints written before it was saved.
   */
  reference?: { params: Record<string, number[]>; obs: unknown };
  /** The optimizer's `state()`. */
  optimizer: unknown;
  /** Observation / reward normalizer states, or `null`. */
  normalizers: unknown;
  /** RNG states by role, e.g. `{ policy: [a, b, c, d], env: [...] }` (from `Rng.state()`). */
  rng: Record<string, [number, number, number, number]>;
  /** Anything else the trainer wants back (episode counters, schedules, ...). */
  extra?: Record<string, unknown>;
}

/** One saved training state as read back by {@link loadCheckpoint}. */
export interface Checkpoint extends CheckpointData {
  /** Always {@link CHECKPOINT_FORMAT}. */
  format: string;
  /** {@link CHECKPOINT_VERSION} when written by this code. */
  version: number;
}

/** The path of the latest checkpoint in a run folder: `DIR/checkpoint.json`. */
export function checkpointPath(dir: string): string {
  return `${dir}/checkpoint.json`;
}

/** The path of the snapshot for `step`: `DIR/checkpoints/step_00001024.json` (8 digits, or more). */
export function snapshotPath(dir: string, step: number): string {
  return `${dir}/checkpoints/step_${String(step).padStart(8, "0")}.json`;
}

/**
 * Serializes like `JSON.stringify`, but keeps −0, accepts typed arrays as arrays, and throws on
 * NaN / ±∞ naming the path (`params["pi.0.weight"][12]`). Top-level keys go one per line.
 *
 * @example
 * ```ts
 * import { stringifyCheckpoint } from "./checkpoint.ts";
 * import { ok, throws } from "node:assert/strict";
 * const w = Float32Array.from([1e-45, -0, 3.4e38]);
 * const back = Float32Array.from(JSON.parse(stringifyCheckpoint({ params: { w } })).params.w);
 * ok(back.every((x, i) => Object.is(x, w[i])));
 * throws(() => stringifyCheckpoint({ params: { w: [1, NaN] } }), /params\["w"\]\[1\] is NaN/);
 * ```
 */
export function stringifyCheckpoint(value: unknown): string {
  const obj = value as Record<string, unknown>;
  const lines = Object.keys(obj).filter((k) => obj[k] !== undefined)
    .map((k) => `  ${JSON.stringify(k)}: ${encode(obj[k], k)}`);
  return `{\n${lines.join(",\n")}\n}\n`;
}

function encodeNumber(x: number, path: string): string {
  if (!Number.isFinite(x)) {
    throw new Error(
      `Cannot save checkpoint: ${path} is ${x}; checkpoints hold only finite numbers`,
    );
  }
  return Object.is(x, -0) ? "-0" : String(x);
}

/** A finite number other than −0: what the native JSON encoder writes exactly as `String` does. */
const plainNumber = (x: unknown) =>
  typeof x === "number" && Number.isFinite(x) && !Object.is(x, -0);

function encode(v: unknown, path: string): string {
  if (v === null) return "null";
  if (typeof v === "number") return encodeNumber(v, path);
  if (typeof v === "string" || typeof v === "boolean") return JSON.stringify(v);
  if ((ArrayBuffer.isView(v) && !(v instanceof DataView)) || Array.isArray(v)) {
    const a = v as ArrayLike<unknown>;
    let i = 0;
    while (i < a.length && plainNumber(a[i])) i++;
    if (i === a.length) return JSON.stringify(Array.isArray(a) ? a : Array.from(a)); // native: String(x)
    return `[${Array.from(a, (x, i) => x === undefined ? "null" : encode(x, `${path}[${i}]`))}]`;
  }
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const parts = Object.keys(o).filter((k) => o[k] !== undefined && typeof o[k] !== "function")
      .map((k) => `${JSON.stringify(k)}:${encode(o[k], `${path}[${JSON.stringify(k)}]`)}`);
    return `{${parts.join(",")}}`;
  }
  throw new Error(`Cannot save checkpoint: ${path} is a ${typeof v}, which JSON cannot hold`);
}

/**
 * Writes `ckpt` to `path` atomically: JSON to a temp file in the same folder, fsync, rename.
 * A reader sees either the old file or the new one, never a partial one. Creates the folder.
 *
 * @param path the destination file.
 * @param ckpt the state; `format` and `version` are always written as this module's constants.
 * @throws if any number is NaN or ±∞ (naming it), or on I/O errors; `path` is then untouched.
 */
export async function saveCheckpoint(path: string, ckpt: CheckpointData): Promise<void> {
  const tag = { format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION };
  await writeAtomic(path, stringifyCheckpoint(Object.assign({ ...tag }, ckpt, tag))); // tag first, and wins
}

/**
 * Writes `text` to `path` atomically: a temp file in the same folder, fsync, rename, fsync of the
 * folder. A reader sees either the old file or the new one, never a partial one. Creates the folder.
 */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const dir = slash > 0 ? path.slice(0, slash) : slash === 0 ? "/" : ".";
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.tmp-${Deno.pid}-${crypto.randomUUID()}`;
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      const bytes = new TextEncoder().encode(text);
      for (let off = 0; off < bytes.length;) off += await file.write(bytes.subarray(off));
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  await syncDir(dir);
}

/** fsyncs a folder so the rename itself survives a crash; best effort (not every OS allows it). */
async function syncDir(dir: string): Promise<void> {
  try {
    const d = await Deno.open(dir, { read: true });
    try {
      await d.sync();
    } finally {
      d.close();
    }
  } catch {
    // Directories cannot be opened or synced on some platforms; the rename is still atomic.
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Reads and validates a checkpoint.
 *
 * @param path the file written by {@link saveCheckpoint}.
 * @throws (rejects) if the file is missing, corrupt or truncated, of another format, of an
 *   unsupported version, or missing a field; each message names the path and what was found.
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new Error(`Checkpoint ${path} does not exist`);
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`Checkpoint ${path} is corrupt or truncated: ${(err as Error).message}`);
  }
  validate(path, data);
  return data;
}

function validate(path: string, d: unknown): asserts d is Checkpoint {
  const bad = (what: string) => new Error(`Checkpoint ${path} ${what}`);
  if (!isObject(d)) throw bad(`is not a JSON object (got ${Array.isArray(d) ? "array" : d})`);
  if (d.format !== CHECKPOINT_FORMAT) {
    throw bad(`has format ${JSON.stringify(d.format)}, expected "${CHECKPOINT_FORMAT}"`);
  }
  if (d.version !== CHECKPOINT_VERSION) {
    const v = d.version;
    const hint = typeof v === "number" && v > CHECKPOINT_VERSION
      ? "it was written by a newer grpo-ts; upgrade to read it"
      : "it was written by an older grpo-ts; no upgrade path exists for it";
    throw bad(
      `has version ${JSON.stringify(v)}, this grpo-ts reads version ${CHECKPOINT_VERSION}: ${hint}`,
    );
  }
  for (const k of ["step", "update"]) {
    const v = d[k];
    if (v === undefined) throw bad(`is missing field "${k}"`);
    if (!(Number.isInteger(v) && (v as number) >= 0)) {
      throw bad(`field "${k}" is ${JSON.stringify(v)}, expected a non-negative integer`);
    }
  }
  for (const k of ["args", "params", "rng"]) {
    if (d[k] === undefined) throw bad(`is missing field "${k}"`);
    if (!isObject(d[k])) throw bad(`field "${k}" is ${JSON.stringify(d[k])}, expected an object`);
  }
  for (const k of ["optimizer", "normalizers"]) {
    if (d[k] === undefined) throw bad(`is missing field "${k}" (null is allowed)`);
  }
  if (d.extra !== undefined && !isObject(d.extra)) throw bad(`field "extra" is not an object`);
  const ref = d.reference;
  if (ref !== undefined && !(isObject(ref) && isObject(ref.params) && ref.obs !== undefined)) {
    throw bad(`field "reference" is not an object with "params" and "obs"`);
  }
  const params = [
    ...Object.entries(d.params as Record<string, unknown>),
    ...Object.entries(ref?.params ?? {}).map(([k, v]) => [`reference.params["${k}"]`, v] as const),
  ];
  for (const [name, arr] of params) {
    if (!Array.isArray(arr) || !arr.every((x) => typeof x === "number")) {
      throw bad(
        `${name.startsWith("reference.") ? name : `params["${name}"]`} is not an array of numbers`,
      );
    }
  }
  for (const [name, s] of Object.entries(d.rng as Record<string, unknown>)) {
    // Any 32-bit word, signed or not; `Rng.setState` does the exact check.
    const ok = Array.isArray(s) && s.length === 4 &&
      s.every((x) => Number.isInteger(x) && x >= -(2 ** 31) && x < 2 ** 32);
    if (!ok) throw bad(`rng["${name}"] is ${JSON.stringify(s)}, expected 4 32-bit integer words`);
  }
}

/** Options of {@link saveRunCheckpoint}. */
export interface SaveRunOptions {
  /** Also keep a copy at `DIR/checkpoints/step_N.json` (see {@link snapshotPath}). Default false. */
  snapshot?: boolean;
}

/**
 * Saves `ckpt` as the run's latest (`DIR/checkpoint.json`) and, if asked, as a step snapshot.
 *
 * @returns the path of the latest checkpoint.
 */
export async function saveRunCheckpoint(
  dir: string,
  ckpt: CheckpointData,
  options: SaveRunOptions = {},
): Promise<string> {
  if (options.snapshot) await saveCheckpoint(snapshotPath(dir, ckpt.step), ckpt);
  const path = checkpointPath(dir);
  await saveCheckpoint(path, ckpt);
  return path;
}

/**
 * The checkpoint to resume a run folder from: `DIR/checkpoint.json` if it exists, otherwise the
 * snapshot with the largest step in `DIR/checkpoints/`, otherwise `undefined`.
 */
export async function latestCheckpoint(dir: string): Promise<string | undefined> {
  const main = checkpointPath(dir);
  try {
    if ((await Deno.stat(main)).isFile) return main;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  let best: { step: number; name: string } | undefined;
  try {
    for await (const e of Deno.readDir(`${dir}/checkpoints`)) {
      const m = /^step_(\d+)\.json$/.exec(e.name);
      if (!e.isFile || !m) continue;
      const step = Number(m[1]);
      if (!best || step > best.step) best = { step, name: e.name };
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return best && `${dir}/checkpoints/${best.name}`;
}

/**
 * Parameter values by name, ready for {@link Checkpoint.params}; unnamed parameters are keyed `#i`
 * by position, as the optimizer keys its state.
 */
export function paramsToRecord(params: readonly Tensor[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  params.forEach((p, i) => {
    const key = p.name ?? `#${i}`;
    if (key in out) throw new Error(`paramsToRecord: two parameters share the name "${key}"`);
    out[key] = Array.from(p.data);
  });
  return out;
}

/**
 * Copies saved values into the parameters in place (float32 storage rounds exactly back to the
 * saved float32 values).
 *
 * `allowExtra` ignores saved names that match no parameter (e.g. loading only the policy from a
 * checkpoint that also holds a critic).
 *
 * @throws if a parameter is missing, has another size, or (without `allowExtra`) the checkpoint
 * has unknown names.
 */
export function restoreParams(
  params: readonly Tensor[],
  saved: Record<string, number[]>,
  opts: { allowExtra?: boolean } = {},
): void {
  const keys = params.map((p, i) => p.name ?? `#${i}`);
  const extra = Object.keys(saved).filter((k) => !keys.includes(k));
  if (extra.length && !opts.allowExtra) {
    throw new Error(`restoreParams: checkpoint has unknown parameters ${extra.join(", ")}`);
  }
  params.forEach((p, i) => {
    const arr = saved[keys[i]];
    if (!arr) throw new Error(`restoreParams: checkpoint has no parameter "${keys[i]}"`);
    if (arr.length !== p.data.length) {
      throw new Error(
        `restoreParams: "${keys[i]}" has ${arr.length} values in the checkpoint, ` +
          `parameter [${p.shape.join(", ")}] has ${p.data.length}`,
      );
    }
  });
  params.forEach((p, i) => p.data.set(saved[keys[i]]));
}
