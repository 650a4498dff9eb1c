"""Floor slabs: agents leave a pillar and walk, laying slab behind them.

Each agent starts on an anchor (so what it lays is held up), sometimes pours a
plaza there, then walks straight runs of random length, turning at right angles:
corridors, decks and platforms that belong to no plan.
"""
from __future__ import annotations

import numpy as np

from ..rng import Stage
from .base import DX, DY, Context, Plan, pillar_choice


def build(ctx: Context, plan: Plan) -> None:
    """Lay slab into ``plan.floor`` (in place)."""
    cfg = ctx.config.builders
    n, steps = cfg.slab_agents, cfg.slab_steps
    if n == 0:
        return

    def sample(rng, i, pillars, tile):
        p = pillar_choice(rng, pillars, n)
        return {
            "y": (p[:, 0] + p[:, 2]) // 2, "x": (p[:, 1] + p[:, 3]) // 2,
            "dir": rng.integers(0, 4, n),
            "half": np.where(rng.random(n) < 0.6, rng.integers(1, 4, n), rng.integers(4, 12, n)),
            "plaza": np.where((rng.random(n) < 0.5 * ctx.density(i)) & ctx.active(i, n), rng.integers(6, 22, n), -1),
            "runs": rng.integers(6, 28, (n, steps)),
            "turns": rng.integers(-1, 2, (n, steps)) * (rng.random((n, steps)) < 0.4),
            "alive": (rng.random((n, steps)) < 0.92) & ctx.active(i, n)[:, None],
        }

    a = ctx.per_level(Stage.SLABS, sample)
    if not a:
        return
    lv, y, x, d, half = a["level"], a["y"], a["x"], a["dir"], a["half"]
    rects = [(lv, y - a["plaza"], x - a["plaza"], y + a["plaza"] + 1, x + a["plaza"] + 1, a["ty0"], a["tx0"])]
    alive = np.ones(len(lv), dtype=bool)
    for s in range(steps):
        alive &= a["alive"][:, s]
        run = a["runs"][:, s] * alive
        ny, nx = y + DY[d] * run, x + DX[d] * run
        rects.append((lv, np.minimum(y, ny) - half, np.minimum(x, nx) - half,
                      np.maximum(y, ny) + half + 1, np.maximum(x, nx) + half + 1, a["ty0"], a["tx0"]))
        y, x = ny, nx
        d = (d + a["turns"][:, s]) % 4
    cols = [np.concatenate(c) for c in zip(*rects)]
    plan.floor |= ctx.stamp(*cols)
