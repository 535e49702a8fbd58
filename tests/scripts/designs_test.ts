/** The GRPO design section: P(A > B) per task and pooled by hand, and the baseline fallback. */
import { match, ok } from "node:assert/strict";
import { type DesignData, designStudiesMarkdown } from "../../scripts/designs.ts";

const data = (): DesignData => ({
  scores: {
    preset: { "Pendulum-v1": [1, 2, 3], "Acrobot-v1": [-100, -90, -80] },
    ppo: { "Pendulum-v1": [10, 11, 12], "Acrobot-v1": [-70, -60, -50] },
    "design-whole": { "Pendulum-v1": [2, 3, 4] },
    "design-independent": { "Pendulum-v1": [0, 0, 0], "Acrobot-v1": [-85, -84, -83] },
  },
  commands: { "design-whole": "deno task study design-whole" },
  envs: ["Pendulum-v1", "Acrobot-v1"],
});

const row = (md: string, section: string, env: string) => {
  const part = md.split("### ").find((s) => s.startsWith(section))!;
  return part.split("\n").find((l) => l.startsWith(`| ${env} |`))!;
};

Deno.test("designStudiesMarkdown: P(A > B) is the win rate with ties halved; verdicts follow the CI", () => {
  const md = designStudiesMarkdown(data());
  // whole [2, 3, 4] vs preset [1, 2, 3]: wins 1 + 2 + 3 = 6, ties 2 → (6 + 1)/9 = 0.78
  match(row(md, "whole episodes", "Pendulum-v1"), /\| 0\.78 \[/);
  // whole vs PPO [10, 11, 12]: never wins, and the CI is the point: PPO better
  match(
    row(md, "whole episodes", "Pendulum-v1"),
    /\| 0\.00 \[0\.00, 0\.00\] \| \*\*PPO better\*\* \|$/,
  );
  // independent [0, 0, 0] vs the design-whole runs [2, 3, 4] on Pendulum: cloned start better
  match(
    row(md, "independent starts", "Pendulum-v1"),
    /\| 0\.00 \[0\.00, 0\.00\] \| \*\*cloned start better\*\*/,
  );
});

Deno.test("designStudiesMarkdown: without the baseline study's runs the preset is the baseline", () => {
  const md = designStudiesMarkdown(data());
  const acro = row(md, "independent starts", "Acrobot-v1");
  // baseline = the preset [-100, -90, -80] (IQM −90); independent [-85, -84, -83] each wins against −100 and −90: 6/9
  match(acro, /\| -90\.0 \[/);
  match(acro, /\| 0\.67 \[/);
  // the pooled line averages the two tasks' P: (0 + 6/9)/2 = 0.33
  const part = md.split("### ").find((s) => s.startsWith("independent starts"))!;
  match(
    part,
    /- all tasks \(Pendulum-v1, Acrobot-v1\): P\(independent starts > cloned start\) 0\.33 \[/,
  );
  // against PPO [10, 11, 12] and [−70, −60, −50]: no run of either design wins: 0
  match(
    part,
    /- against PPO, all tasks \(Pendulum-v1, Acrobot-v1\): P\(independent starts > PPO\) 0\.00 \[0\.00, 0\.00\], \*\*PPO better\*\*; the presets on the same tasks: P\(GRPO > PPO\) 0\.00 \[/,
  );
  ok(!md.includes("No finished runs"), "both studies have runs");
  match(
    designStudiesMarkdown({ ...data(), scores: { preset: {}, ppo: {} } }),
    /No finished runs in docs\/designs\/design-whole\//,
  );
});
