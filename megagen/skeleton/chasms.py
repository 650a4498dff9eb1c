"""Chasms: voids many levels deep, decided per stratum.

A chasm is a union of a few rectangles (the City's voids are built, not eroded),
open from the plate at the bottom of its stratum up to some level; a piercing one
also breaks through that plate and drops a few levels into the stratum below.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..config import Chasms
from ..rng import Stage, stream


class Chasm(NamedTuple):
    bottom: int        # first open level (inclusive)
    top: int           # last open level (exclusive)
    rects: np.ndarray  # (k, 4) y0, x0, y1, x1
    pierces: bool      # breaks through the plate at its bottom


def stratum_chasms(seed: int, cfg: Chasms, stratum: int, span: tuple[int, int],
                   below_top: int, ty: int, tx: int, tile: int) -> list[Chasm]:
    """Chasms of ``stratum`` centred in tile ``(ty, tx)``, open over ``span = (first,
    plate_above)``; they may reach into neighbouring tiles (by less than half a tile).

    ``below_top`` is the last level of the stratum below (under the plate).
    """
    rng = stream(seed, Stage.CHASMS, stratum, ty, tx)
    count = int(rng.poisson(cfg.per_stratum))
    first, stop = span
    out = []
    for _ in range(min(count, 6)):
        # a chasm never swallows a whole tile: cap it at a fifth of one
        r = min(int(rng.integers(cfg.radius_min, cfg.radius_max + 1)), max(tile // 5, 2))
        cy, cx = ty * tile + int(rng.integers(0, tile)), tx * tile + int(rng.integers(0, tile))
        parts = rng.integers(2, 4)
        hy = np.round(r * rng.uniform(0.5, 1.1, parts)).astype(np.int64)
        hx = np.round(r * rng.uniform(0.5, 1.1, parts)).astype(np.int64)
        oy = np.round(r * rng.uniform(-0.6, 0.6, parts)).astype(np.int64)
        ox = np.round(r * rng.uniform(-0.6, 0.6, parts)).astype(np.int64)
        oy[0] = ox[0] = 0
        rects = np.stack([cy + oy - hy, cx + ox - hx, cy + oy + hy, cx + ox + hx], axis=1)
        full = rng.random() < 0.55
        top = stop if full else int(rng.integers(min(first + 6, stop), stop + 1))
        pierces = bool(rng.random() < cfg.piercing)
        bottom = below_top - int(rng.integers(3, 10)) if pierces else first
        if pierces:  # keep the plate whole around the breach: only the main rectangle
            rects = rects[:1]
        out.append(Chasm(bottom, top, rects, pierces))
    return out
