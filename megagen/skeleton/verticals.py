"""Structures hundreds of levels tall: towers, megashafts and great pillars.

Each is a *structure start* on a coarse hashed grid keyed by ``(era, cell)``: an era
is ``span_max`` levels, a start falls inside its era and may reach into the next.
A block asks every start that could reach it and rasterizes the part it touches.
"""
from __future__ import annotations

from typing import NamedTuple

from ..config import CityConfig
from ..materials import Material as M
from ..rng import Stage, stream
from ..world import Area
from .ops import Op, box, ring
from .strata import level_strata


class Vertical(NamedTuple):
    kind: str          # "tower", "megashaft", "great_pillar"
    bottom: int        # first level (inclusive)
    top: int           # last level (exclusive)
    rect: tuple        # y0, x0, y1, x1 outer footprint
    wall: int          # casing thickness (0 for a solid pillar)
    ops: list[Op]


def _starts(seed, config: CityConfig, stage: Stage, spacing: int, chance: float, lo: int, hi: int,
            area: Area):
    """Yield ``(rng, bottom, top, cy, cx)`` for every start whose span meets ``[lo, hi)``
    and whose cell (absolute, one cell of margin) meets ``area``."""
    v = config.verticals
    era = v.span_max
    first_era = (lo - 2 * era) // era + 1
    last_era = (hi - 1) // era
    cy_range = range(area.y0 // spacing - 1, -(-(area.y0 + area.depth) // spacing) + 1)
    cx_range = range(area.x0 // spacing - 1, -(-(area.x0 + area.width) // spacing) + 1)
    for e in range(first_era, last_era + 1):
        for iy in cy_range:
            for ix in cx_range:
                rng = stream(seed, stage, e, iy, ix)
                if rng.random() >= chance:
                    continue
                sampled = e * era + int(rng.integers(0, era))
                span = int(rng.integers(v.span_min, v.span_max + 1))
                _, _, spans = level_strata(seed, config.strata, sampled, sampled + 1)
                bottom = max(b for b, _ in spans.values() if b <= sampled)
                top = bottom + span
                if top <= lo or bottom >= hi:
                    continue
                margin = spacing // 5
                cy = iy * spacing + int(rng.integers(margin, spacing - margin))
                cx = ix * spacing + int(rng.integers(margin, spacing - margin))
                yield rng, bottom, top, cy, cx


def _tower(rng, bottom, top, cy, cx, config: CityConfig) -> Vertical:
    v, h = config.verticals, config.level_height
    sy = int(rng.integers(v.tower_width_min, v.tower_width_max + 1))
    sx = int(rng.integers(v.tower_width_min, v.tower_width_max + 1))
    y0, x0 = cy - sy // 2, cx - sx // 2
    y1, x1 = y0 + sy, x0 + sx
    z0, z1 = bottom * h, top * h
    ops = ring(M.TOWER, z0, z1, y0, y1, x0, x1, t=2)
    ops.append(box(M.TOWER, z0, z1, y0 + 2, y1 - 2, x0 + 2, x1 - 2, zstep=h))  # a floor every level
    # window bands every other level, slots through each face, mullions between them
    faces = [(y0 + 3, y1 - 3, x0, x0 + 2), (y0 + 3, y1 - 3, x1 - 2, x1),
             (y0, y0 + 2, x0 + 3, x1 - 3), (y1 - 2, y1, x0 + 3, x1 - 3)]
    for dz in range(2, h - 2):
        ops.extend(box(0, z0 + dz, z1, fy0, fy1, fx0, fx1, zstep=h * 2) for fy0, fy1, fx0, fx1 in faces)
    period = int(rng.integers(3, 6))
    for k in range(y0 + 4, y1 - 4, period):
        ops.append(box(M.TOWER, z0, z1, k, k + 1, x0, x0 + 2))
        ops.append(box(M.TOWER, z0, z1, k, k + 1, x1 - 2, x1))
    for k in range(x0 + 4, x1 - 4, period):
        ops.append(box(M.TOWER, z0, z1, y0, y0 + 2, k, k + 1))
        ops.append(box(M.TOWER, z0, z1, y1 - 2, y1, k, k + 1))
    ops.append(box(M.TOWER, z1 - h, z1, y0, y1, x0, x1))  # roof
    return Vertical("tower", bottom, top, (y0, x0, y1, x1), 2, ops)


def _megashaft(rng, bottom, top, cy, cx, config: CityConfig) -> Vertical:
    v, h = config.verticals, config.level_height
    s = v.shaft_width + int(rng.integers(0, v.shaft_width // 2 + 1))
    y0, x0 = cy - s // 2, cx - s // 2
    y1, x1 = y0 + s, x0 + s
    z0, z1 = bottom * h, top * h
    ops = ring(M.SHAFT, z0, z1, y0, y1, x0, x1, t=2)
    # doorways on one face every few levels, so the shaft is a way up and down
    face = int(rng.integers(0, 4))
    ym, xm = (y0 + y1) // 2, (x0 + x1) // 2  # a door sits mid-way along its wall
    every = int(rng.integers(2, 6)) * h
    for dz in range(1, 5):
        if face == 0:
            ops.append(box(0, z0 + dz, z1, y0, y0 + 2, xm - 1, xm + 2, zstep=every))
        elif face == 1:
            ops.append(box(0, z0 + dz, z1, y1 - 2, y1, xm - 1, xm + 2, zstep=every))
        elif face == 2:
            ops.append(box(0, z0 + dz, z1, ym - 1, ym + 2, x0, x0 + 2, zstep=every))
        else:
            ops.append(box(0, z0 + dz, z1, ym - 1, ym + 2, x1 - 2, x1, zstep=every))
    # a ladder up the inner face of a y wall, away from the doors
    ops.append(box(M.LADDER, z0 + 1, z1, y0 + 2, y0 + 3, xm, xm + 1) if face == 1
               else box(M.LADDER, z0 + 1, z1, y1 - 3, y1 - 2, xm, xm + 1))
    return Vertical("megashaft", bottom, top, (y0, x0, y1, x1), 2, ops)


def _great_pillar(rng, bottom, top, cy, cx, config: CityConfig) -> Vertical:
    s = config.pillars.great_width + int(rng.integers(0, 4))
    y0, x0 = cy - s // 2, cx - s // 2
    h = config.level_height
    ops = [box(M.PILLAR, bottom * h, top * h, y0, y0 + s, x0, x0 + s)]
    # the anchor rect is exactly the solid: floors may only lean on what is there
    if rng.random() < 0.6:  # a riser of conduits up one face
        ops.append(box(M.CONDUIT, bottom * h, top * h, y0, y0 + s, x0 + s, x0 + s + 1))
        return Vertical("great_pillar", bottom, top, (y0, x0, y0 + s, x0 + s + 1), 0, ops)
    return Vertical("great_pillar", bottom, top, (y0, x0, y0 + s, x0 + s), 0, ops)


def verticals(seed: int, config: CityConfig, lo: int, hi: int, area: Area) -> list[Vertical]:
    """Every tall structure meeting levels ``[lo, hi)``, clipped to nothing (ops are absolute)."""
    v, p = config.verticals, config.pillars
    kinds = [
        (Stage.TOWERS, v.tower_spacing, v.tower_chance, _tower),
        (Stage.MEGASHAFTS, v.shaft_spacing, v.shaft_chance, _megashaft),
        (Stage.GREAT_PILLARS, p.great_spacing, p.great_chance, _great_pillar),
    ]
    out = []
    for stage, spacing, chance, make in kinds:
        for rng, bottom, top, cy, cx in _starts(seed, config, stage, spacing, chance, lo, hi, area):
            out.append(make(rng, bottom, top, cy, cx, config))
    return out
