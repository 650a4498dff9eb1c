"""Megastructure plates: one per cell of ``period`` levels, shifted by a hashed jitter.

A plate is a pure function of its cell index, so any level can ask which plate lies
below or above it without generating anything else.
"""
from __future__ import annotations

import numpy as np

from ..config import Strata
from ..rng import Stage, stream


def plate_start(seed: int, cfg: Strata, cell: int) -> int:
    """First level of the plate of ``cell`` (a plate spans ``cfg.thickness`` levels)."""
    room = cfg.period - 2 * cfg.thickness
    jitter = min(cfg.jitter, room // 2)
    offset = cfg.period // 2 + int(stream(seed, Stage.STRATA, cell).integers(-jitter, jitter + 1))
    return cell * cfg.period + int(np.clip(offset, cfg.thickness, cfg.period - 2 * cfg.thickness))


def plates_between(seed: int, cfg: Strata, lo: int, hi: int) -> list[tuple[int, int]]:
    """``(cell, start)`` of every plate whose cell overlaps levels ``[lo, hi)``, plus one each side."""
    first = lo // cfg.period - 1
    last = (hi - 1) // cfg.period + 1
    return [(c, plate_start(seed, cfg, c)) for c in range(first, last + 1)]


def level_strata(seed: int, cfg: Strata, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """Per level of ``[lo, hi)``: is it plate, the stratum id (cell of the plate below),
    and ``{stratum: (first_open_level, plate_above_start)}`` for the strata touched."""
    plates = plates_between(seed, cfg, lo, hi)
    levels = np.arange(lo, hi)
    starts = np.array([s for _, s in plates])
    cells = np.array([c for c, _ in plates])
    below = np.searchsorted(starts, levels, side="right") - 1  # index of last plate starting <= level
    is_plate = levels < starts[below] + cfg.thickness
    stratum = cells[below]
    spans = {}
    for i in range(len(plates) - 1):
        spans[int(cells[i])] = (int(starts[i] + cfg.thickness), int(starts[i + 1]))
    return is_plate, stratum, spans
