/**
 * The checks every MuJoCo v5 env shares, driven by one table of published facts (envs-suite.md,
 * MuJoCo 3.14.0): compiled model, golden numbers, reset noise, exact state restore, truncation,
 * the registered time limit, bad actions and the vector backends. What is specific to one env
 * (reward formulas, healthy-range boundaries, observation flags) is in its `<env>_test.ts`.
 *
 * @module
 */
import { loadAntModel, makeAnt } from "../../envs/ant.ts";
import { loadHalfCheetahModel, makeHalfCheetah } from "../../envs/halfcheetah.ts";
import { loadHopperModel, makeHopper } from "../../envs/hopper.ts";
import {
  loadHumanoidModel,
  loadHumanoidStandupModel,
  makeHumanoid,
  makeHumanoidStandup,
} from "../../envs/humanoid.ts";
import {
  loadInvertedDoublePendulumModel,
  makeInvertedDoublePendulum,
} from "../../envs/inverted_double_pendulum.ts";
import { loadInvertedPendulumModel, makeInvertedPendulum } from "../../envs/inverted_pendulum.ts";
import type { MujocoModel } from "../../envs/mujoco_env.ts";
import { loadPusherModel, makePusher } from "../../envs/pusher.ts";
import { loadReacherModel, makeReacher } from "../../envs/reacher.ts";
import { loadSwimmerModel, makeSwimmer } from "../../envs/swimmer.ts";
import { loadWalker2dModel, makeWalker2d } from "../../envs/walker2d.ts";
import {
  checkBadActions,
  checkDefaultLimit,
  checkGolden,
  checkModel,
  checkResetNoise,
  checkStateRestore,
  checkTruncation,
  checkVectorBackends,
  checkZBoundary,
  type Golden,
  type Make,
  type ModelFacts,
  type ZRange,
} from "./mujoco_suite.ts";

/** One env's published facts and the parameters of its shared checks. */
interface Row {
  id: string;
  make: Make;
  load: () => Promise<MujocoModel>;
  model: ModelFacts;
  /** The golden row; `spaces` comes from obs, nu and ctrlrange. */
  golden: Omit<Golden, "spaces"> & { obs_size: number; tol?: number };
  /** The reset noise, or undefined for envs without the option (their own test checks reset). */
  reset?: { scale: number; qvel: "uniform" | "normal" };
  /** The default healthy z range, for envs that terminate on one. */
  z?: ZRange;
  /** The registered time limit. */
  limit: number;
  /** Random steps before the state is saved. */
  warmup: number;
  /** A bad option and the error it must raise (default: resetNoiseScale NaN). */
  badOption?: [Record<string, number>, RegExp];
  /** Whether to compare the worker backend with the in-process one: the worker path does not
   * depend on the env, so HalfCheetah (a qpos env) and Ant (a stale-xy env) cover it. */
  vector: boolean;
}

const z = (n: number) => Array(n).fill(0);
const walkerLeg = [4.057891, 2.781357, 3.166725];
const antLeg = [0.03915775, 0.03915775, 0.0675922];
const humanoidMasses = [
  8.907462,
  2.261947,
  6.616194,
  4.751751,
  2.755696,
  1.767146,
  4.751751,
  2.755696,
  1.767146,
  1.66108,
  1.22954,
  1.66108,
  1.22954,
];
const humanoidModel = (z0: number): ModelFacts => ({
  nq: 24,
  nv: 23,
  nu: 17,
  nbody: 14,
  timestep: 0.003,
  masses: humanoidMasses,
  totalMass: 42.11603,
  massTol: 1e-6,
  ctrlrange: [-0.4, 0.4],
  gear: [100, 100, 100, 100, 100, 300, 200, 100, 100, 300, 200, 25, 25, 25, 25, 25, 25],
  qpos0: [0, 0, z0, 1, ...z(20)],
  counts: { njnt: 18, ngeom: 18, ntendon: 2 },
});

