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

    def sample(rng, i, pillars, tile):
        p = pillar_choice(rng, pillars, n)
        return {"y": p[:, 0], "x": p[:, 1], "hy": rng.integers(6, 24, n), "hx": rng.integers(6, 24, n),
                "present": rng.random(n) < 0.6}

    a = ctx.per_level(Stage.COLUMNS, sample)
    if not a:
        return
    k = a["present"]
    lv, y, x, hy, hx = a["level"][k], a["y"][k], a["x"][k], a["hy"][k], a["hx"][k]
    hall = ctx.stamp(lv, y - hy, x - hx, y + hy, x + hx, a["ty0"][k], a["tx0"][k])
    plan.floor |= hall
    # one column grid per level, aligned to absolute coordinates so tiles agree
    grid_of = np.array([ctx.level_stream(Stage.COLUMNS, i).integers([4, 1], [7, 3]) for i in range(ctx.n)])
    lp, ls = grid_of[:, 0], grid_of[:, 1]
    _, d, w = ctx.shape
    area = ctx.frame.area
    yy = (area.y0 + np.arange(d))[None, :, None] % lp[:, None, None]
    xx = (area.x0 + np.arange(w))[None, None, :] % lp[:, None, None]
    grid = (yy < ls[:, None, None]) & (xx < ls[:, None, None])
    plan.extrude(hall & grid, M.PILLAR, h - 1)
