"""Per-level statistics of a volume: small numbers a manifest can carry.

Pure and vectorized: the volume is viewed as ``(levels, H, d, w)`` and reduced
along axes; the only Python loop is over the (few) materials present.
"""
from __future__ import annotations

import numpy as np

from .materials import SOLID, STANDABLE, Material


def _material_name(material: int) -> str:
    try:
        return Material(material).name.lower()
    except ValueError:
        return f"id{material}"


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
    # Counts per (level, material) in one bincount over level-offset codes.
    offsets = (np.arange(n_levels, dtype=np.int64) * 256)[:, None]
    counts = np.zeros((n_levels, 256), dtype=np.int64)
    chunk = max(1, (1 << 22) // max(1, per_level.shape[1]))  # bound the int64 temporary to ~32 MiB
    for lo in range(0, n_levels, chunk):
        hi = min(n_levels, lo + chunk)
        codes = per_level[lo:hi].astype(np.int64) + offsets[: hi - lo]
        counts[lo:hi] = np.bincount(codes.ravel(), minlength=(hi - lo) * 256).reshape(hi - lo, 256)
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