const ROWS: Row[] = [
  {
    id: "HalfCheetah-v5",
    make: makeHalfCheetah as Make,
    load: loadHalfCheetahModel,
    model: {
      nq: 9,
      nv: 9,
      nu: 6,
      nbody: 8,
      timestep: 0.01,
      // torso, bthigh, bshin, bfoot, fthigh, fshin, ffoot (the XML's settotalmass is 14)
      masses: [6.250209, 1.543515, 1.587448, 1.095397, 1.438075, 1.200837, 0.884519],
      totalMass: 14,
      ctrlrange: [-1, 1],
      gear: [120, 90, 60, 120, 60, 30],
      qpos0: z(9),
    },
    golden: {
      r1: 0.3206701259,
      sum: 2.288113476,
      steps: 10,
      obs: [-0.2090114, 0.019356786, 0.23257986],
      obs_size: 17,
    },
    reset: { scale: 0.1, qvel: "normal" },
    limit: 1000,
    warmup: 30,
    badOption: [{ ctrlCostWeight: NaN }, /ctrlCostWeight is NaN/],
    vector: true,
  },
  {
    id: "Hopper-v5",
    make: makeHopper as Make,
    load: loadHopperModel,
    model: {
      nq: 6,
      nv: 6,
      nu: 3,
      nbody: 5,
      timestep: 0.002,
      masses: [3.665191, 4.057891, 2.781357, 5.315575],
      totalMass: 15.820013,
      ctrlrange: [-1, 1],
      gear: 200,
      qpos0: [0, 1.25, ...z(4)],
    },
    golden: {
      r1: 1.017254292,
      sum: 11.29248173,
      steps: 10,
      obs: [1.2238389, 0.017267455, 0.0017402732],
      obs_size: 11,
    },
    reset: { scale: 5e-3, qvel: "uniform" },
    z: { index: 1, range: [0.7, Infinity], closed: false, reward: 1 },
    limit: 1000,
    warmup: 20,
    vector: false,
  },
  {
    id: "Walker2d-v5",
    make: makeWalker2d as Make,
    load: loadWalker2dModel,
    model: {
      nq: 9,
      nv: 9,
      nu: 6,
      nbody: 8,
      timestep: 0.002,
      masses: [3.665191, ...walkerLeg, ...walkerLeg],
      totalMass: 23.677137,
      ctrlrange: [-1, 1],
      gear: 100,
      qpos0: [0, 1.25, ...z(7)],
    },
    golden: {
      r1: 1.11077604,
      sum: 10.47534032,
      steps: 10,
      obs: [1.2028791, -0.0046789257, 0.012489172],
      obs_size: 17,
    },
    reset: { scale: 5e-3, qvel: "uniform" },
    z: { index: 1, range: [0.8, 2], closed: false, reward: 1 },
    limit: 1000,
    warmup: 20,
    vector: false,
  },
  {
    id: "Swimmer-v5",
    make: makeSwimmer as Make,
    load: loadSwimmerModel,
    model: {
      nq: 5,
      nv: 5,
      nu: 2,
      nbody: 4,
      timestep: 0.01,
      masses: [35.60472, 35.60472, 35.60472],
      totalMass: 106.81415,
      ctrlrange: [-1, 1],
      gear: 150,
      qpos0: z(5),
    },
    golden: {
      r1: 0.0003691505228,
      sum: 1.38104292,
      steps: 10,
      obs: [-0.47699559, 0.47446651, 0.48480848],
      obs_size: 8,
    },
    reset: { scale: 0.1, qvel: "uniform" },
    limit: 1000,
    warmup: 20,
    vector: false,
  },
  {
    id: "InvertedPendulum-v5",
    make: makeInvertedPendulum as Make,
    load: loadInvertedPendulumModel,
    model: {
      nq: 2,
      nv: 2,
      nu: 1,
      nbody: 3,
      timestep: 0.02,
      masses: [10.47198, 5.018592],
      totalMass: 15.490567,
      ctrlrange: [-3, 3],
      gear: 100,
      qpos0: z(2),
    },
    // Pays 1, 1, then 0 as it terminates at step 3.
    golden: { r1: 1, sum: 2, steps: 3, obs: [0.088946005, -0.20151192, 1.4720064], obs_size: 4 },
    reset: { scale: 0.01, qvel: "uniform" },
    limit: 1000,
    warmup: 2,
    vector: false,
  },
  {
    id: "InvertedDoublePendulum-v5",
    make: makeInvertedDoublePendulum as Make,
    load: loadInvertedDoublePendulumModel,
    model: {
      nq: 3,
      nv: 3,
      nu: 1,
      nbody: 4,
      timestep: 0.01,
      masses: [10.47198, 4.198739, 4.198739],
      totalMass: 18.869453,
      ctrlrange: [-1, 1],
      gear: 500,
      qpos0: z(3),
      counts: { nsite: 1 },
    },
    // Terminates at step 5.
    golden: {
      r1: 9.314614105,
      sum: 34.97256394,
      steps: 5,
      obs: [0.60896633, -0.91500908, 0.82899124],
      obs_size: 9,
    },
    reset: { scale: 0.1, qvel: "normal" },
    limit: 1000,
    warmup: 2,
    vector: false,
  },
  {
    id: "Ant-v5",
    make: makeAnt as Make,
    load: loadAntModel,
    model: {
      nq: 15,
      nv: 14,
      nu: 8,
      nbody: 14,
      timestep: 0.01,
      masses: [0.3272492, ...antLeg, ...antLeg, ...antLeg, ...antLeg],
      totalMass: 0.91088008,
      ctrlrange: [-1, 1],
      gear: 150,
      qpos0: [0, 0, 0.75, 1, ...z(11)],
      counts: { ngeom: 14 },
    },
    golden: {
      r1: 0.007822545943,
      sum: -0.9517844252,
      steps: 10,
      obs: [0.52204376, 0.98454974, 0.024153984],
      obs_size: 105,
      tol: 1e-7,
    },
    reset: { scale: 0.1, qvel: "normal" },
    z: { index: 2, range: [0.2, 1], closed: true, reward: 1 },
    limit: 1000,
    warmup: 30,
    vector: true,
  },
  {
    id: "Reacher-v5",
    make: makeReacher as Make,
    load: loadReacherModel,
    model: {
      nq: 4,
      nv: 4,
      nu: 2,
      nbody: 5,
      timestep: 0.01,
      masses: [0.03560472, 0.03560472, 0.00418879, 0.003053628],
      totalMass: 0.078451838, // the sum of the published masses
      ctrlrange: [-1, 1],
      gear: 200,
      qpos0: [0, 0, 0.1, -0.1],
      counts: { njnt: 4, ngeom: 10 },
    },
    golden: {
      r1: -0.6529251324,
      sum: -7.380529742,
      steps: 10,
      obs: [-0.29566523, -0.29661285, 0.95529162],
      obs_size: 10,
      tol: 1e-7,
    },
    limit: 50,
    warmup: 20,
    badOption: [{ rewardDistWeight: NaN }, /rewardDistWeight is NaN/],
    vector: false,
  },
  {
    id: "Pusher-v5",
    make: makePusher as Make,
    load: loadPusherModel,
    model: {
      nq: 11,
      nv: 11,
      nu: 7,
      nbody: 13,
      timestep: 0.01,
      masses: [
        7.293522,
        3.141593,
        0.08545132,
        1.628602,
        0.4071504,
        0.08545132,
        0.8427322,
        0.005026548,
        0.1809557,
        0.002513274,
        7.853982e-6,
        4.021239e-10,
      ],
      totalMass: 13.673004,
      ctrlrange: [-2, 2],
      gear: 1,
      qpos0: z(11),
      counts: { njnt: 11, ngeom: 20 },
    },
    golden: {
      r1: -1.106513803,
      sum: -10.84605311,
      steps: 10,
      obs: [0.11460015, 0.16139661, 1.732672],
      obs_size: 23,
      tol: 1e-7,
    },
    limit: 100,
    warmup: 20,
    badOption: [{ rewardNearWeight: NaN }, /rewardNearWeight is NaN/],
    vector: false,
  },
  {
    id: "Humanoid-v5",
    make: makeHumanoid as Make,
    load: loadHumanoidModel,
    model: humanoidModel(1.4),
    golden: {
      r1: 4.932009476,
      sum: 49.31992104,
      steps: 10,
      obs: [1.2676895, 0.95934294, -0.038754908],
      obs_size: 348,
      tol: 1e-7,
    },
    reset: { scale: 0.01, qvel: "uniform" },
    z: { index: 2, range: [1, 2], closed: false, reward: 5 },
    limit: 1000,
    warmup: 15,
    vector: false,
  },
  {
    id: "HumanoidStandup-v5",
    make: makeHumanoidStandup as Make,
    load: loadHumanoidStandupModel,
    model: humanoidModel(0.105),
    golden: {
      r1: 36.52984427,
      sum: 332.4723573,
      steps: 10,
      obs: [0.091430485, 0.98777086, -0.084637632],
      obs_size: 348,
      tol: 1e-7,
    },
    reset: { scale: 0.01, qvel: "uniform" },
    limit: 1000,
    warmup: 15,
    vector: false,
  },
];

