/**
 * What keeps a run folder safe: which folder a new run gets, whether a folder already holds a run,
 * a lock so that one process writes a folder at a time, and a stop request from SIGINT / SIGTERM.
 *
 * ```text
 * runs/<env>_<algo>_s<seed>        the default folder of a new run;
 * runs/<env>_<algo>_s<seed>-2, -3  … when that name already holds a run (the first free counter)
 * DIR/run.lock                      {"pid", "host", "started"} of the process writing DIR
 * ```
 *
 * A lock whose process is gone (same host, no such pid) is stale and is taken over; a live one, or
 * one from another host (whose process cannot be checked), is an error naming its holder.
 *
 * Nothing runs on import; every function touches the file system only when called.
 *
 * @module
 */

/** The files whose presence means a folder holds a run. */
export const RUN_FILES = ["args.json", "checkpoint.json", "metrics.jsonl", "metrics.csv"] as const;
/** The lock file inside a run folder. */
export const LOCK_FILE = "run.lock";

/** The run files present in `dir` (none when it does not exist). */
export function runFilesIn(dir: string): string[] {
  return RUN_FILES.filter((f) => {
    try {
      Deno.statSync(`${dir}/${f}`);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * The default folder of a new run: `base` if it holds no run, else the first of `base-2`,
 * `base-3`, … that holds none. A rerun never lands in an earlier run's folder.
 *
 * @example
 * ```ts
 * import { freeRunDir } from "./run_folder.ts";
 * import { strictEqual } from "node:assert/strict";
 * const dir = Deno.makeTempDirSync();
 * strictEqual(freeRunDir(`${dir}/r`), `${dir}/r`);
 * Deno.mkdirSync(`${dir}/r`);
 * Deno.writeTextFileSync(`${dir}/r/args.json`, "{}");
 * strictEqual(freeRunDir(`${dir}/r`), `${dir}/r-2`);
 * Deno.removeSync(dir, { recursive: true });
 * ```
 */
export function freeRunDir(base: string): string {
  if (!runFilesIn(base).length) return base;
  for (let k = 2;; k++) if (!runFilesIn(`${base}-${k}`).length) return `${base}-${k}`;
}

/** Who holds a run folder's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

/** A held lock: `release()` removes the lock file if it is still ours. */
export interface RunLock {
  path: string;
  /** Set when a stale lock of a dead process was taken over: a notice to print. */
  tookOver?: string;
  release(): void;
}

/** Whether `pid` is a live process on this host (Linux: /proc; elsewhere assumed alive). */
function alive(pid: number): boolean {
  if (pid === Deno.pid) return true;
  try {
    Deno.statSync("/proc/self");
  } catch {
    return true; // no /proc: cannot tell, so never take a lock over
  }
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes `DIR/run.lock` (creating `dir`), holding this process's PID and host.
 *
 * @throws if another live process (or a process on another host) holds it, naming the holder.
 */
export function lockRunFolder(dir: string): RunLock {
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/${LOCK_FILE}`;
  const me: LockHolder = {
    pid: Deno.pid,
    host: Deno.hostname(),
    started: new Date().toISOString(),
  };
  let tookOver: string | undefined;
  // Written whole to a temp file, then hard-linked into place: link(2) fails if the lock exists,
  // so creating it is atomic and a reader never sees a half-written lock.
  const tmp = `${path}.${me.pid}.${crypto.randomUUID()}`;
  Deno.writeTextFileSync(tmp, JSON.stringify(me) + "\n");
  try {
    for (let attempt = 0;; attempt++) {
      try {
        Deno.linkSync(tmp, path);
        break;
      } catch (err) {
        if (!(err instanceof Deno.errors.AlreadyExists) || attempt > 3) throw err;
      }
      tookOver = takeOverStale(dir, path, me.host);
    }
  } finally {
    Deno.removeSync(tmp);
  }
  return {
    path,
    tookOver,
    release() {
      try {
        if (JSON.parse(Deno.readTextFileSync(path)).pid === me.pid) Deno.removeSync(path);
      } catch { /* already gone */ }
    },
  };
}

/** Removes a stale lock and says whose it was; throws naming a live holder. */
function takeOverStale(dir: string, path: string, host: string): string {
  let holder: LockHolder | undefined;
  try {
    holder = JSON.parse(Deno.readTextFileSync(path));
  } catch { /* unreadable: not written by this code, treated as stale */ }
  const who = holder ? `pid ${holder.pid} on host ${holder.host} (since ${holder.started})` : "";
  if (holder && (holder.host !== host || alive(holder.pid))) {
    throw new Error(
      `run folder ${dir} is in use by ${who}; wait for it to finish or stop it ` +
        `(if that process is not a run of this folder, delete ${path})`,
    );
  }
  try {
    Deno.removeSync(path);
  } catch { /* another process took it over first: the next link attempt decides */ }
  return `took over the stale lock of ${who || "an unreadable lock file"}: ${path}`;
}

/**
 * Locks `dir` for a run and makes it ready: refuses a folder that holds a run unless it is being
 * resumed or `overwrite` is set, in which case the old run's files are deleted (under the lock, so
 * never under another writer's feet). The lock comes first, so a second writer is told who holds it.
 *
 * @throws if the lock is held (naming the holder), or naming the folder, the run files found in it
 *   and how to proceed.
 */
export function openRunFolder(
  dir: string,
  opts: { resume?: boolean; overwrite?: boolean },
): RunLock {
  const lock = lockRunFolder(dir);
  const found = runFilesIn(dir);
  if (found.length && !opts.resume && !opts.overwrite) {
    lock.release();
    const resume = found.includes("checkpoint.json")
      ? `continue it with --resume ${dir}`
      : "it stopped before its first checkpoint, so it cannot be resumed";
    throw new Error(
      `--out ${dir} already holds a run (${found.join(", ")}); ` +
        `${resume}, replace it with --overwrite, or choose another folder`,
    );
  }
  if (opts.overwrite && !opts.resume) {
    for (const f of [...RUN_FILES, "eval.json", "results.json", "checkpoints"]) {
      try {
        Deno.removeSync(`${dir}/${f}`, { recursive: true });
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
  }
  return lock;
}

/** A stop requested by a signal: which one, and the exit code it asks for (128 + signal number). */
export interface StopRequest {
  signal: "SIGINT" | "SIGTERM";
  exitCode: 130 | 143;
}

/** Thrown by a run that stopped on a signal after writing its checkpoint. */
export class StoppedError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/**
 * Listens for SIGINT and SIGTERM until `dispose()`, calling `onStop` (e.g. to abort the run's
 * AbortSignal: the current update finishes and a checkpoint is written); `requested()` tells
 * whether one came.
 */
export function listenForStop(
  onStop: (request: StopRequest) => void = () => {},
): { requested(): StopRequest | undefined; dispose(): void } {
  let got: StopRequest | undefined;
  const stop = (request: StopRequest) => {
    got ??= request;
    onStop(request);
  };
  const onInt = () => stop({ signal: "SIGINT", exitCode: 130 });
  const onTerm = () => stop({ signal: "SIGTERM", exitCode: 143 });
  const win = Deno.build.os === "windows";
  Deno.addSignalListener("SIGINT", onInt);
  if (!win) Deno.addSignalListener("SIGTERM", onTerm);
  return {
    requested: () => got,
    dispose() {
      Deno.removeSignalListener("SIGINT", onInt);
      if (!win) Deno.removeSignalListener("SIGTERM", onTerm);
    },
  };
}
