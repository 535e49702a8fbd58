/** The GRPO design section: P(A > B) per task and pooled, by hand, each design against its baseline study. */
import { match, ok } from "node:assert/strict";
import { type DesignData, designStudiesMarkdown } from "../../scripts/designs.ts";

const data = (): DesignData => ({
  scores: {
    preset: {
      "Pendulum-v1": [1, 2, 3],
      "Acrobot-v1": [-100, -90, -80],
      "Walker2d-v5": [-100, -90, -80],
      "Hopper-v5": [0, 0, 0],
    },
    ppo: {
      "Pendulum-v1": [10, 11, 12],
      "Acrobot-v1": [-70, -60, -50],
      "Walker2d-v5": [-70, -60, -50],
      "Hopper-v5": [0, 0, 0],
    },
    "design-vine": { "Pendulum-v1": [1, 2, 3] },
    "design-whole": { "Pendulum-v1": [2, 3, 4], "Acrobot-v1": [-100, -90, -80] },
    "design-independent": { "Pendulum-v1": [0, 0, 0], "Acrobot-v1": [-85, -84, -83] },
    "design-mujoco-whole": { "Acrobot-v1": [-75, -75, -75] },
    "design-mujoco-vine": {
      "Acrobot-v1": [-110, -100, -90],
      "Walker2d-v5": [-100, -90, -80],
      "Hopper-v5": [0, 0, 0],
    },
    "design-mujoco-independent": {
      "Acrobot-v1": [-95, -75, -65],
      "Walker2d-v5": [-95, -75, -65],
      "Hopper-v5": [1, 1, 1],
    },
    "design-mujoco-whole-steps": { "Acrobot-v1": [-80, -70, -60] },
    "design-g16": { "Pendulum-v1": [0, 2, 5] },
    "design-g4": { "Acrobot-v1": [-110, -105, -101] },
    "design-e2x": { "Pendulum-v1": [2, 3, 4] },
    "design-kl": { "Acrobot-v1": [-90, -90, -90] },
    "design-adv": { "Pendulum-v1": [10, 11, 12] },
    "design-mujoco-h256": { "Acrobot-v1": [-90, -80, -70] },
  },
  commands: { "design-whole": "deno task study design-whole" },
  envs: ["Pendulum-v1", "Acrobot-v1", "Walker2d-v5", "Hopper-v5"],
});

const section = (md: string, title: string) => md.split("### ").find((s) => s.startsWith(title))!;
const row = (md: string, title: string, env: string) =>
  section(md, title).split("\n").find((l) => l.startsWith(`| ${env} |`));

