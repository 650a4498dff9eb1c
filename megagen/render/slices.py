"""Level floor plans: look down through each level, shade what is hit by depth.

Volumes are ``uint8`` material codes in ``(z, y, x)`` order, z up; level ``L``
spans ``z in [L*H, (L+1)*H)`` and its floor slab is the plane ``z = L*H``.

For a level we look down from just under its ceiling (``z = L*H + H - 1``) and take
the first solid voxel of each column. Inside the level the height of the hit picks
one of four bands (own floor, low, mid, tall); through openings in the floor the
column continues into the levels below, and a hit 1, 2, 3 (4+) levels down is drawn
progressively darker. Nothing within the halo is the deep void (index 0).

The work is done once per level: for every level of the block (halo included) the
topmost solid voxel inside that level alone is found with a few whole-level array
operations; a level's picture is then its own hit where there is one, else the
hit of the level below, and so on. Loops run over levels and over the few planes
of a level, never over voxels.
"""
from __future__ import annotations

import numpy as np

from megagen import materials
from megagen.render.images import (  # noqa: F401  re-exported: callers use slices.to_image etc.
    contact_sheet,
    legend_image,
    png_bytes,
    to_image,
)
from megagen.render.palette import (
    DOWN_1,
    DOWN_4PLUS,
    FLOOR,
    LOW,
    MID,
    SHADES,
    TALL,
)

HALO_LEVELS = 3  # levels below the first rendered level the caller should generate

# Overlay codes for ``render_levels(..., overlay=)``: 0 draws the level as is.
OVERLAY_WATCHED = 1   # in a watchtower's detection field: red tint, shade kept
OVERLAY_TOWER = 2     # mark round a sensor head
OVERLAY_NEST = 3      # mark round an exterminator nest
OVERLAY_ENCLAVE = 4   # the village boundary

_SOLID = materials.SOLID  # (256,) bool
# Codes that are not air yet not solid (unassigned or non-solid materials): rare.
_NONZERO_NOT_SOLID = ~_SOLID.copy()
_NONZERO_NOT_SOLID[0] = False
_HAS_NONSOLID = bool(_NONZERO_NOT_SOLID.any())


def band_lut(level_height: int) -> np.ndarray:
    """``(H + 1,)`` uint8: shade for a hit at height ``h`` above the floor, indexed ``h + 1``.

    Entry 0 (no hit) is 0. ``h == 0`` is the own floor; the rest of the level is cut
    in thirds: low, mid, tall (a full-height wall is always tall).
    """
    h = np.arange(level_height)
    top = max(level_height - 1, 1)
    shade = np.where(3 * h < top, LOW, np.where(3 * h < 2 * top, MID, TALL))
    shade[0] = FLOOR
    return np.concatenate([[0], shade]).astype(np.uint8)


def _down_shade(k: int) -> int:
    """Shade for a hit ``k >= 1`` levels below the rendered level."""
    return max(DOWN_1 - (k - 1), DOWN_4PLUS)


def _top_hits(level: np.ndarray, weights: np.ndarray, flat_base: np.ndarray):
    """Topmost solid voxel of each column of one level ``(H, d, w)``.

    Returns ``(height, code)``: ``height`` uint8 ``(d, w)`` is ``h + 1`` of the hit
    (0 = none), ``code`` uint8 is ``material * SHADES`` (0 = none).
    """
    H, d, w = level.shape
    nonzero = (level != 0).view(np.uint8)
    height = (nonzero * weights).max(axis=0)  # highest non-air voxel, +1
    sel = height.astype(np.intp)
    sel -= 1
    np.maximum(sel, 0, out=sel)
    sel *= d * w
    sel += flat_base
    mat = np.take(level.reshape(-1), sel)  # 0 where height == 0: plane 0 is air there
    if _HAS_NONSOLID:
        bad = np.take(_NONZERO_NOT_SOLID, mat)
        if bad.any():  # a non-solid, non-air code on top: redo those few columns exactly
            cols = level[:, bad]  # (H, k)
            h_bad = (np.take(_SOLID, cols).view(np.uint8) * weights[:, :, 0]).max(axis=0)
            m_bad = cols[np.maximum(h_bad.astype(np.intp) - 1, 0), np.arange(cols.shape[1])]
            m_bad[h_bad == 0] = 0
            height[bad] = h_bad
            mat[bad] = m_bad
    return height, (mat * SHADES).astype(np.uint8)


