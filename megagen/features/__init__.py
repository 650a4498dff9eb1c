"""Preset features written over the grown City: the village enclave, the Safeguard.

``FEATURES`` is the registry (a plain dict, in application order). Each entry is
``apply(vox, window, config, seed)`` writing in place into the ``(z, y, x)`` voxels of
``window`` (a :class:`~megagen.world.Box`: its levels and its corner at absolute
``(x0, y0)``); each is a pure function of (seed, config) and absolute coordinates,
decided per tile and rasterized by clipping, so blocks and windows anywhere agree.
``generate_box`` applies them over the whole tiles it grew, before cropping.

The functions below (overlay, summary, level_stats) take the window's corner as
``x0, y0`` (default 0). They are exact for windows made of whole tiles; in a window
that cuts a tile, the detection field is approximate near the cut (see
:func:`megagen.features.safeguard.field`).
"""
from __future__ import annotations

import numpy as np

from ..config import CityConfig
from ..world import Box
from . import safeguard, village

FEATURES = {
    "village": village.apply,
    "safeguard": safeguard.apply,
}


def apply_features(vox: np.ndarray, box: Box, config: CityConfig, seed: int) -> None:
    """Write every enabled feature into ``vox`` (the voxels of ``box``, in place)."""
    for apply in FEATURES.values():
        apply(vox, box, config, seed)


def _inside(ys, xs, y0: int, x0: int, depth: int, width: int) -> np.ndarray:
    ys, xs = np.asarray(ys), np.asarray(xs)
    return (ys >= y0) & (ys < y0 + depth) & (xs >= x0) & (xs < x0 + width)


def overlay(vox: np.ndarray, first_level: int, config: CityConfig, seed: int, x0: int = 0, y0: int = 0):
    """Overlay codes ``(n_levels, y, x)`` uint8 for the slices of the levels of ``vox``
    (a window whose corner is at absolute ``(x0, y0)``; see ``megagen.render.slices.OVERLAY_*``),
    and the detection field; None if no feature."""
    from ..render import slices

    v = village.enclave(seed, config)
    if v is None and not safeguard.active(config):
        return None, None
    h = config.level_height
    n, depth, width = vox.shape[0] // h, vox.shape[1], vox.shape[2]
    watched, heads = safeguard.field(vox, first_level, config, seed, x0=x0, y0=y0)
    out = np.where(watched, slices.OVERLAY_WATCHED, 0).astype(np.uint8)
    yy, xx = np.mgrid[y0:y0 + depth, x0:x0 + width]  # absolute
    if v is not None:
        ey0, ex0, ey1, ex1 = v.rect
        edge = (((yy == ey0) | (yy == ey1 - 1)) & (xx >= ex0) & (xx < ex1)) | \
               (((xx == ex0) | (xx == ex1 - 1)) & (yy >= ey0) & (yy < ey1))
        if edge.any():
            for lv in range(max(v.shrine_level, first_level), min(v.v0 + v.n + 1, first_level + n)):
                out[lv - first_level][edge] = slices.OVERLAY_ENCLAVE
    for lv, y, x in heads:  # a ring round each sensor (heads are in window coordinates)
        ring = np.abs(np.hypot(yy - y0 - y + 0.5, xx - x0 - x + 0.5) - 5.5) < 0.8
        out[lv - first_level][ring] = slices.OVERLAY_TOWER
    for t in safeguard.towers_in(seed, config, first_level, first_level + n, depth, width, x0, y0):
        for lv, y, x, s in t.nests:
            if first_level <= lv < first_level + n and (y + s > y0 and y < y0 + depth and x + s > x0
                                                          and x < x0 + width):
                c = np.maximum(np.abs(yy - (y + s / 2 - 0.5)), np.abs(xx - (x + s / 2 - 0.5)))
                out[lv - first_level][np.abs(c - (s / 2 + 1.5)) < 0.6] = slices.OVERLAY_NEST
    return out, watched


def summary(config: CityConfig, seed: int, levels: range, depth: int, width: int,
            x0: int = 0, y0: int = 0) -> dict:
    """Feature statistics of a build over the window ``depth x width`` at ``(x0, y0)``
    (plan data: pure functions of seed and config). The village's ``bbox`` is absolute;
    ``in_build`` says whether the build's levels and window meet it. Towers and nests
    are counted where their sensor head (nest) lies in the build."""
    out: dict = {}
    v = village.enclave(seed, config)
    if v is not None:
        ey0, ex0, ey1, ex1 = v.rect
        meets = ey1 > y0 and ey0 < y0 + depth and ex1 > x0 and ex0 < x0 + width
        out["village"] = {**v.summary(),
                          "in_build": bool(meets and v.span[0] < levels.stop and v.span[1] > levels.start)}
    if safeguard.active(config):
        towers = safeguard.towers_in(seed, config, levels.start, levels.stop, depth, width, x0, y0)
        heads = nests = 0
        for t in towers:
            here = _inside(t.y + 1, t.x + 1, y0, x0, depth, width)
            heads += int(((t.head >= levels.start) & (t.head < levels.stop) & here).sum())
            lv = t.nests[:, 0]
            here = _inside(t.nests[:, 1], t.nests[:, 2], y0, x0, depth, width)
            nests += int(((lv >= levels.start) & (lv < levels.stop) & here).sum())
        out["safeguard"] = {"towers": heads, "nests": nests, "radius": config.features.safeguard.radius}
    return out


def level_stats(vox: np.ndarray, first_level: int, config: CityConfig, seed: int,
                watched: np.ndarray | None, x0: int = 0, y0: int = 0) -> list[dict] | None:
    """Per-level feature statistics of the levels of ``vox`` (``(z, y, x)``, a window whose
    corner is at absolute ``(x0, y0)``), or None.

    ``watched_fraction`` is watched standable cells / standable cells of the level
    (standable as in ``megagen.stats``); ``towers`` counts sensor heads on the level
    inside the window; ``village`` says which part of the enclave the level holds, if
    the window meets the enclave.
    """
    v = village.enclave(seed, config)
    if v is None and not safeguard.active(config):
        return None
    h = config.level_height
    n, depth, width = vox.shape[0] // h, vox.shape[1], vox.shape[2]
    rows = [{} for _ in range(n)]
    if safeguard.active(config):
        stand = safeguard.standable(vox, h)
        if watched is None:
            watched, _ = safeguard.field(vox, first_level, config, seed, x0=x0, y0=y0)
        area = stand.sum(axis=(1, 2))
        seen = (stand & watched).sum(axis=(1, 2))
        heads = np.zeros(n, dtype=np.int64)
        for t in safeguard.towers_in(seed, config, first_level, first_level + n, depth, width, x0, y0):
            sel = (t.head >= first_level) & (t.head < first_level + n) & _inside(t.y + 1, t.x + 1, y0, x0, depth,
                                                                                 width)
            np.add.at(heads, t.head[sel] - first_level, 1)
        for i in range(n):
            rows[i]["towers"] = int(heads[i])
            rows[i]["watched_area"] = int(seen[i])
            rows[i]["watched_fraction"] = round(float(seen[i]) / max(int(area[i]), 1), 6)
    if v is not None:
        ey0, ex0, ey1, ex1 = v.rect
        if ey1 > y0 and ey0 < y0 + depth and ex1 > x0 and ex0 < x0 + width:
            parts = {v.shrine_level: "shrine", v.shield_level: "shield", v.v0 + v.n: "platform"}
            parts.update({lv: "pocket" for lv in range(v.v0, v.v0 + v.n)})
            for i in range(n):
                part = parts.get(first_level + i)
                if part:
                    rows[i]["village"] = part
    return rows
