"""City-wide structures, decided on hashed coarse grids, gathered for one run of levels.

``frame(seed, config, lo, hi, area)`` returns what the builders need to know about
levels ``[lo, hi)`` over an area of whole tiles (which levels are plate, where the
anchors and voids are) and the ordered box writes (absolute coordinates) that
rasterize every structure reaching them.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import CityConfig
from ..materials import Material as M
from ..raster import stamp_rects
from .chasms import Chasm, stratum_chasms
from .ops import Op, box, overlaps
from .pillars import stratum_pillars
from .plates import plate_ops
from .shafts import MAX_SPAN, level_shafts
from .strata import level_strata, plate_start, plates_between
from ..world import Area
from .verticals import verticals


@dataclass
class Frame:
    """Skeleton facts for levels ``[lo, hi)`` over ``area``; 2D arrays are
    ``(n_levels, area.depth, area.width)`` relative to the area's corner."""

    lo: int
    hi: int
    area: Area
    is_plate: np.ndarray     # (n,) bool
    stratum: np.ndarray      # (n,) stratum id
    spans: dict              # stratum -> (first open level, plate above start)
    pillars: dict            # stratum -> {(ty, tx): (k, 4) absolute rects}
    anchors: np.ndarray      # solid verticals crossing each level: floors must reach one
    blocked: np.ndarray      # no level content here (chasms, interiors, gate mouths)
    chasm: np.ndarray        # open voids that bridges may cross
    chasm_rects: list        # (level_index, y0, x0, y1, x1, ty, tx): main rect (local) and home tile
    ops: list[Op]            # ordered absolute box writes, applied after level content


class _Rects:
    """Collects ``(level_index, y0, x0, y1, x1)`` rows (absolute) for one stamp."""

    def __init__(self):
        self.rows = []

    def add(self, lo, hi, frame_lo, frame_hi, rect):
        a, b = max(lo, frame_lo), min(hi, frame_hi)
        if a < b:
            y0, x0, y1, x1 = (int(v) for v in rect)
            self.rows.extend((lv - frame_lo, y0, x0, y1, x1) for lv in range(a, b))

    def stamp(self, shape, area: Area):
        if not self.rows:
            return np.zeros(shape, dtype=bool)
        r = np.array(self.rows, dtype=np.int64)
        return stamp_rects(shape, r[:, 0], r[:, 1] - area.y0, r[:, 2] - area.x0, r[:, 3] - area.y0, r[:, 4] - area.x0)


def _all(per_tile: dict) -> np.ndarray:
    arrays = list(per_tile.values())
    return np.concatenate(arrays) if arrays else np.zeros((0, 4), dtype=np.int64)


def keep_pillars(found: np.ndarray, breaches: np.ndarray, talls: list, first: int, stop: int) -> np.ndarray:
    """The pillars the skeleton builds: none over a breach in the plate they stand on
    (they would hang), none inside a tower or megashaft spanning any of ``[first, stop)``."""
    inside = np.array([v.rect for v in talls if v.wall and v.bottom < stop and v.top > first],
                      dtype=np.int64).reshape(-1, 4)
    return found[~overlaps(found, breaches, 2) & ~overlaps(found, inside, 1)]


def tile_pillars(seed: int, config: CityConfig, stratum: int, ty: int, tx: int) -> np.ndarray:
    """The built pillars of ``stratum`` in tile ``(ty, tx)`` (absolute rects), as
    :func:`frame` builds them; for features that must agree with the skeleton."""
    size, t = config.tile, config.strata.thickness
    first = plate_start(seed, config.strata, stratum) + t
    stop = plate_start(seed, config.strata, stratum + 1)
    area = Area(ty * size, tx * size, size, size, size)
    found = stratum_pillars(seed, config.pillars, stratum, ty, tx, size)
    talls = verticals(seed, config, first, stop, area)
    return keep_pillars(found, tile_breaches(seed, config, stratum, ty, tx), talls, first, stop)


def tile_breaches(seed: int, config: CityConfig, stratum: int, ty: int, tx: int) -> np.ndarray:
    """Breaches in the plate under ``stratum`` that may reach tile ``(ty, tx)``."""
    size, t = config.tile, config.strata.thickness
    span = (plate_start(seed, config.strata, stratum) + t, plate_start(seed, config.strata, stratum + 1))
    found = [c.rects[0] for dy in (-1, 0, 1) for dx in (-1, 0, 1)
             for c in stratum_chasms(seed, config.chasms, stratum, span, span[0] - t, ty + dy, tx + dx, size)
             if c.pierces]
    return np.array(found, dtype=np.int64).reshape(-1, 4)


def tile_gates(seed: int, config: CityConfig, cell: int, ty: int, tx: int) -> np.ndarray:
    """The gate holes of plate ``cell`` in tile ``(ty, tx)``, as :func:`frame` decides them."""
    size, t = config.tile, config.strata.thickness
    start = plate_start(seed, config.strata, cell)
    area = Area(ty * size, tx * size, size, size, size)
    talls = verticals(seed, config, start - MAX_SPAN - config.strata.period, start + t + config.strata.period, area)
    crossing = np.array([v.rect for v in talls if v.bottom <= start + t and v.top >= start],
                        dtype=np.int64).reshape(-1, 4)
    near = np.concatenate([tile_pillars(seed, config, cell - 1, ty, tx), tile_pillars(seed, config, cell, ty, tx)])
    _, holes = plate_ops(seed, config, start, cell, area, tile_breaches(seed, config, cell, ty, tx), crossing, near)
    return holes


