"""The inside of a Megastructure plate: solid mass, maintenance galleries, rare gates.

Galleries are corridors carved into plate levels (a floor to stand on, a ceiling of
solid plate); gates are framed holes through the whole plate with a ladder, the only
ways through besides megashafts.
"""
from __future__ import annotations

import numpy as np

from ..config import CityConfig
from ..world import Area
from ..materials import Material as M
from ..rng import Stage, stream
from .ops import Op, box, overlaps


def _clip(rect, y0, x0, size):
    a, b, c, d = rect
    return max(a, y0), max(b, x0), min(c, y0 + size), min(d, x0 + size)


def galleries(seed: int, config: CityConfig, level: int, ty: int, tx: int, size: int) -> list[tuple]:
    """Absolute rects ``(y0, x0, y1, x1)`` of the galleries and chambers carved into plate
    level ``level`` in tile ``(ty, tx)``: open to the level's full height, so from above
    a plate level reads as its galleries (and the plate's top has trenches there)."""
    n = config.strata.galleries
    oy, ox = ty * size, tx * size
    rng = stream(seed, Stage.GALLERIES, level, ty, tx)
    horizontal = rng.random(n) < 0.5
    along = rng.integers(0, size, n)
    a0 = rng.integers(0, size // 2, n)
    length = rng.integers(40, 400, n)
    thick = rng.integers(3, 7, n)
    rects = []
    for hz, pos, s, ln, th in zip(horizontal, along, a0, length, thick):
        rect = (pos, s, pos + th, s + ln) if hz else (s, pos, s + ln, pos + th)
        rects.append(_clip((rect[0] + oy, rect[1] + ox, rect[2] + oy, rect[3] + ox), oy, ox, size))
    for y, x, ry, rx in rng.integers(0, [size, size, 10, 10], (n // 2, 4)):  # chambers on them
        rects.append(_clip((oy + y, ox + x, oy + y + 6 + ry, ox + x + 6 + rx), oy, ox, size))
    return [tuple(int(v) for v in r) for r in rects]


def plate_ops(seed: int, config: CityConfig, start: int, cell: int, area: Area,
              breaches: np.ndarray, avoid: np.ndarray, pillars: np.ndarray) -> tuple[list[Op], np.ndarray]:
    """Ops for the plate of ``cell`` spanning levels ``[start, start + thickness)`` over
    ``area``, and its gate holes ``(k, 4)`` (absolute y0, x0, y1, x1), which the level
    above must keep open.

    ``breaches`` (rects where chasms broke through) are cleared before the gates are
    set; a gate never opens in a breach or a tower (``avoid``), and avoids ``pillars``
    unless no other place is left (a pillar then hangs from the plate above it).
    Galleries and gates are decided per tile, so any window agrees with any other."""
    h, t, size = config.level_height, config.strata.thickness, area.tile
    z0, z1 = start * h, (start + t) * h
    ops = [box(M.PLATE, z0, z1, area.y0, area.y0 + area.depth, area.x0, area.x0 + area.width)]
    for ty, tx in area.tiles():
        for level in range(start, start + t):
            ops.extend(box(0, level * h + 1, level * h + h, y0, y1, x0, x1)
                       for y0, x0, y1, x1 in galleries(seed, config, level, ty, tx, size))
    for y0, x0, y1, x1 in breaches:
        ops.append(box(0, z0, z1, y0, y1, x0, x1))
    gates = [_tile_gates(seed, config, cell, ty, tx, size, breaches, avoid, pillars) for ty, tx in area.tiles()]
    holes = np.concatenate(gates) if gates else np.zeros((0, 4), dtype=np.int64)
    for y0, x0, y1, x1 in holes:
        ops.append(box(M.GATE, z0, z1, y0 - 1, y1 + 1, x0 - 1, x1 + 1))
        ops.append(box(0, z0, z1, y0, y1, x0, x1))
        # a ladder up the inner face, from the floor of the level below to the level above
        ops.append(box(M.LADDER, z0 - h + 1, z1 + 1, y0, y0 + 1, x0 + 1, x0 + 3))
    return ops, holes


def _tile_gates(seed, config, cell, ty, tx, size, breaches, avoid, pillars) -> np.ndarray:
    """Gate holes of one tile: a few drawn places, then a scan, the first free ones kept;
    every tile's plate gets at least one gate, so every level has a way up or down."""
    rng = stream(seed, Stage.GATES, cell, ty, tx)
    n = max(1, int(rng.poisson(config.strata.gates)))
    tries = 12
    side = rng.integers(5, 10, tries)
    gy = ty * size + rng.integers(8, size - 18, tries)
    gx = tx * size + rng.integers(8, size - 18, tries)
    holes = np.stack([gy, gx, gy + side, gx + side], axis=1)
    sy, sx = np.meshgrid(np.arange(4, size - 9, 3), np.arange(4, size - 9, 3), indexing="ij")
    scan = np.stack([sy.ravel() + ty * size, sx.ravel() + tx * size], axis=1)
    scan = np.concatenate([scan, scan + 5], axis=1)[rng.permutation(sy.size)]
    holes = np.concatenate([holes, scan])
    allowed = ~overlaps(holes, breaches, margin=3) & ~overlaps(holes, avoid, margin=2)
    clear = allowed & ~overlaps(holes, pillars, margin=2)
    holes = holes[clear] if clear.any() else holes[allowed]
    chosen: list[np.ndarray] = []
    for hole in holes:  # gates never share a frame: one would cut the other's ladder
        if len(chosen) == n:
            break
        if not overlaps(hole, np.array(chosen).reshape(-1, 4), margin=3)[0]:
            chosen.append(hole)
    return np.array(chosen, dtype=np.int64).reshape(-1, 4)
