"""Where features may stand: plate tops, clear of chasms, breaches and gates.

Features rest on the top of a Megastructure plate (the plane just under the first
open level of a stratum), which is solid everywhere except where a chasm breaks
through or a gate opens. These helpers answer, as pure functions of (seed, config,
stratum, tile), where that plane is and which rectangles to avoid. Everything is
decided per tile ``(ty, tx)`` (absolute indices, ``config.tile`` voxels a side) and
given in absolute coordinates, like the skeleton, so any window agrees with any other.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..config import CityConfig
from ..skeleton.chasms import stratum_chasms
from ..skeleton import tile_gates
from ..skeleton.plates import galleries
from ..skeleton.strata import plate_start

NO_RECT = np.zeros((0, 4), dtype=np.int64)


def stratum_span(seed: int, config: CityConfig, stratum: int) -> tuple[int, int]:
    """``(first open level, start of the plate above)`` of ``stratum``."""
    t = config.strata.thickness
    return plate_start(seed, config.strata, stratum) + t, plate_start(seed, config.strata, stratum + 1)


def nearest_stratum(seed: int, config: CityConfig, level: int) -> int:
    """The stratum whose first open level is nearest to ``level`` (and at least 3,
    so that two levels fit below it)."""
    cell = level // config.strata.period
    cands = [c for c in (cell - 1, cell, cell + 1, cell + 2) if c >= 0 and stratum_span(seed, config, c)[0] >= 3]
    return min(cands, key=lambda c: (abs(stratum_span(seed, config, c)[0] - level), c))


def strata_touching(seed: int, config: CityConfig, lo: int, hi: int) -> list[int]:
    """Strata whose open span (first open level to plate above) overlaps levels ``[lo, hi)``."""
    p = config.strata.period
    out = []
    for cell in range(max(lo // p - 2, 0), hi // p + 2):
        first, stop = stratum_span(seed, config, cell)
        if first < hi and stop > lo:
            out.append(cell)
    return out


def window_tiles(config: CityConfig, depth: int, width: int, x0: int = 0, y0: int = 0) -> list[tuple[int, int]]:
    """Absolute tiles ``(ty, tx)`` that a window of ``depth x width`` at ``(x0, y0)`` touches."""
    t = config.tile
    return [(ty, tx) for ty in range(y0 // t, -(-(y0 + depth) // t)) for tx in range(x0 // t, -(-(x0 + width) // t))]


def tile_rect(config: CityConfig, ty: int, tx: int, inset: int = 0) -> tuple[int, int, int, int]:
    """Absolute ``(y0, x0, y1, x1)`` of tile ``(ty, tx)``, shrunk by ``inset`` on each side."""
    t = config.tile
    return ty * t + inset, tx * t + inset, (ty + 1) * t - inset, (tx + 1) * t - inset


@lru_cache(maxsize=1024)
def _chasms(seed: int, config: CityConfig, stratum: int, ty: int, tx: int) -> tuple:
    """Chasms of ``stratum`` that may reach tile ``(ty, tx)``: those of it and its 8
    neighbours (a chasm reaches less than half a tile out of its own)."""
    t = config.strata.thickness
    span = stratum_span(seed, config, stratum)
    return tuple(c for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                 for c in stratum_chasms(seed, config.chasms, stratum, span, span[0] - t, ty + dy, tx + dx,
                                         config.tile))


def plate_gates(seed: int, config: CityConfig, stratum: int, ty: int, tx: int) -> np.ndarray:
    """``(k, 4)`` gate holes of tile ``(ty, tx)`` in the plate under ``stratum``, exactly as
    the skeleton decides them."""
    return np.asarray(tile_gates(seed, config, stratum, ty, tx), dtype=np.int64).reshape(-1, 4)


@lru_cache(maxsize=1024)
def avoid_rects(seed: int, config: CityConfig, stratum: int, ty: int, tx: int, trenches: bool = True) -> np.ndarray:
    """``(k, 4)`` absolute rectangles (y0, x0, y1, x1) where, in tile ``(ty, tx)``, the
    plate top of ``stratum`` is not solid or the stratum is void: the chasms reaching the
    tile, the breaches they make, its gates (with their frames), and (``trenches``) the
    galleries of the plate's top level, which open its top as trenches: a slender tower
    must not stand over one; a pocket with its own floor may."""
    rects = [c.rects for c in _chasms(seed, config, stratum, ty, tx)]
    rects.append(plate_gates(seed, config, stratum, ty, tx) + np.array([-2, -2, 2, 2]))
    top_level = plate_start(seed, config.strata, stratum) + config.strata.thickness - 1
    if trenches:
        rects.append(np.array(galleries(seed, config, top_level, ty, tx, config.tile), dtype=np.int64).reshape(-1, 4))
    out = np.concatenate([np.asarray(r, dtype=np.int64).reshape(-1, 4) for r in rects])
    out.setflags(write=False)
    return out
