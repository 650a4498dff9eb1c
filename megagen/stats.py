"""Per-level statistics of a volume: small numbers a manifest can carry.

Pure and vectorized: the volume is viewed as ``(levels, H, d, w)`` and reduced
along axes. Python loops run over levels (one ``bincount`` each) and over the
output rows, never over voxels.
"""
from __future__ import annotations

import numpy as np

from .materials import SOLID, STANDABLE, Material


def _material_name(material: int) -> str:
    try:
        return Material(material).name.lower()
    except ValueError:
        return f"id{material}"


def _byte_counts(row: np.ndarray) -> np.ndarray:
    """``(256,)`` int64 occurrences of each byte value in a 1-D uint8 array.

    Counts byte *pairs* (a uint16 view, half the elements to widen) and folds the
    65536-bin table back onto single bytes: about twice the speed of a plain bincount.
    """
    if row.size % 2 or not row.flags.c_contiguous:
        return np.bincount(row, minlength=256).astype(np.int64)
    pairs = np.bincount(row.view(np.uint16), minlength=65536).reshape(256, 256)
    return (pairs.sum(axis=0) + pairs.sum(axis=1)).astype(np.int64)


def level_stats(voxels: np.ndarray, level_height: int, first_level: int) -> list[dict]:
    """Statistics of every level in ``voxels`` (``uint8``, ``(z, y, x)``).

    ``voxels.shape[0]`` must be a multiple of ``level_height``; the first level is
    ``first_level``. For each level returns a dict with ``level``, ``solid_fraction``
    (solid voxels / all voxels of the level), ``standable_area`` (cells whose floor
    voxel ``z = L*H`` is a standable material with air right above it) and
    ``materials`` (``{name: count}`` of the materials present, air included).
    """
    if voxels.ndim != 3 or voxels.shape[0] % level_height:
        raise ValueError(f"voxels of shape {voxels.shape} do not hold whole levels of height {level_height}")
    n_levels = voxels.shape[0] // level_height
    per_level = voxels.reshape(n_levels, -1)  # (levels, H*d*w), a view
    counts = np.stack([_byte_counts(row) for row in per_level])
    total = per_level.shape[1]
    solid = counts[:, SOLID].sum(axis=1)
    levels4 = voxels.reshape(n_levels, level_height, voxels.shape[1], voxels.shape[2])
    standable = (STANDABLE[levels4[:, 0]] & (levels4[:, 1] == 0)).sum(axis=(1, 2))
    present = np.flatnonzero(counts.any(axis=0))
    names = [_material_name(int(m)) for m in present]
    out = []
    for i in range(n_levels):
        row = counts[i, present]
        out.append({
            "level": first_level + i,
            "solid_fraction": round(float(solid[i]) / total, 6),
            "standable_area": int(standable[i]),
            "materials": {n: int(c) for n, c in zip(names, row) if c},
        })
    return out
