"""Vectorized rasterizers: many rectangles at once onto a stack of level planes.

Builders describe what they deposit as rectangles; one difference-array pass
turns any number of them into a mask, so cost does not grow with their area.
"""
from __future__ import annotations

import numpy as np


def stamp_rects(shape: tuple[int, int, int], level: np.ndarray, y0, x0, y1, x1) -> np.ndarray:
    """Union of half-open rectangles ``[y0, y1) x [x0, x1)`` on planes ``level``.

    ``shape`` is ``(n_levels, d, w)``; rectangles are clipped to the plane and empty
    ones ignored. Returns a bool array of ``shape``.
    """
    n, d, w = shape
    level = np.asarray(level, dtype=np.int64).ravel()
    y0 = np.clip(np.asarray(y0, dtype=np.int64).ravel(), 0, d)
    y1 = np.clip(np.asarray(y1, dtype=np.int64).ravel(), 0, d)
    x0 = np.clip(np.asarray(x0, dtype=np.int64).ravel(), 0, w)
    x1 = np.clip(np.asarray(x1, dtype=np.int64).ravel(), 0, w)
    keep = (y1 > y0) & (x1 > x0) & (level >= 0) & (level < n)
    level, y0, x0, y1, x1 = level[keep], y0[keep], x0[keep], y1[keep], x1[keep]
    area = (y1 - y0) * (x1 - x0)
    if area.sum() * 8 < n * d * w:
        return _enumerate(shape, level, y0, x0, y1, x1, area)
    diff = np.zeros((n, d + 1, w + 1), dtype=np.int16)
    flat = diff.reshape(-1)
    plane = (d + 1) * (w + 1)
    base = level * plane
    np.add.at(flat, base + y0 * (w + 1) + x0, 1)
    np.add.at(flat, base + y0 * (w + 1) + x1, -1)
    np.add.at(flat, base + y1 * (w + 1) + x0, -1)
    np.add.at(flat, base + y1 * (w + 1) + x1, 1)
    np.cumsum(diff, axis=1, out=diff)
    np.cumsum(diff, axis=2, out=diff)
    return diff[:, :d, :w] > 0


def _enumerate(shape, level, y0, x0, y1, x1, area) -> np.ndarray:
    """Small rectangles: write their cells directly (cost follows their total area)."""
    n, d, w = shape
    out = np.zeros(shape, dtype=bool)
    total = int(area.sum())
    if total == 0:
        return out
    owner = np.repeat(np.arange(len(area)), area)
    k = np.arange(total) - np.repeat(np.cumsum(area) - area, area)
    wide = (x1 - x0)[owner]
    yy = y0[owner] + k // wide
    xx = x0[owner] + k % wide
    out.reshape(-1)[(level[owner] * d + yy) * w + xx] = True
    return out

