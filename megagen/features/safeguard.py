"""The Safeguard: watchtowers, their detection fields, exterminator nests.

Watchtowers stand on plate tops (the floor of a stratum's first open level) and rise
a few levels as a slender shaft through the City to a sensor head. They are decided
per stratum from ``stream(seed, Stage.SAFEGUARD, stratum)``: a pure function of
(seed, config, stratum, footprint), written as absolute box ops, so a tower is the
same in every block it crosses.

Detection field. A sensor looks horizontally across its own level at eye height
(``eye_height(H)`` voxels above the floor): a cell is *watched* when it lies within
``radius`` of the sensor and the straight ray from the eye to it meets no solid voxel
of that plane. The floor slabs of the level and the one above bound the view. So the
field of level ``L`` is a pure function of level ``L``'s voxels and the tower plan,
identical whichever block (or halo) holds that level. Rays are marched for all the
sensors of a block at once: an ``(sensors, angles, steps)`` gather and a cumulative
"blocked" along the steps. In the village preset the shield hides the enclave: its
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
from .sites import avoid_rects, stratum_span, strata_touching
from .village import enclave


def eye_height(h: int) -> int:
    """Height of a sensor's eye above its level's floor."""
    return h // 2 + 1


class Towers:
    """Towers of one stratum: struct of arrays ``y, x`` (shaft corner), ``head`` level, nests."""

    def __init__(self, y, x, head, nests, ops):
        self.y, self.x, self.head = (np.asarray(a, dtype=np.int64) for a in (y, x, head))
        self.nests = np.asarray(nests, dtype=np.int64).reshape(-1, 4)  # (level, y, x, size)
        self.ops = ops


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


@lru_cache(maxsize=256)
def stratum_towers(seed: int, config: CityConfig, stratum: int, depth: int, width: int) -> Towers:
    """Every watchtower (and nest) standing on the plate top of ``stratum``."""
    h = config.level_height
    first, stop = stratum_span(seed, config, stratum)
    avoid = avoid_rects(seed, config, stratum, depth, width)
    e = enclave(seed, config, depth, width)
    ys, xs, heads, nests, ops = [], [], [], [], []
    if e is not None and e.stratum == stratum:
        ey0, ex0, ey1, ex1 = e.rect
        avoid = np.concatenate([avoid, [[ey0 - 8, ex0 - 8, ey1 + 8, ex1 + 8]]])
        for y, x, head in e.towers:
            ys.append(y), xs.append(x), heads.append(head)
    cfg = config.features.safeguard
    rng = stream(seed, Stage.SAFEGUARD, stratum)
    if cfg.enabled and depth >= 16 and width >= 16:
        count = int(rng.poisson(cfg.density * depth * width / 10_000))
        y = rng.integers(4, depth - 6, count)
        x = rng.integers(4, width - 6, count)
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
            if 0 <= ny and ny + s <= depth and 0 <= nx and nx + s <= width and not overlaps(rect, avoid)[0]:
                nests.append((first, ny, nx, s))
                ops += _nest_ops(first, ny, nx, s, h)
    return Towers(ys, xs, heads, nests, tuple(ops))


def towers_in(seed: int, config: CityConfig, lo: int, hi: int, depth: int, width: int) -> list[Towers]:
    return [stratum_towers(seed, config, s, depth, width) for s in strata_touching(seed, config, lo, hi)]


def active(config: CityConfig) -> bool:
    v = config.features.village
    return config.features.safeguard.enabled or (v.enabled and v.watchtowers > 0)


def apply(vox: np.ndarray, z_origin: int, depth: int, width: int, config: CityConfig, seed: int) -> None:
    """Write the towers and nests reaching ``vox`` (``(z, y, x)``, in place, first plane ``z_origin``)."""
    if not active(config):
        return
    h = config.level_height
    lo, hi = z_origin // h, -(-(z_origin + vox.shape[0]) // h)
    for t in towers_in(seed, config, lo, hi, depth, width):
        apply_ops(vox, list(t.ops), z_origin)


def _shield_mask(seed: int, config: CityConfig, level: int, depth: int, width: int) -> np.ndarray | None:
    e = enclave(seed, config, depth, width)
    if e is None or not e.span[0] <= level < e.span[1]:
        return None
    mask = np.zeros((depth, width), dtype=bool)
    y0, x0, y1, x1 = e.rect
    mask[max(y0, 0):y1, max(x0, 0):x1] = True
    return mask


def field(vox: np.ndarray, first_level: int, config: CityConfig, seed: int) -> tuple[np.ndarray, list]:
    """Detection field of the levels of ``vox`` (``(z, y, x)``, whole levels from ``first_level``).

    Returns ``(watched, heads)``: ``watched`` bool ``(n_levels, y, x)``; ``heads`` is a
    list of ``(level, y, x)`` sensor eyes in these levels.
    """
    h = config.level_height
    n, depth, width = vox.shape[0] // h, vox.shape[1], vox.shape[2]
    watched = np.zeros((n, depth, width), dtype=bool)
    if not active(config):
        return watched, []
    heads = []
    for t in towers_in(seed, config, first_level, first_level + n, depth, width):
        sel = (t.head >= first_level) & (t.head < first_level + n)
        heads += [(int(l), int(y) + 1, int(x) + 1) for l, y, x in zip(t.head[sel], t.y[sel], t.x[sel])]
    if not heads:
        return watched, heads
    r = config.features.safeguard.radius
    eye = eye_height(h)
    hl, hy, hx = (np.array(a) for a in zip(*heads))
    i = hl - first_level
    opaque = SOLID[vox[eye::h]]  # (n, d, w): the eye-height plane of every level
    for lv in np.unique(hl):
        mask = _shield_mask(seed, config, int(lv), depth, width)
        if mask is not None:
            opaque[lv - first_level] |= mask
    watched = line_of_sight(opaque, i, hy, hx, r)
    for lv in np.unique(hl):
        mask = _shield_mask(seed, config, int(lv), depth, width)
        if mask is not None:
            watched[lv - first_level] &= ~mask
    return watched, heads


def line_of_sight(opaque: np.ndarray, plane, ey, ex, radius: int) -> np.ndarray:
    """Cells seen from eyes over opaque planes: bool ``(n, y, x)`` like ``opaque``.

    ``opaque`` bool ``(n, y, x)``; eye ``k`` sits on plane ``plane[k]`` at the corner
    point ``(ey[k], ex[k])`` (between four cells). Rays are cast every ~1/3 voxel of
    arc at the rim and marched one voxel per step from 3 to ``radius``; a ray stops at
    the first opaque cell or the footprint's edge (the blocker itself is not seen).
    All eyes, angles and steps are one ``(eyes, angles, steps)`` gather.
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
