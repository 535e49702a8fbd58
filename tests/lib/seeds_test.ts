/**
 * Evaluation seeds (lib/seeds.ts): seeds 1…100 × episodes 0…99 never collide, and never equal a
 * seed that lib/train.ts gives a training env, a generator or a run. The same checker finds the
 * collisions of the old scheme, 10 000 + seed + e.
 */
import { deepStrictEqual, ok, strictEqual, throws } from "node:assert/strict";
import { EVAL_SEED_BASE, evalSeed } from "../../lib/seeds.ts";

const runSeeds = Array.from({ length: 100 }, (_, i) => i + 1);
const episodes = Array.from({ length: 100 }, (_, e) => e);

/** Every (run, episode) pair whose seed was already used by another pair. */
function collisions(seedOf: (s: number, e: number) => number, runs: number[]): string[] {
  const owner = new Map<number, string>(), out: string[] = [];
  for (const s of runs) {
    for (const e of episodes) {
      const seed = seedOf(s, e), prev = owner.get(seed);
      if (prev) out.push(`${prev} and s${s}e${e} share ${seed}`);
      else owner.set(seed, `s${s}e${e}`);
    }
  }
  return out;
}

/** The seeds lib/train.ts uses for run seed s (N members, U updates; GRPO k < U·N). */
function trainingSeeds(s: number, N = 64, U = 50): number[] {
  const out = [s, s + 1, s + 2, s + 3]; // init, act, batch and start generators
  for (let i = 0; i < N; i++) out.push(s * 7919 + i); // PPO members' generators and first reset
  for (let k = 0; k < U * N; k++) out.push(s * 1_000_003 + k); // GRPO group resets
  return out;
}

Deno.test("evalSeed: seeds 1…100 × episodes 0…99 never collide (as given, and as train.ts passes them)", () => {
  deepStrictEqual(collisions(evalSeed, runSeeds), []);
  deepStrictEqual(collisions(evalSeed, runSeeds.map((s) => 10_000 + s)), []);
  // the checker can fail: the old scheme shares 90 of 100 episodes between neighbouring seeds
  const old = collisions((s, e) => 10_000 + s + e, runSeeds);
  ok(old.length > 0);
  strictEqual(old[0], "s1e1 and s2e0 share 10002");
});

Deno.test("evalSeed: never equal to a training seed of runs 1…100, nor wrapped by uint32", () => {
  const training = new Set(runSeeds.flatMap((s) => trainingSeeds(s)));
  let maxTraining = 0;
  for (const t of training) maxTraining = Math.max(maxTraining, t);
  for (const s of runSeeds) {
    for (const e of episodes) {
      for (const seed of [evalSeed(s, e), evalSeed(10_000 + s, e)]) {
        ok(!training.has(seed), `eval seed ${seed} (s${s}e${e}) is a training seed`);
        ok(seed >= EVAL_SEED_BASE && seed < 2 ** 32 && (seed >>> 0) === seed, `${seed}`);
      }
    }
  }
  // train.ts's GRPO seeds for s ≤ 2000 and 10⁸ env steps stay below the evaluation range
  ok(2000 * 1_000_003 + 1e8 < EVAL_SEED_BASE);
  ok(maxTraining < EVAL_SEED_BASE);
});

Deno.test("evalSeed: out-of-range run seeds and episodes are rejected with the value", () => {
  throws(() => evalSeed(-1, 0), /run seed is -1, expected an integer in \[0, 2³²\)/);
  throws(() => evalSeed(2 ** 32, 0), /run seed is 4294967296/);
  strictEqual(evalSeed(2 ** 21, 5), 2 ** 31 + 5); // past 2²¹ the blocks wrap
  throws(() => evalSeed(1.5, 0), /run seed is 1.5/);
  throws(() => evalSeed(0, 1024), /episode is 1024, expected an integer in \[0, 1024\)/);
  strictEqual(evalSeed(2 ** 21 - 1, 1023), 2 ** 32 - 1);
});