for (const row of ROWS) {
  const { id, make, model: f, golden: g } = row;
  const [low, high] = f.ctrlrange;

  Deno.test(`${id} model compiles to the published counts, masses, actuators and qpos0`, async () => {
    checkModel(await row.load(), f);
  });

  Deno.test(`${id} golden numbers (envs-suite.md, MuJoCo 3.14.0) to ≤ ${(g.tol ?? 1e-6).toExponential(0)}`, async () => {
    const spaces = { obs: g.obs_size, low, high, d: f.nu };
    // Envs without a noise option start from qpos0 through setState.
    await checkGolden(make, { ...g, spaces }, g.tol, row.reset ? undefined : f.qpos0);
  });

  if (row.reset) {
    const { scale, qvel } = row.reset;
    Deno.test(`${id} reset: qpos0 + U(±${scale}), qvel ${qvel} noise, draws and moments`, async () => {
      await checkResetNoise(make, scale, qvel, f.qpos0, f.nv);
    });
  }

  if (row.z) {
    const z = row.z;
    Deno.test(`${id} terminates outside the ${z.closed ? "closed" : "open"} healthy z range`, async () => {
      await checkZBoundary(make, z);
    });
  }

  Deno.test(`${id} state restore, truncation, time limit ${row.limit}, bad actions`, async () => {
    await checkStateRestore(make, row.warmup);
    await checkTruncation(make);
    await checkDefaultLimit(make, row.limit, f.nq, f.nv);
    const space = `[${low}, ${high}]` + (f.nu > 1 ? `^${f.nu}` : "");
    await checkBadActions(make, id, space, row.badOption);
    if (row.vector) await checkVectorBackends(id);
  });
}
