"""The inside of a Megastructure plate: solid mass, maintenance galleries, rare gates.

Galleries are corridors carved into plate levels (a floor to stand on, a ceiling of
solid plate); gates are framed holes through the whole plate with a ladder, the only
ways through besides megashafts.
"""
from __future__ import annotations

import numpy as np

from ..config import CityConfig
from ..materials import Material as M
from ..rng import Stage, stream
from .ops import Op, box, overlaps


def plate_ops(seed: int, config: CityConfig, start: int, cell: int, depth: int, width: int,
              breaches: np.ndarray, pillars: np.ndarray) -> tuple[list[Op], np.ndarray]:
    """Ops for the plate of ``cell`` spanning levels ``[start, start + thickness)``, and
    its gate holes ``(k, 4)`` (y0, x0, y1, x1), which the level above must keep open.

    ``breaches`` (rects where chasms broke through) are cleared before the gates are
    set; a gate that would hang in a breach or cut a pillar above or below is not built."""
    h, t = config.level_height, config.strata.thickness
    z0, z1 = start * h, (start + t) * h
    ops = [box(M.PLATE, z0, z1, 0, depth, 0, width)]
    for level in range(start, start + t):
        rng = stream(seed, Stage.GALLERIES, level)
        n = config.strata.galleries
        horizontal = rng.random(n) < 0.5
        along = rng.integers(0, np.where(horizontal, depth, width))
        a0 = rng.integers(0, np.maximum(np.where(horizontal, width, depth) // 2, 1))
        length = rng.integers(40, 400, n)
        thick = rng.integers(3, 7, n)
        # open to the level's full height: from above, a plate level reads as its galleries
        g0, g1 = level * h + 1, level * h + h
        for hz, pos, s, ln, th in zip(horizontal, along, a0, length, thick):
            if hz:
                ops.append(box(0, g0, g1, pos, pos + th, s, s + ln))
            else:
                ops.append(box(0, g0, g1, s, s + ln, pos, pos + th))
        rooms = rng.integers(0, [depth, width, 10, 10], (n // 2, 4))  # chambers on the galleries
        for y, x, ry, rx in rooms:
            ops.append(box(0, g0, g1, y, y + 6 + ry, x, x + 6 + rx))
    for y0, x0, y1, x1 in breaches:
        ops.append(box(0, z0, z1, y0, y1, x0, x1))
    rng = stream(seed, Stage.GATES, cell)
    n = max(1, int(rng.poisson(config.strata.gates)))
    tries = 12  # candidates drawn in a fixed number, the first n that fit are built
    size = rng.integers(5, 10, tries)
    gy = rng.integers(8, max(depth - 18, 9), tries)
    gx = rng.integers(8, max(width - 18, 9), tries)
    holes = np.stack([gy, gx, gy + size, gx + size], axis=1)
    # when no drawn place is free (small footprints), fall back to a scan of every place
    gy, gx = np.meshgrid(np.arange(4, max(depth - 9, 5), 3), np.arange(4, max(width - 9, 5), 3), indexing="ij")
    scan = np.stack([gy.ravel(), gx.ravel(), gy.ravel() + 5, gx.ravel() + 5], axis=1)
    scan = scan[rng.permutation(len(scan))]
    holes = np.concatenate([holes, scan])
    holes = holes[~overlaps(holes, breaches, margin=3) & ~overlaps(holes, pillars, margin=2)]
    chosen: list[np.ndarray] = []
    for hole in holes:  # gates never share a frame: one would cut the other's ladder
        if len(chosen) == n:
            break
        if not overlaps(hole, np.array(chosen).reshape(-1, 4), margin=3)[0]:
            chosen.append(hole)
    holes = np.array(chosen, dtype=np.int64).reshape(-1, 4)
    for y0, x0, y1, x1 in holes:
        ops.append(box(M.GATE, z0, z1, y0 - 1, y1 + 1, x0 - 1, x1 + 1))
        ops.append(box(0, z0, z1, y0, y1, x0, x1))
        # a ladder up the inner face, from the floor of the level below to the level above
        ops.append(box(M.LADDER, z0 - h + 1, z1 + 1, y0, y0 + 1, x0 + 1, x0 + 3))
    return ops, holes
