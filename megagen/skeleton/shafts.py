"""Local shafts: casings a few to a dozen levels tall, hugging a pillar, with a car.

Starts are keyed by their first level, so a block asks the levels up to
``MAX_SPAN`` below it which shafts still reach into it.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..config import CityConfig
from ..materials import Material as M
from ..rng import Stage, stream
from .ops import Op, box, ring

MAX_SPAN = 14


class Shaft(NamedTuple):
    bottom: int
    top: int
    rect: tuple  # y0, x0, y1, x1 outer
    ops: list[Op]


def level_shafts(seed: int, config: CityConfig, level: int, ty: int, tx: int, tile: int,
                 pillars: np.ndarray, stratum_top: int) -> list[Shaft]:
    """Shafts of tile ``(ty, tx)`` starting on ``level`` next to one of the tile's
    ``pillars`` (absolute rects), ending below ``stratum_top``; never leaving the tile."""
    rng = stream(seed, Stage.SHAFTS, level, ty, tx)
    count = int(rng.poisson(config.builders.shafts))
    out = []
    h = config.level_height
    for _ in range(count):
        if len(pillars) == 0:
            break
        py0, px0, py1, px1 = pillars[int(rng.integers(0, len(pillars)))]
        s = int(rng.integers(5, 9))
        side = int(rng.integers(0, 4))
        if side == 0:
            y0, x0 = py0, px1
        elif side == 1:
            y0, x0 = py0, px0 - s
        elif side == 2:
            y0, x0 = py1, px0
        else:
            y0, x0 = py0 - s, px0
        y1, x1 = y0 + s, x0 + s
        top = min(level + int(rng.integers(3, MAX_SPAN + 1)), stratum_top)
        inside = ty * tile < y0 and y1 < (ty + 1) * tile and tx * tile < x0 and x1 < (tx + 1) * tile
        if top - level < 2 or not inside:
            continue
        z0, z1 = level * h, top * h
        ops = ring(M.SHAFT, z0, z1, y0, y1, x0, x1)
        ops.append(box(M.SHAFT, z0, z0 + 1, y0, y1, x0, x1))  # the pit floor
        door_face = int(rng.integers(0, 2))
        mid = (y0 + y1) // 2 if door_face else (x0 + x1) // 2
        for dz in range(1, 5):  # a door on every level
            if door_face:
                ops.append(box(0, z0 + dz, z1, mid - 1, mid + 1, x1 - 1, x1, zstep=h))
            else:
                ops.append(box(0, z0 + dz, z1, y1 - 1, y1, mid - 1, mid + 1, zstep=h))
        car = int(rng.integers(level, top)) * h + 1
        ops.append(box(M.ELEVATOR, car, car + 2, y0 + 1, y1 - 1, x0 + 1, x1 - 1))
        out.append(Shaft(level, top, (y0, x0, y1, x1), ops))
    return out
