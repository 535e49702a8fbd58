"""Wall-clock peer for issue #6: a CleanRL-style PPO in PyTorch on Pendulum-v1 (1 thread, OpenBLAS).

Single file, written for grpo-ts (not copied). Pendulum-v1 is re-implemented in numpy as a vector env
with Gymnasium semantics (see /work/shared/reference/envs.md), because gymnasium is not installable here.
Hyperparameters: the RL-zoo tuned PPO Pendulum-v1 preset (4 envs × 1024 steps, 10 epochs, minibatch 64,
lr 1e-3, γ 0.9, λ 0.95, 64-64 tanh), CleanRL-style with a state-independent log σ instead of gSDE.

Run:  /usr/bin/python3 bench/torch_ppo_pendulum.py --seed 1   (Debian: apt-get install python3-torch libopenblas0-pthread)
      /usr/bin/python3 bench/torch_ppo_pendulum.py --check-env     (env sanity checks only)
Prints one JSON line per update, then a summary JSON line. train_s excludes the evaluation.
"""

import time

T_PROCESS = time.perf_counter()

import os  # noqa: E402

# One thread everywhere: OpenBLAS (Debian's torch links the system libblas) and OpenMP.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

IMPORT_S = time.perf_counter() - T_PROCESS


# ---------------------------------------------------------------- Pendulum-v1 (vectorized)
class VecPendulum:
    """N independent Pendulum-v1 envs with Gymnasium semantics, 200-step truncation and autoreset.

    State (th, thdot) in float64; the action is float32, so u², 0.001·u² and 3·u are float32 products.
    step: u ← clip(u, −2, 2); cost = angle_normalize(th)² + 0.1·thdot² + 0.001·u² (old state);
    thdot' = clip(thdot + (3g/(2l)·sin th + 3/(m l²)·u)·dt, −8, 8); th' = th + thdot'·dt (never wrapped).
    On truncation, the env's final observation is returned in `final_obs` and the env is reset at once.
    """

    MAX_SPEED, MAX_TORQUE, DT, G, M, L, MAX_STEPS = 8.0, 2.0, 0.05, 10.0, 1.0, 1.0, 200

    def __init__(self, n, seed):
        self.n = n
        self.rng = np.random.default_rng(seed)
        self.th = np.zeros(n)
        self.thdot = np.zeros(n)
        self.t = np.zeros(n, dtype=np.int64)

    def _reset_idx(self, idx):
        k = len(idx)
        self.th[idx] = self.rng.uniform(-math.pi, math.pi, k)
        self.thdot[idx] = self.rng.uniform(-1.0, 1.0, k)
        self.t[idx] = 0

    def obs(self):
        return np.stack([np.cos(self.th), np.sin(self.th), self.thdot], axis=1).astype(np.float32)

    def reset(self):
        self._reset_idx(np.arange(self.n))
        return self.obs()

    @staticmethod
    def angle_normalize(x):
        return np.mod(x + math.pi, 2 * math.pi) - math.pi  # floor-mod: always in [0, 2π) before −π

    def step(self, action):
        """action [n] or [n,1] → (obs [n,3] f32, reward [n] f64, terminated [n], truncated [n], final_obs)."""
        u = np.clip(np.asarray(action, dtype=np.float32).reshape(self.n), -self.MAX_TORQUE, self.MAX_TORQUE)
        th, thdot = self.th, self.thdot
        u2 = (u * u).astype(np.float32)
        cost = self.angle_normalize(th) ** 2 + 0.1 * thdot**2 + (np.float32(0.001) * u2).astype(np.float32)
        g, m, l, dt = self.G, self.M, self.L, self.DT
        newthdot = thdot + (3 * g / (2 * l) * np.sin(th) + (np.float32(3.0 / (m * l**2)) * u).astype(np.float32)) * dt
        newthdot = np.clip(newthdot, -self.MAX_SPEED, self.MAX_SPEED)
        self.th = th + newthdot * dt
        self.thdot = newthdot
        self.t += 1
        terminated = np.zeros(self.n, dtype=bool)
        truncated = self.t >= self.MAX_STEPS
        final_obs = None
        if truncated.any():
            final_obs = self.obs()
            self._reset_idx(np.nonzero(truncated)[0])
        return self.obs(), -cost, terminated, truncated, final_obs