def render_levels(
    voxels: np.ndarray, first_level: int, n_halo: int, level_height: int,
    overlay: np.ndarray | None = None,
) -> np.ndarray:
    """Floor plans of the levels of a block, as palette indices.

    ``voxels``: uint8 ``(z, y, x)``, z up, covering ``n_halo + n`` whole levels that
    start at absolute level ``first_level - n_halo``; it is not modified.
    Returns ``(n, y, x)`` uint8 palette indices (``material * 8 + shade``, see
    ``megagen.render.palette``) for levels ``first_level .. first_level + n - 1``.

    Each level looks down ``n_halo`` levels. A block that starts at level 0 (the
    bottom of the world, below which there is nothing) lets level ``L`` look down
    ``min(L, max(n_halo, HALO_LEVELS))`` levels, so the bottom levels come out the
    same however the caller cuts its blocks there.

    ``overlay``, optional, is ``(n, y, x)`` uint8 codes (``OVERLAY_*``) for the
    rendered levels: watched cells are tinted red keeping their shade (walls, drawn
    tall, keep their colour so corridors read between them); marks are drawn flat.
    """
    vox = np.asarray(voxels)
    if vox.ndim != 3 or vox.dtype != np.uint8:
        raise ValueError(f"voxels must be a uint8 (z, y, x) array, got {vox.dtype} {vox.shape}")
    H = int(level_height)
    if not 1 <= H <= 255:
        raise ValueError(f"level_height must be in [1, 255], got {level_height}")
    if vox.shape[0] % H:
        raise ValueError(f"voxels z extent {vox.shape[0]} is not a whole number of {H}-voxel levels")
    total = vox.shape[0] // H
    if not 0 <= n_halo <= total:
        raise ValueError(f"n_halo must be in [0, {total}], got {n_halo}")
    base = first_level - n_halo
    if base < 0:
        raise ValueError(f"first_level - n_halo = {base} is below level 0")
    n = total - n_halo
    d, w = vox.shape[1:]
    out = np.empty((n, d, w), dtype=np.uint8)
    if n == 0 or d == 0 or w == 0:
        return out
    if not vox.flags.c_contiguous:
        vox = np.ascontiguousarray(vox)

    weights = np.arange(1, H + 1, dtype=np.uint8)[:, None, None]
    flat_base = np.arange(d * w, dtype=np.intp).reshape(d, w)
    bands = band_lut(H)
    reach = max(n_halo, HALO_LEVELS) if base == 0 else n_halo

    heights: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for i in range(total):
        hgt, code = _top_hits(vox[i * H:(i + 1) * H], weights, flat_base)
        heights.append(hgt)
        codes.append(code)

    for j in range(n):
        i = n_halo + j
        img = codes[i] + np.take(bands, heights[i])  # void (0) where nothing in the level
        missing = heights[i] == 0
        for k in range(1, min(reach, i) + 1):
            if not missing.any():
                break
            found = heights[i - k] != 0
            fill = missing & found
            img = np.where(fill, codes[i - k] + np.uint8(_down_shade(k)), img)
            missing &= ~found
        out[j] = img
    if overlay is not None:
        _apply_overlay(out, np.asarray(overlay))
    return out


def _apply_overlay(out: np.ndarray, overlay: np.ndarray) -> None:
    """Tint and mark ``out`` (palette indices, in place) with overlay codes."""
    from megagen.render.palette import MARK_ENCLAVE, MARK_NEST, MARK_TOWER, WATCHED_ROW

    if overlay.shape != out.shape:
        raise ValueError(f"overlay shape {overlay.shape} does not match the levels {out.shape}")
    shade = out & np.uint8(SHADES - 1)
    tint = (overlay == OVERLAY_WATCHED) & (shade != TALL)
    out[tint] = np.uint8(WATCHED_ROW * SHADES) + shade[tint]
    out[overlay == OVERLAY_ENCLAVE] = MARK_ENCLAVE
    out[overlay == OVERLAY_NEST] = MARK_NEST
    out[overlay == OVERLAY_TOWER] = MARK_TOWER
