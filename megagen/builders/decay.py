"""Decay: holes punched through slabs and spans that have collapsed.

Decay only removes floor; the support pass then drops whatever it left unheld,
and rubble piles mark where the ceiling came down.
"""
from __future__ import annotations

import numpy as np

from ..materials import Material as M
from ..rng import Stage
from .base import DX, DY, Context, Plan


def build(ctx: Context, plan: Plan) -> None:
    """Holes and collapsed strips into ``plan.holes``, rubble as extrusions (in place)."""
    cfg = ctx.config.decay
    n = cfg.holes
    def sample(rng, i, pillars, tile):
        return {"y": tile.y0 + rng.integers(0, tile.size, n + 1), "x": tile.x0 + rng.integers(0, tile.size, n + 1),
                "sy": rng.integers(2, 12, n + 1), "sx": rng.integers(2, 12, n + 1),
                "collapse": np.arange(n + 1) == n, "happens": rng.random(n + 1) < np.where(
                    np.arange(n + 1) == n, cfg.collapse, 1.0),
                "dir": rng.integers(0, 4, n + 1), "len": rng.integers(20, 70, n + 1),
                "rubble": rng.random(n + 1) < cfg.rubble}

    a = ctx.per_level(Stage.DECAY, sample)
    if not a:
        return
    k = a["happens"]
    lv, y, x, sy, sx = a["level"][k], a["y"][k], a["x"][k], a["sy"][k], a["sx"][k]
    ty0, tx0 = a["ty0"][k], a["tx0"][k]
    strip = a["collapse"][k]
    length, dr = a["len"][k], a["dir"][k]
    # a collapsed span is a long narrow strip; a hole is a small rectangle
    ey = np.where(strip, y + DY[dr] * length, y + sy)
    ex = np.where(strip, x + DX[dr] * length, x + sx)
    wide = np.where(strip, 3, 0)
    y0, y1 = np.minimum(y, ey) - wide, np.maximum(y, ey) + wide + 1
    x0, x1 = np.minimum(x, ex) - wide, np.maximum(x, ex) + wide + 1
    holes = ctx.stamp(lv, y0, x0, y1, x1, ty0, tx0)
    if "protect" in plan.notes:
        holes &= ~plan.notes["protect"]
    plan.holes |= holes
    r = a["rubble"][k] & ~strip
    ring = ctx.stamp(lv[r], y0[r] - 2, x0[r] - 2, y1[r] + 2, x1[r] + 2, ty0[r], tx0[r]) & ~holes
    plan.extrude(ring & (plan.top == 0), M.RUBBLE, 1)