def check_env():
    """Hand-computed steps against the reference formulas; raises AssertionError on a mismatch."""
    env = VecPendulum(3, 0)
    env.reset()
    env.th[:] = [0.0, math.pi, 1.0]
    env.thdot[:] = [0.0, 0.0, 8.0]
    obs, r, term, trunc, _ = env.step(np.array([2.0, 0.0, -5.0]))
    # env 0: upright, u=2: cost 0.001·4; thdot' = 3·2·0.05 = 0.3; th' = 0.015
    # env 1: hanging down, u=0: angle_normalize(π) = −π → cost π²; stays (sin π ≈ 1e-16)
    # env 2: u=−5 → −2: cost 1 + 0.1·64 + 0.004 = 7.404; thdot' = 8 + (15 sin 1 − 6)·0.05 = 8.33 → 8; th' = 1.4
    exp_r = [-0.004, -math.pi**2, -7.404]
    exp_th = [0.015, math.pi, 1.4]
    exp_thdot = [0.3, 0.0, 8.0]
    assert np.allclose(r, exp_r, atol=1e-6), (r, exp_r)
    assert np.allclose(env.th, exp_th, atol=1e-9), env.th
    assert np.allclose(env.thdot, exp_thdot, atol=1e-9), env.thdot
    assert np.allclose(obs, np.array([[math.cos(t), math.sin(t), d] for t, d in zip(exp_th, exp_thdot)]), atol=1e-6)
    assert obs.dtype == np.float32 and not term.any() and not trunc.any()
    assert abs(VecPendulum.angle_normalize(np.array([4.0]))[0] - (4.0 - 2 * math.pi)) < 1e-12
    assert abs(VecPendulum.angle_normalize(np.array([-4.0]))[0] - (2 * math.pi - 4.0)) < 1e-12
    # A second, unclipped step from a generic state, against a scalar math-module implementation.
    env.th[:] = [2.5, -7.0, 0.3]
    env.thdot[:] = [-1.2, 3.0, 0.7]
    u = np.array([0.7, -1.3, 1.9], dtype=np.float32)
    th0, thd0 = env.th.copy(), env.thdot.copy()
    _, r, _, _, _ = env.step(u)
    for i in range(3):
        an = ((th0[i] + math.pi) % (2 * math.pi)) - math.pi  # Python % on floats is floor-mod
        ui = float(u[i])
        c = an**2 + 0.1 * thd0[i] ** 2 + 0.001 * ui**2
        nd = min(max(thd0[i] + (15 * math.sin(th0[i]) + 3 * ui) * 0.05, -8), 8)
        assert abs(r[i] + c) < 1e-6 and abs(env.thdot[i] - nd) < 1e-6 and abs(env.th[i] - (th0[i] + nd * 0.05)) < 1e-6
    # Truncation after 200 steps, autoreset with final_obs; reward range.
    env = VecPendulum(2, 1)
    env.reset()
    lo = 0.0
    for k in range(200):
        _, r, _, trunc, fin = env.step(np.full(2, 2.0))
        lo = min(lo, r.min())
        assert trunc.all() == (k == 199) and (fin is not None) == (k == 199)
    assert env.t.tolist() == [0, 0] and lo >= -16.2736045
    print(json.dumps({"check_env": "ok"}))


# ---------------------------------------------------------------- agent
def layer_init(layer, std=math.sqrt(2), bias_const=0.0):
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    """Separate 64-64 tanh actor (Gaussian mean, state-independent log σ) and critic."""

    def __init__(self, obs_dim, act_dim, init_log_std=0.0):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0),
        )  # fmt: skip
        self.actor_mean = nn.Sequential(
            layer_init(nn.Linear(obs_dim, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, 64)), nn.Tanh(),
            layer_init(nn.Linear(64, act_dim), std=0.01),
        )  # fmt: skip
        self.actor_logstd = nn.Parameter(torch.full((1, act_dim), float(init_log_std)))

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        mean = self.actor_mean(x)
        std = self.actor_logstd.expand_as(mean).exp()
        dist = torch.distributions.Normal(mean, std)
        if action is None:
            action = dist.sample()
        return action, dist.log_prob(action).sum(1), dist.entropy().sum(1), self.critic(x)


class RunningMeanStd:
    """Parallel-merge running mean/variance (Chan et al.), initial pseudo-count 1e-4, as in Gymnasium/SB3."""

    def __init__(self):
        self.mean, self.var, self.count = 0.0, 1.0, 1e-4

    def update(self, x):
        bm, bv, bn = float(np.mean(x)), float(np.var(x)), len(x)
        delta, tot = bm - self.mean, self.count + bn
        m2 = self.var * self.count + bv * bn + delta**2 * self.count * bn / tot
        self.mean, self.var, self.count = self.mean + delta * bn / tot, m2 / tot, tot


