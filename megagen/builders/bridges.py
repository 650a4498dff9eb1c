"""Bridges and catwalks thrown across chasms, from one edge to the other.

A bridge spans the chasm's rectangle with a margin on both sides; if neither end
lands on held-up floor the support pass lets it fall, which is how spans collapse.
"""
from __future__ import annotations

import numpy as np

from ..materials import Material as M
from ..rng import Stage, stream
from .base import Context, Plan


def build(ctx: Context, plan: Plan) -> None:
    """Bridges into ``plan.bridge`` with railings as extrusions (in place)."""
    n = ctx.config.builders.bridges
    rects = ctx.frame.chasm_rects
    if n == 0 or not rects:
        return
    rows = []
    area = ctx.frame.area
    for i, y0, x0, y1, x1, ty, tx in rects:
        rng = stream(ctx.seed, Stage.BRIDGES, ctx.frame.lo + i, y0 + area.y0, x0 + area.x0)
        if ctx.frame.is_plate[i] or rng.random() > 0.55:
            continue
        across_x = rng.random() < 0.5
        half = int(rng.integers(1, 3))
        margin = int(rng.integers(6, 16))
        if across_x:
            c = y0 + int(rng.integers(0, max(y1 - y0, 1)))
            row = (i, c - half, x0 - margin, c + half + 1, x1 + margin)
        else:
            c = x0 + int(rng.integers(0, max(x1 - x0, 1)))
            row = (i, y0 - margin, c - half, y1 + margin, c + half + 1)
        # a bridge belongs to its chasm's home tile and ends at that tile's edge
        oy, ox = ty * area.tile - area.y0, tx * area.tile - area.x0
        clipped = (row[0], max(row[1], oy), max(row[2], ox), min(row[3], oy + area.tile), min(row[4], ox + area.tile))
        if clipped[3] > clipped[1] and clipped[4] > clipped[2]:
            rows.append(clipped)
    if not rows:
        return
    r = np.array(rows, dtype=np.int64)
    deck = ctx.stamp(r[:, 0], r[:, 1], r[:, 2], r[:, 3], r[:, 4])
    plan.bridge |= deck
    # railings along both long sides of each deck, over the void only
    rail = np.zeros_like(deck)
    wide_x = (r[:, 4] - r[:, 2]) > (r[:, 3] - r[:, 1])
    for side in (0, 1):
        rail |= ctx.stamp(r[wide_x, 0], np.where(side, r[wide_x, 3] - 1, r[wide_x, 1]), r[wide_x, 2],
                          np.where(side, r[wide_x, 3], r[wide_x, 1] + 1), r[wide_x, 4])
        rail |= ctx.stamp(r[~wide_x, 0], r[~wide_x, 1], np.where(side, r[~wide_x, 4] - 1, r[~wide_x, 2]),
                          r[~wide_x, 3], np.where(side, r[~wide_x, 4], r[~wide_x, 2] + 1))
    plan.extrude(rail & ctx.frame.chasm, M.BRIDGE, 1)
    plan.notes["bridges"] = len(rows)
