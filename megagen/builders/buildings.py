"""Box buildings: halls that stack through several levels, and machine housings.

A hall is decided once per stratum (so consecutive levels share its outline, and
it reads as one building many storeys tall); each of its storeys has a slab and
outer walls with openings. Housings are blocks of machinery standing on the floor,
a few with a light on top: the City's rare light.
"""
from __future__ import annotations

import numpy as np

from ..materials import Material as M
from ..rng import Stage, stream
from .base import Context, Plan, pillar_choice


def _halls(ctx: Context):
    """Rows ``(level_index, y0, x0, y1, x1, ty0, tx0)`` of every hall storey in the
    frame (local coordinates, with the corner of the tile the hall belongs to)."""
    rows = []
    for s, (first, stop) in ctx.frame.spans.items():
        if stop <= ctx.frame.lo or first >= ctx.frame.hi:
            continue
        for tile in ctx.tiles():
            _tile_halls(ctx, s, first, stop, tile, rows)
    return np.array(rows, dtype=np.int64).reshape(-1, 7)


def _tile_halls(ctx: Context, s: int, first: int, stop: int, tile, rows: list) -> None:
    """A stratum's halls in one tile: decided once, so every storey shares the outline."""
    pillars = ctx.frame.area.local(ctx.frame.pillars[s][(tile.ty, tile.tx)])
    if len(pillars):
        rng = stream(ctx.seed, Stage.BUILDINGS, s, tile.ty, tile.tx, 1)
        k = int(rng.poisson(max(1, (stop - first) // 4)))
        p = pillar_choice(rng, pillars, k)
        hy, hx = rng.integers(8, 30, k), rng.integers(8, 30, k)
        oy, ox = rng.integers(-6, 7, k), rng.integers(-6, 7, k)
        bottom = rng.integers(first, stop, k)
        storeys = rng.integers(2, 12, k)
        for j in range(k):
            cy, cx = int(p[j, 0]) + int(oy[j]), int(p[j, 1]) + int(ox[j])
            for lv in range(int(bottom[j]), min(int(bottom[j] + storeys[j]), stop)):
                i = lv - ctx.frame.lo
                if 0 <= i < ctx.n:
                    rows.append((i, cy - hy[j], cx - hx[j], cy + hy[j], cx + hx[j], tile.y0, tile.x0))


def build(ctx: Context, plan: Plan) -> None:
    """Hall storeys (slab + outer walls) and machine housings into ``plan`` (in place)."""
    h = ctx.config.level_height
    halls = _halls(ctx)
    if len(halls):
        lv, y0, x0, y1, x1, ty0, tx0 = halls.T
        outer = ctx.stamp(lv, y0, x0, y1, x1, ty0, tx0)
        inner = ctx.stamp(lv, y0 + 1, x0 + 1, y1 - 1, x1 - 1, ty0, tx0)
        plan.floor |= outer
        # openings: every wall cell whose absolute coordinate falls in a gap band
        _, d, w = ctx.shape
        area = ctx.frame.area
        yy, xx = (area.y0 + np.arange(d))[None, :, None], (area.x0 + np.arange(w))[None, None, :]
        gaps = ((yy // 3) % 4 == 1) | ((xx // 3) % 4 == 1)
        plan.extrude(outer & ~inner & ~gaps, M.WALL, h - 1)
        plan.notes["halls"] = len(halls)

    n = ctx.config.builders.buildings
    if n == 0:
        return

    def sample(rng, i, pillars, tile):
        p = pillar_choice(rng, pillars, n)
        return {"y": p[:, 0] + rng.integers(-14, 15, n), "x": p[:, 1] + rng.integers(-14, 15, n),
                "sy": rng.integers(2, 9, n), "sx": rng.integers(2, 9, n),
                "height": rng.integers(2, h - 1, n), "light": rng.random(n) < 0.12}

    a = ctx.per_level(Stage.BUILDINGS, sample)
    if not a:
        return
    lv, y, x, sy, sx = a["level"], a["y"], a["x"], a["sy"], a["sx"]
    for hgt in np.unique(a["height"]):
        sel = a["height"] == hgt
        mask = ctx.stamp(lv[sel], y[sel], x[sel], y[sel] + sy[sel], x[sel] + sx[sel], a["ty0"][sel], a["tx0"][sel])
        plan.extrude(mask, M.MACHINE, int(hgt))
    lit = a["light"]
    lamp = ctx.stamp(lv[lit], y[lit] + sy[lit] // 2, x[lit] + sx[lit] // 2,
                     y[lit] + sy[lit] // 2 + 1, x[lit] + sx[lit] // 2 + 1, a["ty0"][lit], a["tx0"][lit])
    lamp &= plan.mat == M.MACHINE
    plan.notes["lamps"] = lamp
