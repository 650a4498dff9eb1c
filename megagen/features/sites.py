"""Where features may stand: plate tops, clear of chasms, breaches and gates.

Features rest on the top of a Megastructure plate (the plane just under the first
open level of a stratum), which is solid everywhere except where a chasm breaks
through or a gate opens. These helpers answer, as pure functions of (seed, config,
stratum, footprint), where that plane is and which rectangles to avoid.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..config import CityConfig
from ..skeleton.chasms import stratum_chasms
from ..skeleton.plates import plate_ops
from ..skeleton.strata import plate_start


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


@lru_cache(maxsize=256)
def avoid_rects(seed: int, config: CityConfig, stratum: int, depth: int, width: int) -> np.ndarray:
    """``(k, 4)`` rectangles (y0, x0, y1, x1) where the plate top of ``stratum`` is not
    solid or the stratum is void: its chasms, the breaches they make, its gates."""
    t = config.strata.thickness
    span = stratum_span(seed, config, stratum)
    chasms = stratum_chasms(seed, config.chasms, stratum, span, span[0] - t, t, depth, width)
    rects = [c.rects for c in chasms]
    breaches = np.array([c.rects[0] for c in chasms if c.pierces], dtype=np.int64).reshape(-1, 4)
    # without the pillars and towers that veto gates: every candidate gate, a superset
    _, gates = plate_ops(seed, config, span[0] - t, stratum, depth, width, breaches, np.zeros((0, 4), np.int64))
    rects.append(np.asarray(gates).reshape(-1, 4) + np.array([-2, -2, 2, 2]))
    return np.concatenate([np.asarray(r, dtype=np.int64).reshape(-1, 4) for r in rects])