# ---------------------------------------------------------------- PPO
def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--total-timesteps", type=int, default=100_000)
    p.add_argument("--num-envs", type=int, default=4)
    p.add_argument("--num-steps", type=int, default=1024)
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--update-epochs", type=int, default=10)
    p.add_argument("--num-minibatches", type=int, default=64)
    p.add_argument("--gamma", type=float, default=0.9)
    p.add_argument("--gae-lambda", type=float, default=0.95)
    p.add_argument("--clip-coef", type=float, default=0.2)
    p.add_argument("--vf-coef", type=float, default=0.5)
    p.add_argument("--ent-coef", type=float, default=0.0)
    p.add_argument("--max-grad-norm", type=float, default=0.5)
    p.add_argument("--eval-episodes", type=int, default=10)
    p.add_argument("--threshold", type=float, default=-200.0)
    p.add_argument("--check-env", action="store_true", help="run the env sanity checks and exit")
    return p.parse_args()


def evaluate(agent, env, episodes):
    """Mean undiscounted return of `episodes` fresh episodes (one per env) with the mean action."""
    obs = env.reset()
    total = np.zeros(episodes)
    with torch.no_grad():
        for _ in range(VecPendulum.MAX_STEPS):
            mean = agent.actor_mean(torch.from_numpy(obs)).numpy()
            obs, r, _, _, _ = env.step(np.clip(mean, -2.0, 2.0))
            total += r
    return float(total.mean())


