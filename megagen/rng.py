"""Random streams keyed by coordinates, so any box of the City can be generated alone.

Every stream is ``Generator(PCG64(SeedSequence(seed, spawn_key=(stage, *key))))``:
the same (seed, stage, key) gives the same numbers in any process, block order or
worker count. Never ``hash()``, never ``seed + i``, never global state.
"""
from __future__ import annotations

from enum import IntEnum

import numpy as np


class Stage(IntEnum):
    """Stream identities. Append only: renumbering changes every city."""

    STRATA = 1
    PILLARS = 2
    CHASMS = 3
    MEGASHAFTS = 4
    TOWERS = 5
    GATES = 6
    GREAT_PILLARS = 7
    SLABS = 10
    WALLS = 11
    COLUMNS = 12
    STAIRS = 13
    BRIDGES = 14
    CONDUITS = 15
    BUILDINGS = 16
    DECAY = 17
    SHAFTS = 18
    GALLERIES = 19
    LIGHTS = 20
    VILLAGE = 30
    SAFEGUARD = 31


def stream(seed: int, stage: Stage | int, *key: int) -> np.random.Generator:
    """A generator owned by ``(seed, stage, *key)``; keys may be negative."""
    # SeedSequence takes non-negative ints only: fold the sign into the low bit.
    folded = tuple((k << 1) if k >= 0 else ((-k) << 1) | 1 for k in (int(stage), *key))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=folded)))