def frame(seed: int, config: CityConfig, lo: int, hi: int, area: Area) -> Frame:
    h, t, size = config.level_height, config.strata.thickness, area.tile
    shape = (hi - lo, area.depth, area.width)
    # strata one period beyond each end, so breaches and gates of neighbours are known
    margin = config.strata.period
    is_plate, stratum, spans = level_strata(seed, config.strata, lo - MAX_SPAN - margin, hi + margin)
    is_plate = is_plate[MAX_SPAN + margin:MAX_SPAN + margin + hi - lo]
    stratum = stratum[MAX_SPAN + margin:MAX_SPAN + margin + hi - lo]
    anchors, blocked, chasm = _Rects(), _Rects(), _Rects()
    chasm_rects = []
    ops: list[Op] = []
    tiles = area.tiles()
    near_tiles = area.tiles(margin=1)  # chasms reach into neighbouring tiles

    chasms = {s: [(c, ty, tx) for ty, tx in near_tiles
                  for c in stratum_chasms(seed, config.chasms, s, span, span[0] - t, ty, tx, size)]
              for s, span in spans.items()}
    no_rect = np.zeros((0, 4), dtype=np.int64)
    breaches = {s: np.array([c.rects[0] for c, _, _ in cs if c.pierces], dtype=np.int64).reshape(-1, 4)
                for s, cs in chasms.items()}
    talls = verticals(seed, config, lo - margin - MAX_SPAN, hi + margin, area)
    # a pillar over a breach in the plate it stands on would hang, and one inside a tower
    # or megashaft would be hollowed out: neither is built
    pillars = {}
    for s, (first, stop) in spans.items():
        pillars[s] = {(ty, tx): keep_pillars(stratum_pillars(seed, config.pillars, s, ty, tx, size),
                                             breaches.get(s, no_rect), talls, first, stop)
                      for ty, tx in tiles}
    gates = {}
    for cell, start in plates_between(seed, config.strata, lo - MAX_SPAN - margin, hi + margin):
        crossing = np.array([v.rect for v in talls if v.bottom <= start + t and v.top >= start],
                            dtype=np.int64).reshape(-1, 4)
        near = np.concatenate([_all(pillars.get(cell - 1, {})), _all(pillars.get(cell, {}))])
        plate, holes = plate_ops(seed, config, start, cell, area, breaches.get(cell, no_rect), crossing, near)
        gates[cell] = holes
        if start + t + 1 > lo and start - 1 < hi:  # the plate or its gates' ladders reach these levels
            ops.extend(plate)
        for rect in holes:
            blocked.add(start + t, start + t + 1, lo, hi, rect)

    for s, (first, stop) in spans.items():
        for c, ty, tx in chasms[s]:  # a piercing chasm reaches below its stratum: add it always
            _add_chasm(c, ty, tx, lo, hi, area, blocked, chasm, chasm_rects)
        if stop <= lo or first >= hi:
            continue
        for rect in _all(pillars[s]):
            y0, x0, y1, x1 = (int(v) for v in rect)
            ops.append(box(M.PILLAR, first * h, stop * h, y0, y1, x0, x1))
            anchors.add(first, stop, lo, hi, rect)

    for v in talls:
        if v.top <= lo or v.bottom >= hi:
            continue
        ops.extend(v.ops)
        y0, x0, y1, x1 = v.rect
        anchors.add(v.bottom, v.top, lo, hi, v.rect)
        if v.wall:
            blocked.add(v.bottom, v.top, lo, hi, (y0 + v.wall, x0 + v.wall, y1 - v.wall, x1 - v.wall))

    for level in range(lo - MAX_SPAN, hi):
        i = level - lo
        s = int(stratum[i]) if i >= 0 else None
        if s is None:
            _, strat, _ = level_strata(seed, config.strata, level, level + 1)
            s = int(strat[0])
        first, stop = spans.get(s, (None, None))
        if first is None or level < first:
            continue
        for ty, tx in tiles:
            for shaft in level_shafts(seed, config, level, ty, tx, size, pillars[s][(ty, tx)], stop):
                if shaft.top <= lo:
                    continue
                # a shaft gives way to towers and to the gate (and its ladder) in the plate above
                keep_out = [v.rect for v in talls if v.bottom < shaft.top and v.top > shaft.bottom]
                keep_out = np.concatenate([np.array(keep_out, dtype=np.int64).reshape(-1, 4),
                                           gates.get(s + 1, no_rect)])
                if overlaps(np.array(shaft.rect), keep_out, 2)[0]:
                    continue
                ops.extend(shaft.ops)
                y0, x0, y1, x1 = shaft.rect
                anchors.add(shaft.bottom, shaft.top, lo, hi, shaft.rect)
                blocked.add(shaft.bottom, shaft.top, lo, hi, (y0 + 1, x0 + 1, y1 - 1, x1 - 1))

    return Frame(lo, hi, area, is_plate, stratum, spans, pillars, anchors.stamp(shape, area),
                 blocked.stamp(shape, area), chasm.stamp(shape, area), chasm_rects, ops)


def _add_chasm(c: Chasm, ty, tx, lo, hi, area, blocked, chasm, chasm_rects):
    for rect in c.rects:
        blocked.add(c.bottom, c.top, lo, hi, rect)
        chasm.add(c.bottom, c.top, lo, hi, rect)
    y0, x0, y1, x1 = (int(v) for v in c.rects[0])
    home = (ty, tx) in set(area.tiles())
    for lv in range(max(c.bottom, lo), min(c.top, hi)):
        if home:
            chasm_rects.append((lv - lo, y0 - area.y0, x0 - area.x0, y1 - area.y0, x1 - area.x0, ty, tx))
