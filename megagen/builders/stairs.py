"""Stairs and ladders between levels, climbing beside a pillar.

A stair run ends against a pillar so its pad below and its landing above both
touch an anchor; the level above gets a stairwell cut over the run. Some runs
get no landing and arrive nowhere, as the Builders leave them. Ladders hug a
pillar face and pass through a hatch in the floor above.
"""
from __future__ import annotations

import numpy as np

from ..materials import Material as M
from ..rng import Stage
from .base import DX, DY, Context, Plan


def _below_a_floor(ctx: Context, i: int) -> bool:
    """True if the level above ``i`` is an open level of the same stratum."""
    stratum = int(ctx.frame.stratum[i])
    return ctx.frame.lo + i + 1 < ctx.frame.spans[stratum][1]


def _face_cells(p, d):
    """The cell just outside pillar ``p`` on the side a climber facing ``d`` meets it."""
    cy, cx = (p[:, 0] + p[:, 2]) // 2, (p[:, 1] + p[:, 3]) // 2
    ty = np.where(d == 1, p[:, 0] - 1, np.where(d == 3, p[:, 2], cy))
    tx = np.where(d == 0, p[:, 1] - 1, np.where(d == 2, p[:, 3], cx))
    return ty, tx


def _open_runs(ctx: Context, i: int, pillars: np.ndarray, length: int, tile):
    """(pillar index, direction) pairs whose run (and its pad) stays inside the tile and
    unblocked on level ``i`` and the one above; every pair when none does."""
    k = len(pillars)
    idx = np.repeat(np.arange(k), 4)
    dirs = np.tile(np.arange(4), k)
    ty, tx = _face_cells(pillars[idx], dirs)
    _, d, w = ctx.shape
    ok = np.ones(len(idx), dtype=bool)
    lo_y, lo_x = tile.y0 + 4, tile.x0 + 4
    hi_y, hi_x = tile.y0 + tile.size - 4, tile.x0 + tile.size - 4
    for back in (0, length // 2, length - 1, length + 1):
        y, x = ty - DY[dirs] * back, tx - DX[dirs] * back
        ok &= (y >= lo_y) & (y < hi_y) & (x >= lo_x) & (x < hi_x)
        yc, xc = np.clip(y, 0, d - 1), np.clip(x, 0, w - 1)
        for level in (i, i + 1):
            if level < ctx.n:
                ok &= ~ctx.frame.blocked[level, yc, xc]
    if not ok.any():
        return idx, dirs
    return idx[ok], dirs[ok]


def build(ctx: Context, plan: Plan) -> None:
    """Stair runs and ladders on each level, with pads, stairwells and landings (in place)."""
    cfg = ctx.config.builders
    h = ctx.config.level_height
    length = 2 * (h - 1)

    def sample(rng, i, pillars, tile):
        if not _below_a_floor(ctx, i):
            return {}
        n = cfg.stairs + cfg.ladders
        # climb beside pillars where the whole run lies in open floor, here and above
        pick, dirs = _open_runs(ctx, i, pillars, length, tile)
        k = rng.integers(0, len(pick), n)
        return {"p": pillars[pick[k]], "dir": dirs[k],
                "wide": np.where(np.arange(n) < cfg.stairs, rng.integers(2, 4, n), 0),
                "landing": rng.random(n) < 0.8}

    a = ctx.per_level(Stage.STAIRS, sample)
    if not a:
        return
    lv, d, wide, landing = a["level"], a["dir"], a["wide"], a["landing"]
    ty, tx = _face_cells(a["p"], d)
    stair = wide > 0
    n, dd, ww = ctx.shape
    # enumerate the cells of every run: (run, step along, cell across)
    t = np.arange(length)[None, :, None]
    k = np.arange(3)[None, None, :]
    dy, dx = DY[d][:, None, None], DX[d][:, None, None]
    cy = ty[:, None, None] - dy * (length - 1 - t) + dx * (k - 1)
    cx = tx[:, None, None] - dx * (length - 1 - t) + dy * (k - 1)
    ok = (k < wide[:, None, None]) & stair[:, None, None]
    ty0, tx0, size = a["ty0"][:, None, None], a["tx0"][:, None, None], ctx.frame.area.tile
    ok = ok & (cy >= ty0) & (cy < ty0 + size) & (cx >= tx0) & (cx < tx0 + size)
    height = np.broadcast_to(t // 2 + 1, cy.shape)
    flat = (np.broadcast_to(lv[:, None, None], cy.shape) * dd + cy) * ww + cx
    steps = np.zeros(n * dd * ww, dtype=np.uint8)
    np.maximum.at(steps, flat[ok], np.minimum(height[ok], h - 1).astype(np.uint8))
    steps = steps.reshape(ctx.shape)
    run = steps > 0
    plan.extrude(run, M.STAIR, steps)

    # pads below and stairwells above: the bounding box of each run
    sel = stair
    y0, y1 = cy[sel].min(axis=(1, 2)), cy[sel].max(axis=(1, 2)) + 1
    x0, x1 = cx[sel].min(axis=(1, 2)), cx[sel].max(axis=(1, 2)) + 1
    ls, up = lv[sel], lv[sel] + 1
    sy, sx = a["ty0"][sel], a["tx0"][sel]
    pads = ctx.stamp(ls, y0 - 2, x0 - 2, y1 + 2, x1 + 2, sy, sx)
    plan.floor |= pads
    plan.holes |= ctx.stamp(up, y0, x0, y1, x1, sy, sx)
    arrive = landing[sel]
    plan.floor |= ctx.stamp(up[arrive], y0[arrive] - 3, x0[arrive] - 3, y1[arrive] + 3, x1[arrive] + 3,
                            sy[arrive], sx[arrive])

    # ladders: a rung column on the pillar face and a hatch in the floor above
    lad = ~stair
    ly, lx, ll = ty[lad], tx[lad], lv[lad]
    ly0, lx0 = a["ty0"][lad], a["tx0"][lad]
    ladder = ctx.stamp(ll, ly, lx, ly + 1, lx + 1, ly0, lx0)
    plan.extrude(ladder, M.LADDER, h - 1)
    ladder_pads = ctx.stamp(ll, ly - 2, lx - 2, ly + 3, lx + 3, ly0, lx0)
    plan.floor |= ladder_pads
    plan.holes |= ctx.stamp(ll + 1, ly - 1, lx - 1, ly + 2, lx + 2, ly0, lx0)
    plan.notes["protect"] = pads | ladder_pads
    plan.notes["stairs"] = int(stair.sum())
    plan.notes["ladders"] = int(lad.sum())
