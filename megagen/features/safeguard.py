"""The Safeguard: watchtowers, their detection fields, exterminator nests.

Watchtowers stand on plate tops (the floor of a stratum's first open level) and rise
a few levels as a slender shaft through the City to a sensor head. They are decided
per stratum and tile from ``stream(seed, Stage.SAFEGUARD, stratum, ty, tx)``: a pure
function of (seed, config, stratum, tile), wholly inside the tile, written as absolute
box ops, so a tower is the same in every block and window it crosses.

Detection field. A sensor looks horizontally across its own level at eye height
(``eye_height(H)`` voxels above the floor): a cell is *watched* when it lies within
``radius`` of the sensor and the straight ray from the eye to it meets no solid voxel
of that plane, nor leaves the sensor's own tile (tiles are Safeguard sectors). The
floor slabs of the level and the one above bound the view. So the field of level
``L`` in a tile is a pure function of that tile's level ``L`` voxels and its tower
plan, identical whichever block, halo or tile-holding window computes it. Rays are
marched for all the sensors of a block at once: an ``(sensors, angles, steps)`` gather
and a cumulative "blocked" along the steps. In the village preset the shield hides the enclave: its
footprint is opaque to every ray and never watched.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..config import CityConfig
from ..materials import SOLID, STANDABLE
from ..materials import Material as M
from ..rng import Stage, stream
from ..skeleton.ops import Op, apply_ops, box, overlaps
from ..world import Box
from .sites import avoid_rects, stratum_span, strata_touching, tile_rect, window_tiles
from .village import HOME, enclave


def eye_height(h: int) -> int:
    """Height of a sensor's eye above its level's floor."""
    return h // 2 + 1


class Towers:
    """Towers of one (stratum, tile): struct of arrays ``y, x`` (absolute shaft corner),
    ``head`` level, nests ``(level, y, x, size)``."""

    def __init__(self, y, x, head, nests, ops, tile=(0, 0)):
        self.y, self.x, self.head = (np.asarray(a, dtype=np.int64) for a in (y, x, head))
        self.nests = np.asarray(nests, dtype=np.int64).reshape(-1, 4)  # (level, y, x, size)
        self.ops = ops
        self.tile = tile  # (ty, tx): the Safeguard sector they watch


def _tower_ops(y: int, x: int, base: int, head: int, h: int) -> list[Op]:
    """A 2x2 shaft from the floor of ``base`` to a 4x4 sensor head at eye height of ``head``."""
    e = head * h + eye_height(h)
    return [box(M.WATCHTOWER, base * h, e - 1, y, y + 2, x, x + 2),
            box(M.WATCHTOWER, e - 2, e - 1, y - 1, y + 3, x - 1, x + 3),   # collar
            box(M.SENSOR, e - 1, e + 2, y - 1, y + 3, x - 1, x + 3)]


def _nest_ops(level: int, y: int, x: int, s: int, h: int) -> list[Op]:
    """A closed hive on the plate top: a shell of NEST, hollow, with a glowing slit."""
    z = level * h
    return [box(M.NEST, z, z + 4, y, y + s, x, x + s),
            box(0, z + 1, z + 3, y + 1, y + s - 1, x + 1, x + s - 1)]


@lru_cache(maxsize=1024)
def stratum_towers(seed: int, config: CityConfig, stratum: int, ty: int, tx: int) -> Towers:
    """Every watchtower (and nest) standing on the plate top of ``stratum`` in tile
    ``(ty, tx)``: a pure function of (seed, config, stratum, tile), wholly inside the tile."""
    h, size = config.level_height, config.tile
    oy, ox, oy1, ox1 = tile_rect(config, ty, tx)
    first, stop = stratum_span(seed, config, stratum)
    avoid = avoid_rects(seed, config, stratum, ty, tx)
    e = enclave(seed, config)
    ys, xs, heads, nests, ops = [], [], [], [], []
    if e is not None and e.stratum == stratum and (ty, tx) == HOME:
        ey0, ex0, ey1, ex1 = e.rect
        avoid = np.concatenate([avoid, [[ey0 - 8, ex0 - 8, ey1 + 8, ex1 + 8]]])
        for y, x, head in e.towers:
            ys.append(y), xs.append(x), heads.append(head)
    cfg = config.features.safeguard
    rng = stream(seed, Stage.SAFEGUARD, stratum, ty, tx)
    if cfg.enabled:
        count = int(rng.poisson(cfg.density * size * size / 10_000))
        y = oy + rng.integers(4, size - 6, count)
        x = ox + rng.integers(4, size - 6, count)
        top = max(stop - first - 2, 0)
        lo_h, hi_h = min(cfg.height_min, top), min(cfg.height_max, top)
        head = first + rng.integers(lo_h, hi_h + 1, count)
        ok = ~overlaps(np.stack([y - 3, x - 3, y + 5, x + 5], axis=1), avoid)
        ys += [int(v) for v in y[ok]]
        xs += [int(v) for v in x[ok]]
        heads += [int(v) for v in head[ok]]
    n_nests = rng.poisson(cfg.nests, len(ys))
    for i, (y, x, head) in enumerate(zip(ys, xs, heads)):
        ops += _tower_ops(y, x, first, head, h)
        for _ in range(int(n_nests[i])):
            s = int(rng.integers(5, 8))
            dy, dx = int(rng.integers(4, 9)), int(rng.integers(4, 9))
            ny = y - dy - s if rng.random() < 0.5 else y + 2 + dy
            nx = x - dx - s if rng.random() < 0.5 else x + 2 + dx
            rect = np.array([ny, nx, ny + s, nx + s])
            if oy < ny and ny + s < oy1 and ox < nx and nx + s < ox1 and not overlaps(rect, avoid)[0]:
                nests.append((first, ny, nx, s))
                ops += _nest_ops(first, ny, nx, s, h)
    return Towers(ys, xs, heads, nests, tuple(ops), (ty, tx))


def towers_in(seed: int, config: CityConfig, lo: int, hi: int, depth: int, width: int,
              x0: int = 0, y0: int = 0) -> list[Towers]:
    """Towers of every (stratum, tile) reaching levels ``[lo, hi)`` and the window
    ``depth x width`` at ``(x0, y0)``: the whole tiles it touches (some of their towers
    may stand outside the window)."""
    if not active(config):
        return []
    return [stratum_towers(seed, config, s, ty, tx) for s in strata_touching(seed, config, lo, hi)
            for ty, tx in window_tiles(config, depth, width, x0, y0)]


def active(config: CityConfig) -> bool:
    v = config.features.village
    return config.features.safeguard.enabled or (v.enabled and v.watchtowers > 0)


def apply(vox: np.ndarray, window: Box, config: CityConfig, seed: int) -> None:
    """Write the towers and nests reaching ``vox`` (the ``(z, y, x)`` voxels of ``window``, in place)."""
    if not active(config):
        return
    h = config.level_height
    z_origin = window.start * h
    lo, hi = z_origin // h, -(-(z_origin + vox.shape[0]) // h)
    for t in towers_in(seed, config, lo, hi, window.depth, window.width, window.x0, window.y0):
        apply_ops(vox, list(t.ops), z_origin, window.y0, window.x0)


def _shield_rect(seed: int, config: CityConfig, level: int):
    e = enclave(seed, config)
    if e is None or not e.span[0] <= level < e.span[1]:
        return None
    return e.rect


def field(vox: np.ndarray, first_level: int, config: CityConfig, seed: int,
          x0: int = 0, y0: int = 0) -> tuple[np.ndarray, list]:
    """Detection field of the levels of ``vox`` (``(z, y, x)``, whole levels from
    ``first_level``, window corner at absolute ``(x0, y0)``).

    Returns ``(watched, heads)``: ``watched`` bool ``(n_levels, y, x)``; ``heads`` is a
    list of ``(level, y, x)`` sensor eyes in these levels, in window coordinates (only
    those inside the window).

    A sensor sees only inside its own tile (tiles are Safeguard sectors), so the field
    of a tile is a pure function of that tile's voxels and plan: exact in any window
    that holds the whole tile (windows made of whole tiles are exact everywhere). In a
    window that cuts a tile, rays stop at the window's edge and sensors outside the
    window are not looked through: cells near the cut may be missed (an approximation;
    the voxels outside are simply not known here).
    """
    h = config.level_height
    n, depth, width = vox.shape[0] // h, vox.shape[1], vox.shape[2]
    watched = np.zeros((n, depth, width), dtype=bool)
    if not active(config):
        return watched, []
    eyes = []  # (level, y, x, tile y0, tile x0, tile y1, tile x1), window coordinates
    for t in towers_in(seed, config, first_level, first_level + n, depth, width, x0, y0):
        ty0, tx0, ty1, tx1 = tile_rect(config, *t.tile)
        sel = ((t.head >= first_level) & (t.head < first_level + n) & (t.y + 1 >= y0) & (t.y + 1 < y0 + depth)
               & (t.x + 1 >= x0) & (t.x + 1 < x0 + width))
        eyes += [(int(l), int(y) + 1 - y0, int(x) + 1 - x0, ty0 - y0, tx0 - x0, ty1 - y0, tx1 - x0)
                 for l, y, x in zip(t.head[sel], t.y[sel], t.x[sel])]
    heads = [e[:3] for e in eyes]
    if not eyes:
        return watched, heads
    r = config.features.safeguard.radius
    eye = eye_height(h)
    hl, hy, hx, by0, bx0, by1, bx1 = (np.array(a) for a in zip(*eyes))
    opaque = SOLID[vox[eye::h]]  # (n, d, w): the eye-height plane of every level
    shields = {}
    for lv in np.unique(hl):
        rect = _shield_rect(seed, config, int(lv))
        if rect is not None:
            a, b, c, d = rect
            shields[int(lv)] = (slice(max(a - y0, 0), max(c - y0, 0)), slice(max(b - x0, 0), max(d - x0, 0)))
            opaque[lv - first_level][shields[int(lv)]] = True
    watched = line_of_sight(opaque, hl - first_level, hy, hx, r, np.stack([by0, bx0, by1, bx1], axis=1))
    for lv, (sy, sx) in shields.items():
        watched[lv - first_level][sy, sx] = False
    return watched, heads


def line_of_sight(opaque: np.ndarray, plane, ey, ex, radius: int, bounds=None) -> np.ndarray:
    """Cells seen from eyes over opaque planes: bool ``(n, y, x)`` like ``opaque``.

    ``opaque`` bool ``(n, y, x)``; eye ``k`` sits on plane ``plane[k]`` at the corner
    point ``(ey[k], ex[k])`` (between four cells). Rays are cast every ~1/3 voxel of
    arc at the rim and marched one voxel per step from 3 to ``radius``; a ray stops at
    the first opaque cell or the edge of the planes (the blocker itself is not seen) or,
    when ``bounds`` (``(eyes, 4)`` rows ``y0, x0, y1, x1``, half-open) is given, at the
    edge of eye ``k``'s own rectangle (its tile). All eyes, angles and steps are one
    ``(eyes, angles, steps)`` gather.
    """
    n, depth, width = opaque.shape
    watched = np.zeros(opaque.shape, dtype=bool)
    plane, ey, ex = (np.atleast_1d(np.asarray(a, dtype=np.int64)) for a in (plane, ey, ex))
    if plane.size == 0:
        return watched
    n_ang = int(np.ceil(3 * np.pi * radius))
    ang = np.arange(n_ang) * (2 * np.pi / n_ang)
    steps = np.arange(3, radius + 1, dtype=np.float64)  # start outside the sensor head
    py = np.floor(ey[:, None, None] + np.sin(ang)[None, :, None] * steps).astype(np.int64)
    px = np.floor(ex[:, None, None] + np.cos(ang)[None, :, None] * steps).astype(np.int64)
    inside = (py >= 0) & (py < depth) & (px >= 0) & (px < width)
    if bounds is not None:
        b = np.asarray(bounds, dtype=np.int64).reshape(-1, 4)[:, :, None, None]
        inside &= (py >= b[:, 0]) & (py < b[:, 2]) & (px >= b[:, 1]) & (px < b[:, 3])
    np.clip(py, 0, depth - 1, out=py)
    np.clip(px, 0, width - 1, out=px)
    lvl = np.broadcast_to(plane[:, None, None], py.shape)
    blocked = opaque[lvl, py, px] | ~inside
    seen = ~np.logical_or.accumulate(blocked, axis=2)
    watched[lvl[seen], py[seen], px[seen]] = True
    return watched


def standable(vox: np.ndarray, h: int) -> np.ndarray:
    """``(n_levels, y, x)``: floor voxel standable with air right above (as in the stats)."""
    n = vox.shape[0] // h
    v4 = vox.reshape(n, h, vox.shape[1], vox.shape[2])
    return STANDABLE[v4[:, 0]] & (v4[:, 1] == 0)
