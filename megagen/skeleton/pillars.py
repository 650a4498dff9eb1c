"""Stratum pillars: a jittered grid of columns standing from plate to plate.

They are the anchors everything else grows from: slabs start at them, stairs climb
beside them, and the support pass keeps only floors that reach one.
"""
from __future__ import annotations

import numpy as np

from ..config import Pillars
from ..rng import Stage, stream


def stratum_pillars(seed: int, cfg: Pillars, stratum: int, ty: int, tx: int, tile: int) -> np.ndarray:
    """``(k, 4)`` absolute rectangles ``y0, x0, y1, x1`` of one stratum's pillars in tile ``(ty, tx)``."""
    spacing = max(12, min(cfg.spacing, tile // 3))
    n = tile // spacing
    rng = stream(seed, Stage.PILLARS, stratum, ty, tx)
    present = rng.random((n, n)) < 0.8
    quarter = max(spacing // 4, 1)
    jy = rng.integers(-quarter, quarter + 1, (n, n))
    jx = rng.integers(-quarter, quarter + 1, (n, n))
    size = cfg.width + rng.integers(0, 2, (n, n))
    present[n // 2, n // 2] = True  # every tile keeps a pillar to grow from
    iy, ix = np.nonzero(present)
    cy = ty * tile + iy * spacing + spacing // 2 + jy[iy, ix]
    cx = tx * tile + ix * spacing + spacing // 2 + jx[iy, ix]
    s = size[iy, ix]
    rects = np.stack([cy - s // 2, cx - s // 2, cy - s // 2 + s, cx - s // 2 + s], axis=1)
    y0, x0 = ty * tile, tx * tile
    inside = (rects[:, 0] > y0 + 2) & (rects[:, 1] > x0 + 2) & (rects[:, 2] < y0 + tile - 2) & (rects[:, 3] < x0 + tile - 2)
    return rects[inside].astype(np.int64)
