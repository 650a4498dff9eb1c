"""Conduit bundles: pipes laid in long runs across the floor, two or three abreast.

They turn rarely and ignore what they cross, so they read as infrastructure laid
before, or after, whatever stands around them.
"""
from __future__ import annotations

import numpy as np

from ..materials import Material as M
from ..rng import Stage
from .base import DX, DY, Context, Plan, pillar_choice


def build(ctx: Context, plan: Plan) -> None:
    """Conduit bundles into ``plan`` extrusions (in place)."""
    cfg = ctx.config.builders
    n, steps = cfg.conduit_agents, cfg.conduit_steps
    if n == 0:
        return

    def sample(rng, i, pillars, tile):
        p = pillar_choice(rng, pillars, n)
        return {"y": p[:, 2], "x": p[:, 3], "dir": rng.integers(0, 4, n),
                "runs": rng.integers(20, 90, (n, steps)),
                "turn": rng.integers(-1, 2, (n, steps)) * (rng.random((n, steps)) < 0.3),
                "pipes": rng.integers(1, 4, n), "height": rng.integers(1, 3, n)}

    a = ctx.per_level(Stage.CONDUITS, sample)
    if not a:
        return
    lv, y, x, dr, pipes = a["level"], a["y"], a["x"], a["dir"], a["pipes"]
    by_height = {1: [], 2: []}
    for s in range(steps):
        run = a["runs"][:, s]
        ny, nx = y + DY[dr] * run, x + DX[dr] * run
        for k in range(3):  # parallel pipes with a one-cell gap
            use = k < pipes
            oy, ox = DX[dr] * 2 * k, DY[dr] * 2 * k  # offset perpendicular to the run
            seg = (lv[use], np.minimum(y, ny)[use] + oy[use], np.minimum(x, nx)[use] + ox[use],
                   np.maximum(y, ny)[use] + oy[use] + 1, np.maximum(x, nx)[use] + ox[use] + 1,
                   a["ty0"][use], a["tx0"][use])
            for hgt in (1, 2):
                pick = a["height"][use] == hgt
                by_height[hgt].append(tuple(c[pick] for c in seg))
        y, x = ny, nx
        dr = (dr + a["turn"][:, s]) % 4
    for hgt, segs in by_height.items():
        mask = ctx.stamp(*[np.concatenate(c) for c in zip(*segs)])
        plan.extrude(mask & (plan.top == 0), M.CONDUIT, hgt)
