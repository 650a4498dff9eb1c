"""Preset features written over the grown City: the village enclave, the Safeguard.

``FEATURES`` is the registry (a plain dict, in application order). Each entry is
``apply(vox, z_origin, depth, width, config, seed)`` writing in place into a box's
``(z, y, x)`` voxels whose first plane is ``z_origin``; each is a pure function of
(seed, config, footprint) rasterized by clipping, so blocks stay continuous.
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
    z_origin = box.start * config.level_height
    for apply in FEATURES.values():
        apply(vox, z_origin, box.depth, box.width, config, seed)


def overlay(vox: np.ndarray, first_level: int, config: CityConfig, seed: int):
    """Overlay codes ``(n_levels, y, x)`` uint8 for the slices of the levels of ``vox``
    (see ``megagen.render.slices.OVERLAY_*``), and the detection field; None if no feature."""
    from ..render import slices

    v = village.enclave(seed, config, vox.shape[1], vox.shape[2])
    if v is None and not safeguard.active(config):
        return None, None
    h = config.level_height
    n, depth, width = vox.shape[0] // h, vox.shape[1], vox.shape[2]
    watched, heads = safeguard.field(vox, first_level, config, seed)
    out = np.where(watched, slices.OVERLAY_WATCHED, 0).astype(np.uint8)
    yy, xx = np.mgrid[0:depth, 0:width]
    if v is not None:
        y0, x0, y1, x1 = v.rect
        edge = (((yy == y0) | (yy == y1 - 1)) & (xx >= x0) & (xx < x1)) | \
               (((xx == x0) | (xx == x1 - 1)) & (yy >= y0) & (yy < y1))
        for lv in range(max(v.shrine_level, first_level), min(v.v0 + v.n + 1, first_level + n)):
            out[lv - first_level][edge] = slices.OVERLAY_ENCLAVE
    for lv, y, x in heads:  # a ring round each sensor
        ring = np.abs(np.hypot(yy - y + 0.5, xx - x + 0.5) - 5.5) < 0.8
        out[lv - first_level][ring] = slices.OVERLAY_TOWER
    for t in safeguard.towers_in(seed, config, first_level, first_level + n, depth, width):
        for lv, y, x, s in t.nests:
            if first_level <= lv < first_level + n:
                c = np.maximum(np.abs(yy - (y + s / 2 - 0.5)), np.abs(xx - (x + s / 2 - 0.5)))
                out[lv - first_level][np.abs(c - (s / 2 + 1.5)) < 0.6] = slices.OVERLAY_NEST
    return out, watched


def summary(config: CityConfig, seed: int, levels: range, depth: int, width: int) -> dict:
    """Feature statistics of a build (plan data: pure functions of seed and config)."""
    out: dict = {}
    v = village.enclave(seed, config, depth, width)
    if v is not None:
        out["village"] = {**v.summary(), "in_build": bool(v.span[0] < levels.stop and v.span[1] > levels.start)}
    if safeguard.active(config):
        towers = safeguard.towers_in(seed, config, levels.start, levels.stop, depth, width)
        heads = sum(int(((t.head >= levels.start) & (t.head < levels.stop)).sum()) for t in towers)
        nests = sum(int(((t.nests[:, 0] >= levels.start) & (t.nests[:, 0] < levels.stop)).sum()) for t in towers)
        out["safeguard"] = {"towers": heads, "nests": nests, "radius": config.features.safeguard.radius}
    return out


def level_stats(vox: np.ndarray, first_level: int, config: CityConfig, seed: int,
                watched: np.ndarray | None) -> list[dict] | None:
    """Per-level feature statistics of the levels of ``vox`` (``(z, y, x)``), or None.

    ``watched_fraction`` is watched standable cells / standable cells of the level
    (standable as in ``megagen.stats``); ``towers`` counts sensor heads on the level;
    ``village`` says which part of the enclave the level holds, if any.
    """
    v = village.enclave(seed, config, vox.shape[1], vox.shape[2])
    if v is None and not safeguard.active(config):
        return None
    h = config.level_height
    n = vox.shape[0] // h
    rows = [{} for _ in range(n)]
    if safeguard.active(config):
        stand = safeguard.standable(vox, h)
        if watched is None:
            watched, _ = safeguard.field(vox, first_level, config, seed)
        area = stand.sum(axis=(1, 2))
        seen = (stand & watched).sum(axis=(1, 2))
        heads = np.zeros(n, dtype=np.int64)
        for t in safeguard.towers_in(seed, config, first_level, first_level + n, vox.shape[1], vox.shape[2]):
            sel = (t.head >= first_level) & (t.head < first_level + n)
            np.add.at(heads, t.head[sel] - first_level, 1)
        for i in range(n):
            rows[i]["towers"] = int(heads[i])
            rows[i]["watched_area"] = int(seen[i])
            rows[i]["watched_fraction"] = round(float(seen[i]) / max(int(area[i]), 1), 6)
    if v is not None:
        parts = {v.shrine_level: "shrine", v.shield_level: "shield", v.v0 + v.n: "platform"}
        parts.update({lv: "pocket" for lv in range(v.v0, v.v0 + v.n)})
        for i in range(n):
            part = parts.get(first_level + i)
            if part:
                rows[i]["village"] = part
    return rows
