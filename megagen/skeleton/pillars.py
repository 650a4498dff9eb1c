"""Stratum pillars: a jittered grid of columns standing from plate to plate.

They are the anchors everything else grows from: slabs start at them, stairs climb
beside them, and the support pass keeps only floors that reach one.
"""
from __future__ import annotations

import numpy as np

from ..config import Pillars
from ..rng import Stage, stream


def stratum_pillars(seed: int, cfg: Pillars, stratum: int, depth: int, width: int) -> np.ndarray:
    """``(k, 4)`` int rectangles ``y0, x0, y1, x1`` of the pillars of one stratum."""
    # small footprints get a tighter grid, so every stratum has several pillars
    spacing = max(12, min(cfg.spacing, min(depth, width) // 3))
    ny, nx = -(-depth // spacing), -(-width // spacing)
    rng = stream(seed, Stage.PILLARS, stratum)
    present = rng.random((ny, nx)) < 0.8
    quarter = max(spacing // 4, 1)
    jy = rng.integers(-quarter, quarter + 1, (ny, nx))
    jx = rng.integers(-quarter, quarter + 1, (ny, nx))
    size = cfg.width + rng.integers(0, 2, (ny, nx))
    iy, ix = np.nonzero(present)
    cy = iy * spacing + spacing // 2 + jy[iy, ix]
    cx = ix * spacing + spacing // 2 + jx[iy, ix]
    s = size[iy, ix]
    rects = np.stack([cy - s // 2, cx - s // 2, cy - s // 2 + s, cx - s // 2 + s], axis=1)
    inside = (rects[:, 0] >= 1) & (rects[:, 1] >= 1) & (rects[:, 2] < depth - 1) & (rects[:, 3] < width - 1)
    rects = rects[inside].astype(np.int64)
    if len(rects) == 0:  # every stratum keeps at least one pillar to grow from
        cy, cx, s = depth // 2, width // 2, cfg.width
        rects = np.array([[cy - s // 2, cx - s // 2, cy - s // 2 + s, cx - s // 2 + s]], dtype=np.int64)
    return rects