def main():
    args = parse_args()
    if args.check_env:
        check_env()
        return
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    t_setup = time.perf_counter()

    N, T = args.num_envs, args.num_steps
    batch_size = N * T
    minibatch_size = batch_size // args.num_minibatches
    num_updates = math.ceil(args.total_timesteps / batch_size)  # as scripts/train.ts (25 updates, 102,400 steps)

    envs = VecPendulum(N, args.seed)
    eval_env = VecPendulum(args.eval_episodes, 10_000 + args.seed)
    agent = Agent(3, 1)
    optimizer = torch.optim.Adam(agent.parameters(), lr=args.learning_rate, eps=1e-5)
    ret_rms, ret = RunningMeanStd(), np.zeros(N)  # reward scaling by the std of the discounted return

    obs_buf = torch.zeros((T, N, 3))
    act_buf = torch.zeros((T, N, 1))
    logp_buf = torch.zeros((T, N))
    rew_buf = torch.zeros((T, N))
    done_buf = torch.zeros((T, N))
    term_buf = torch.zeros((T, N))
    val_buf = torch.zeros((T, N))
    final_val_buf = torch.zeros((T, N))  # V(final obs) where an episode was truncated, else 0

    next_obs = torch.from_numpy(envs.reset())
    train_cpu_s = 0.0  # process CPU time of the timed phases: less sensitive to other load on the machine
    global_step, train_s, tot = 0, 0.0, {"rollout": 0.0, "advantage": 0.0, "update": 0.0, "eval": 0.0}
    first = None
    t_train0 = time.perf_counter()
    setup_s = t_train0 - t_setup
    for update in range(num_updates):
        optimizer.param_groups[0]["lr"] = args.learning_rate * (1.0 - update / num_updates)

        # ---- rollout
        t0, c0 = time.perf_counter(), time.process_time()
        for step in range(T):
            obs_buf[step] = next_obs
            with torch.no_grad():
                action, logp, _, value = agent.get_action_and_value(next_obs)
            val_buf[step] = value.flatten()
            act_buf[step] = action
            logp_buf[step] = logp
            o, r, term, trunc, final_obs = envs.step(np.clip(action.numpy(), -2.0, 2.0))
            done = term | trunc
            ret = ret * args.gamma + r  # VecNormalize: shared statistics over the N envs
            ret_rms.update(ret)
            rew_buf[step] = torch.from_numpy(np.clip(r / math.sqrt(ret_rms.var + 1e-8), -10, 10))
            ret[done] = 0.0
            done_buf[step] = torch.from_numpy(done.astype(np.float32))
            term_buf[step] = torch.from_numpy(term.astype(np.float32))
            if trunc.any():  # bootstrap truncated episodes from V(final obs), as scripts/train.ts does
                with torch.no_grad():
                    fv = agent.get_value(torch.from_numpy(final_obs)).flatten()
                final_val_buf[step] = torch.where(torch.from_numpy(trunc), fv, torch.zeros(N))
            else:
                final_val_buf[step] = 0.0
            next_obs = torch.from_numpy(o)
            global_step += N
        t1 = time.perf_counter()

        # ---- advantages (GAE)
        with torch.no_grad():
            last_value = agent.get_value(next_obs).flatten()
            # V(s_{t+1}) of the same episode: the next stored value, or V(final obs) where the episode ended
            next_val = torch.cat([val_buf[1:], last_value[None]], 0)
            next_val = torch.where(done_buf.bool(), final_val_buf, next_val)
            advantages = torch.zeros((T, N))
            lastgaelam = torch.zeros(N)
            for t in reversed(range(T)):
                delta = rew_buf[t] + args.gamma * next_val[t] * (1 - term_buf[t]) - val_buf[t]
                lastgaelam = delta + args.gamma * args.gae_lambda * (1 - done_buf[t]) * lastgaelam
                advantages[t] = lastgaelam
            returns = advantages + val_buf
        t2 = time.perf_counter()

        # ---- PPO update
        b_obs, b_act, b_logp = obs_buf.reshape(-1, 3), act_buf.reshape(-1, 1), logp_buf.reshape(-1)
        b_adv, b_ret, b_val = advantages.reshape(-1), returns.reshape(-1), val_buf.reshape(-1)
        for _ in range(args.update_epochs):
            perm = torch.randperm(batch_size)
            for start in range(0, batch_size, minibatch_size):
                mb = perm[start : start + minibatch_size]
                _, newlogp, entropy, newvalue = agent.get_action_and_value(b_obs[mb], b_act[mb])
                ratio = (newlogp - b_logp[mb]).exp()
                mb_adv = b_adv[mb]
                mb_adv = (mb_adv - mb_adv.mean()) / (mb_adv.std() + 1e-8)
                pg_loss = torch.max(-mb_adv * ratio, -mb_adv * ratio.clamp(1 - args.clip_coef, 1 + args.clip_coef)).mean()
                newvalue = newvalue.view(-1)
                v_unclipped = (newvalue - b_ret[mb]) ** 2
                v_clipped = b_val[mb] + (newvalue - b_val[mb]).clamp(-args.clip_coef, args.clip_coef)
                v_loss = 0.5 * torch.max(v_unclipped, (v_clipped - b_ret[mb]) ** 2).mean()
                loss = pg_loss - args.ent_coef * entropy.mean() + args.vf_coef * v_loss
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                optimizer.step()
        t3 = time.perf_counter()
        train_cpu_s += time.process_time() - c0

        # ---- deterministic evaluation (not timed into train_s)
        eval_return = evaluate(agent, eval_env, args.eval_episodes)
        t4 = time.perf_counter()

        tot["rollout"] += t1 - t0
        tot["advantage"] += t2 - t1
        tot["update"] += t3 - t2
        tot["eval"] += t4 - t3
        train_s += t3 - t0
        if first is None and eval_return >= args.threshold:
            first = {"update": update + 1, "global_step": global_step, "train_s": round(train_s, 3)}
        print(json.dumps({
            "update": update + 1, "global_step": global_step, "train_s": round(train_s, 3),
            "rollout_s": round(t1 - t0, 3), "advantage_s": round(t2 - t1, 3), "update_s": round(t3 - t2, 3),
            "eval_return": round(eval_return, 2), "log_std": round(agent.actor_logstd.item(), 3),
        }), flush=True)  # fmt: skip

    steps = global_step
    print(json.dumps({
        "summary": True, "seed": args.seed, "torch": torch.__version__, "threads": torch.get_num_threads(),
        "first_reach": first,  # first update whose eval_return ≥ threshold, or null
        "threshold": args.threshold, "final_eval_return": round(eval_return, 2), "total_steps": steps,
        "train_s": round(train_s, 3), "train_cpu_s": round(train_cpu_s, 3),
        "rollout_s": round(tot["rollout"], 3), "advantage_s": round(tot["advantage"], 3),
        "update_s": round(tot["update"], 3), "eval_s": round(tot["eval"], 3),
        "steps_per_s": {
            "train": round(steps / train_s), "rollout": round(steps / tot["rollout"]),
            "advantage": round(steps / tot["advantage"]), "update": round(steps / tot["update"]),
        },
        "update_share": round(tot["update"] / train_s, 3),
        "import_s": round(IMPORT_S, 3), "setup_s": round(setup_s, 3),
        "total_wall_s": round(time.perf_counter() - T_PROCESS, 3),
    }), flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