Deno.test("designStudiesMarkdown: P(A > B) is the win rate with ties halved; verdicts follow the CI", () => {
  const md = designStudiesMarkdown(data());
  // whole [2, 3, 4] vs vine [1, 2, 3]: wins 1 + 2 + 3 = 6, ties 2 → (6 + 1)/9 = 0.78
  match(row(md, "whole episodes", "Pendulum-v1")!, /\| 0\.78 \[/);
  // whole vs PPO [10, 11, 12]: never wins, and the CI is the point: PPO better
  match(
    row(md, "whole episodes", "Pendulum-v1")!,
    /\| 0\.00 \[0\.00, 0\.00\] \| \*\*PPO better\*\* \|$/,
  );
  // Acrobot has no vine runs: no row in the whole-vs-vine table
  ok(row(md, "whole episodes", "Acrobot-v1") === undefined);
  // independent [0, 0, 0] vs whole [2, 3, 4] on Pendulum: cloned start better
  match(
    row(md, "independent starts", "Pendulum-v1")!,
    /\| 0\.00 \[0\.00, 0\.00\] \| \*\*cloned start better\*\*/,
  );
  match(
    section(md, "independent starts"),
    /Commands: `deno task study design-whole` and `deno task study design-independent`/,
  );
});

Deno.test("designStudiesMarkdown: the baseline is the baseline study's runs; pooled P averages the tasks", () => {
  const md = designStudiesMarkdown(data());
  const acro = row(md, "independent starts", "Acrobot-v1")!;
  // baseline = design-whole [-100, -90, -80] (IQM −90); each independent run beats −100 and −90: 6/9
  match(acro, /\| -90\.0 \[/);
  match(acro, /\| 0\.67 \[/);
  // the pooled line averages the two tasks' P: (0 + 6/9)/2 = 0.33
  const part = section(md, "independent starts");
  match(
    part,
    /- all tasks \(Pendulum-v1, Acrobot-v1\): P\(independent starts > cloned start\) 0\.33 \[/,
  );
  // against PPO [10, 11, 12] and [−70, −60, −50]: no run of either design wins: 0
  match(
    part,
    /- against PPO, all tasks \(Pendulum-v1, Acrobot-v1\): P\(independent starts > PPO\) 0\.00 \[0\.00, 0\.00\], \*\*PPO better\*\*; the presets on the same tasks: P\(GRPO > PPO\) 0\.00 \[/,
  );
  ok(!md.includes("No finished runs"), "every study has runs");
  // a study against another study's runs: Walker2d [-95, -75, -65] vs the vine study's
  // [-100, -90, -80]: wins 1 + 3 + 3 = 7 of 9; against PPO [-70, -60, -50]: wins 1 (−65 > −70) of 9
  // = 0.11
  const mj = row(md, "unrelated whole episodes", "Walker2d-v5")!;
  match(mj, /\| 0\.78 \[.*\| 0\.11 \[/);
  // only the tasks the variant names: Hopper has runs on both sides, but no row
  ok(!row(md, "unrelated whole episodes", "Hopper-v5"));
  match(
    section(md, "unrelated whole episodes"),
    /Commands: `deno task study design-mujoco-vine` and `deno task study design-mujoco-independent`/,
  );
  // against the cloned-start study [-75, -75, -75]: −95 loses its 3 pairs, −75 ties 3, −65 wins 3:
  // (3 + 3/2)/9 = 0.50
  match(row(md, "unrelated episodes", "Acrobot-v1")!, /\| 0\.50 \[/);
  // the gradient-steps study [-80, -70, -60] against whole [-75, -75, -75]: 0 + 3 + 3 of 9 = 0.67;
  // against the vine study [-110, -100, -90] (not the preset's [-100, -90, -80]): 9 of 9 = 1.00
  match(row(md, "whole episodes, vine's gradient steps vs whole", "Acrobot-v1")!, /\| 0\.67 \[/);
  match(
    row(md, "whole episodes, vine's gradient steps vs the 64-step vine", "Acrobot-v1")!,
    /\| 1\.00 \[/,
  );
  // 256-step branches [-90, -80, -70] against the vine study: 2.5 (a tie with −90) + 3 + 3 of 9
  match(row(md, "256-step branches", "Acrobot-v1")!, /\| 0\.94 \[/);
  // groups of 16 [0, 2, 5] against the preset [1, 2, 3]: 0 + (1 + ½) + 3 of 9 = 0.50
  match(row(md, "groups of 16", "Pendulum-v1")!, /\| 0\.50 \[/);
  // groups of 4, every run below the preset's worst (−100): 0 of 9, the preset better
  match(
    row(md, "groups of 4", "Acrobot-v1")!,
    /\| 0\.00 \[0\.00, 0\.00\] \| \*\*the preset's groups of 8 better\*\*/,
  );
  match(
    designStudiesMarkdown({ ...data(), scores: { preset: {}, ppo: {} } }),
    /No finished runs in docs\/designs\/design-whole\//,
  );
});

Deno.test("designSummary: per variant, where it beats its baseline and where it matches PPO while the preset does not", () => {
  const md = designStudiesMarkdown(data());
  const line = (label: string) => md.split("\n").find((l) => l.startsWith(`- **${label} vs`))!;
  // the other mode [10, 11, 12] beats the preset [1, 2, 3] on every pair, and ties PPO [10, 11, 12]
  // (P 0.5: matches) where the preset never wins (P 0: trails)
  match(
    line("the other advantage mode"),
    /the other advantage mode better on Pendulum-v1; the preset's mode better on none; no detectable difference on 0\. Matches PPO where the preset trails it: Pendulum-v1\. Trails PPO where the preset matches it: none\./,
  );
  // the 12 variants have 13 (variant, task) pairs with runs on both sides: 1 + 2 + 1 × 10 (the
  // preset-vs-independent one on Walker2d only, of the three tasks with runs); 13/20 ≈ 1
  match(
    md,
    /These are 13 per-task comparisons with the baselines, each at 95 %: .* \(here about 1\)/,
  );
  // groups of 4 lose on Acrobot, and trail PPO there as the preset does
  match(
    line("groups of 4"),
    /better on none; the preset's groups of 8 better on Acrobot-v1; .* Matches PPO where the preset trails it: none\./,
  );
});
