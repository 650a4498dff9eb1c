"""Box writes in absolute voxel coordinates: how city-scale structures reach a block.

A structure is a short ordered list of box fills (material) and clears (0), each
``(material, z0, z1, zstep, y0, y1, x0, x1)``. Any block applies the part of each
op that falls inside it, so a structure is identical in every block it touches.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Op(NamedTuple):
    material: int
    z0: int
    z1: int
    zstep: int
    y0: int
    y1: int
    x0: int
    x1: int


def box(material: int, z0: int, z1: int, y0: int, y1: int, x0: int, x1: int, zstep: int = 1) -> Op:
    return Op(int(material), int(z0), int(z1), int(zstep), int(y0), int(y1), int(x0), int(x1))


def ring(material: int, z0: int, z1: int, y0: int, y1: int, x0: int, x1: int, t: int = 1) -> list[Op]:
    """A hollow rectangular tube of wall thickness ``t`` (fill, then clear the inside)."""
    return [box(material, z0, z1, y0, y1, x0, x1), box(0, z0, z1, y0 + t, y1 - t, x0 + t, x1 - t)]


def apply_ops(vox: np.ndarray, ops: list[Op], z_origin: int, y_origin: int = 0, x_origin: int = 0) -> None:
    """Write ``ops`` into ``vox`` (``(z, y, x)``, in place) whose corner voxel is at
    absolute ``(z_origin, y_origin, x_origin)``."""
    nz, ny, nx = vox.shape
    for op in ops:
        lo = max(op.z0, z_origin)
        hi = min(op.z1, z_origin + nz)
        if lo >= hi:
            continue
        if op.zstep > 1:
            lo += (op.z0 - lo) % op.zstep
            if lo >= hi:
                continue
        y0, y1 = max(op.y0 - y_origin, 0), min(op.y1 - y_origin, ny)
        x0, x1 = max(op.x0 - x_origin, 0), min(op.x1 - x_origin, nx)
        if y0 < y1 and x0 < x1:
            vox[lo - z_origin:hi - z_origin:op.zstep, y0:y1, x0:x1] = op.material


def overlaps(rects: np.ndarray, others: np.ndarray, margin: int = 0) -> np.ndarray:
    """For each ``(y0, x0, y1, x1)`` in ``rects``, does it come within ``margin`` of any of ``others``?"""
    rects = np.asarray(rects).reshape(-1, 4)
    others = np.asarray(others).reshape(-1, 4)
    if len(others) == 0 or len(rects) == 0:
        return np.zeros(len(rects), dtype=bool)
    a, b = rects[:, None, :], others[None, :, :]
    return ((a[..., 0] < b[..., 2] + margin) & (b[..., 0] < a[..., 2] + margin)
            & (a[..., 1] < b[..., 3] + margin) & (b[..., 1] < a[..., 3] + margin)).any(axis=1)
