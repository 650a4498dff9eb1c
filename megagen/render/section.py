"""The section: a side elevation through every level of a build, downsampled.

Volumes are ``uint8`` material codes in ``(z, y, x)`` order, z up; level ``L`` spans
``z in [L*H, (L+1)*H)``.

The cut is the plane ``y = cut_y`` (default: the middle of the footprint); we look
along ``+y`` from in front of it, so image columns are ``x`` (left to right) and rows
are ``z`` (top of the picture = highest level). What the plane cuts is drawn at full
strength (the architect's poche); behind it we see up to ``SECTION_DEPTH`` voxels
deep, fading into black, so chasms read as black voids many levels tall, plates as
thick bright bands and towers as tall vertical bars.

A section is assembled block by block: :func:`section_strip` renders the strip of
one block (a few kilobytes after pooling), :class:`SectionCanvas` pastes strips at
their rows. Pooling factors divide the level height (or are whole levels), so strip
boundaries fall on level boundaries and the result does not depend on blocking.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from megagen import materials

MAX_HEIGHT = 8000          # pixels, at most (about) this tall
MAX_WIDTH = 512
SECTION_DEPTH = 96         # voxels seen behind the cut
FADE = 24.0                # voxels behind the cut for the light to fall to 1/e
BACKGROUND = (4, 5, 7)


def section_factors(n_levels: int, level_height: int, width: int,
                    max_height: int = MAX_HEIGHT, max_width: int = MAX_WIDTH) -> tuple[int, int]:
    """``(fz, fx)``: voxels per pixel vertically and horizontally.

    ``fz`` is the smallest divisor of ``level_height`` (or whole multiple of it) that
    brings ``n_levels * level_height`` within ``max_height``; ``fx`` brings ``width``
    within ``max_width``.
    """
    if n_levels < 1 or level_height < 1 or width < 1:
        raise ValueError(f"section of {n_levels} levels x {level_height} voxels x {width} is empty")
    need = math.ceil(n_levels * level_height / max_height)
    divisors = [d for d in range(1, level_height + 1) if level_height % d == 0 and d >= need]
    fz = divisors[0] if divisors else level_height * math.ceil(need / level_height)
    fx = max(1, math.ceil(width / max_width))
    return fz, fx


def _colours() -> tuple[np.ndarray, np.ndarray]:
    base = np.zeros((256, 3), dtype=np.float32)
    rgb = materials.base_colours().astype(np.float32)
    base[: rgb.shape[0]] = rgb
    emissive = np.zeros(256, dtype=bool)
    for name in ("LIGHT", "LANTERN", "SENSOR"):
        if hasattr(materials.Material, name):
            emissive[int(getattr(materials.Material, name))] = True
    return base, emissive


def section_strip(voxels: np.ndarray, fz: int = 1, fx: int = 1, cut_y: int | None = None,
                  depth: int = SECTION_DEPTH) -> np.ndarray:
    """The section of one block as ``(Z // fz, W // fx, 3)`` uint8 RGB, top row = top plane.

    ``voxels``: uint8 ``(z, y, x)``, z up, not modified; ``Z`` must be a multiple of ``fz``.
    Pooling averages colours over ``fz x fx`` voxels.
    """
    vox = np.asarray(voxels)
    if vox.ndim != 3 or vox.dtype != np.uint8:
        raise ValueError(f"voxels must be a uint8 (z, y, x) array, got {vox.dtype} {vox.shape}")
    Z, D, W = vox.shape
    if fz < 1 or fx < 1 or Z % fz or W < fx:
        raise ValueError(f"pooling {fz}x{fx} does not fit a volume of shape {vox.shape}")
    y0 = D // 2 if cut_y is None else int(cut_y)
    if not 0 <= y0 < D:
        raise ValueError(f"cut_y {y0} is outside the footprint depth {D}")
    y1 = min(D, y0 + max(1, depth))
    block = vox[:, y0:y1, :]                          # (Z, n, W)
    solid = np.take(materials.SOLID, block)
    found = solid.any(axis=1)                         # (Z, W)
    dist = solid.argmax(axis=1)                       # first solid behind the cut
    mat = np.take_along_axis(block, dist[:, None, :], axis=1)[:, 0, :]
    base, emissive = _colours()
    light = np.where(dist == 0, 1.0, 0.62 * np.exp(-dist / FADE)).astype(np.float32)
    light = np.where(emissive[mat], 1.0, light)
    bg = np.asarray(BACKGROUND, dtype=np.float32)
    rgb = np.where(found[..., None], base[mat] * light[..., None] + bg * (1 - light[..., None]), bg)
    rgb = rgb[::-1]                                   # top of the picture = highest z
    w = (W // fx) * fx
    pooled = rgb[:, :w].reshape(Z // fz, fz, w // fx, fx, 3).mean(axis=(1, 3))
    return np.clip(pooled + 0.5, 0, 255).astype(np.uint8)


class SectionCanvas:
    """The section of levels ``[start, stop)``, filled strip by strip as blocks finish.

    Workers render strips at ``strip_factors`` (which divide the level height, so any
    run of whole levels makes a strip); above ``MAX_HEIGHT`` levels per pixel row the
    canvas pools whole levels itself, so blocks may start anywhere.
    """

    def __init__(self, start: int, stop: int, level_height: int, width: int,
                 max_height: int = MAX_HEIGHT, max_width: int = MAX_WIDTH):
        self.start, self.stop, self.level_height = int(start), int(stop), int(level_height)
        self.fz, self.fx = section_factors(stop - start, level_height, width, max_height, max_width)
        h = self.level_height
        self.levels_per_row = max(1, self.fz // h)  # > 1 only when a pixel row holds several levels
        if self.levels_per_row == 1:
            rows = (stop - start) * h // self.fz
        else:
            rows = -(-(stop - start) // self.levels_per_row)
        self._sum = np.zeros((rows, width // self.fx, 3), dtype=np.float32)
        self._count = np.zeros(rows, dtype=np.int32)

    @property
    def strip_factors(self) -> tuple[int, int]:
        """``(fz, fx)`` to pass to :func:`section_strip` for a block of whole levels."""
        return min(self.fz, self.level_height), self.fx

    def paste(self, lo: int, hi: int, strip: np.ndarray) -> None:
        """Put the strip of levels ``[lo, hi)`` (from :func:`section_strip`) in place."""
        if not self.start <= lo < hi <= self.stop:
            raise ValueError(f"levels [{lo}, {hi}) are outside the section [{self.start}, {self.stop})")
        if self.levels_per_row == 1:
            h = self.level_height
            rows = slice((self.stop - hi) * h // self.fz, (self.stop - lo) * h // self.fz)
            self._sum[rows] = strip
            self._count[rows] = 1
            return
        levels = np.arange(hi - 1, lo - 1, -1)  # strip rows, top (level hi - 1) first
        rows = (self.stop - 1 - levels) // self.levels_per_row
        np.add.at(self._sum, rows, strip.astype(np.float32))
        np.add.at(self._count, rows, 1)

    @property
    def pixels(self) -> np.ndarray:
        """``(rows, cols, 3)`` uint8; rows no strip has reached are the background."""
        out = np.empty(self._sum.shape, dtype=np.uint8)
        out[...] = BACKGROUND
        has = self._count > 0
        out[has] = np.clip(self._sum[has] / self._count[has, None, None] + 0.5, 0, 255).astype(np.uint8)
        return out

    def image(self, provenance: Mapping[str, str] | None = None):
        from PIL import Image

        image = Image.fromarray(self.pixels, "RGB")
        for key, value in (provenance or {}).items():
            image.info[str(key)] = str(value)
        image.info["section_voxels_per_row"] = str(self.fz)
        image.info["section_voxels_per_column"] = str(self.fx)
        return image


def render_section(voxels: np.ndarray, level_height: int = 8, first_level: int = 0,
                   cut_y: int | None = None, max_height: int = MAX_HEIGHT,
                   provenance: Mapping[str, str] | None = None):
    """The section of a whole volume (uint8 ``(z, y, x)``, whole levels) as an RGB ``PIL.Image``.

    The same pixels as a build assembles block by block for those levels.
    """
    vox = np.asarray(voxels)
    if vox.ndim != 3 or vox.shape[0] % level_height:
        raise ValueError(f"voxels of shape {vox.shape} are not whole {level_height}-voxel levels")
    n = vox.shape[0] // level_height
    canvas = SectionCanvas(first_level, first_level + n, level_height, vox.shape[2], max_height)
    fz, fx = canvas.strip_factors
    canvas.paste(first_level, first_level + n, section_strip(vox, fz, fx, cut_y))
    return canvas.image(provenance)
