"""Column halls: regular grids of columns in a rectangle of floor.

The one place where the Builders repeat themselves: a hall of identical columns
that may run off the slab's edge or into a chasm.
"""
from __future__ import annotations

import numpy as np

from ..materials import Material as M
from ..rng import Stage
from .base import Context, Plan, pillar_choice


def build(ctx: Context, plan: Plan) -> None:
    """Column grids into ``plan`` extrusions and their floor into ``plan.floor`` (in place)."""
    cfg = ctx.config.builders
    n = cfg.column_halls
    if n == 0:
        return
    h = ctx.config.level_height

    def sample(rng, i, pillars):
        p = pillar_choice(rng, pillars, n)
        return {"y": p[:, 0], "x": p[:, 1], "hy": rng.integers(6, 24, n), "hx": rng.integers(6, 24, n),
                "pitch": rng.integers(4, 7, n), "size": rng.integers(1, 3, n),
                "present": rng.random(n) < 0.6}

    a = ctx.per_level(Stage.COLUMNS, sample)
    if not a:
        return
    k = a["present"]
    lv, y, x, hy, hx = a["level"][k], a["y"][k], a["x"][k], a["hy"][k], a["hx"][k]
    pitch, size = a["pitch"][k], a["size"][k]
    hall = ctx.stamp(lv, y - hy, x - hx, y + hy, x + hx)
    plan.floor |= hall
    # per-level pitch and size (the last hall on a level sets them; halls rarely overlap)
    lp = np.full(ctx.n, 5)
    ls = np.ones(ctx.n, dtype=np.int64)
    lp[lv], ls[lv] = pitch, size
    _, d, w = ctx.shape
    yy = np.arange(d)[None, :, None] % lp[:, None, None]
    xx = np.arange(w)[None, None, :] % lp[:, None, None]
    grid = (yy < ls[:, None, None]) & (xx < ls[:, None, None])
    plan.extrude(hall & grid, M.PILLAR, h - 1)
