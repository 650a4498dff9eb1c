"""Shades and the slice palette: index = ``material * SHADES + shade``.

A level's floor plan is drawn with 8 shades per material row. Shades 4-7 are what
stands inside the level (its own floor up to full-height walls, brighter as they
rise); shades 3-0 are what is seen through openings, 1, 2, 3 and 4+ levels down,
darker and colder with depth. Index 0 (the AIR row) is the deep void: nothing
solid within the halo. The colours come from ``materials.base_colours()``, so the
palette follows the material table; emissive accents (lights, lanterns, sensors)
keep their glow at depth, so rare light shows from far below as in Blame!.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from megagen import materials

SHADES = 8  # palette entries per material row

# Shade codes (low 3 bits of a palette index).
DOWN_4PLUS = 0   # 4 or more levels below (only with a halo deeper than HALO_LEVELS)
DOWN_3 = 1       # seen through openings, 3 levels below
DOWN_2 = 2
DOWN_1 = 3
FLOOR = 4        # the level's own floor plane (z = L*H)
LOW = 5          # low things on the floor: steps, rubble, sills
MID = 6          # mid-height: stairs half way, machines, railings
TALL = 7         # tall things reaching up to the ceiling: walls, pillars, shafts

VOID_INDEX = 0   # nothing solid found within the halo (AIR row, shade 0)

SHADE_NAMES = {
    TALL: "tall (walls, pillars)",
    MID: "mid-height",
    LOW: "low (steps, rubble)",
    FLOOR: "own floor",
    DOWN_1: "1 level down",
    DOWN_2: "2 levels down",
    DOWN_3: "3 levels down",
    DOWN_4PLUS: "4+ levels down",
}

# Brightness per shade for ordinary materials and for emissive accents.
_BRIGHTNESS = np.array([0.07, 0.11, 0.18, 0.30, 0.52, 0.68, 0.84, 1.00])
_EMISSIVE_BRIGHTNESS = np.array([0.40, 0.50, 0.62, 0.75, 0.90, 0.95, 1.00, 1.00])
_EMISSIVE = ("LIGHT", "LANTERN", "SENSOR")
# Depth haze: what dark shades fade towards (ink black with a cold cast).
_HAZE = np.array([7.0, 9.0, 13.0])
_VOID_RGB = (3, 4, 6)


# Overlay rows (materials never use them): watched cells keep their shade on a red
# ramp; marks are flat colours for towers, nests and the enclave boundary.
WATCHED_ROW = 30
MARK_ROW = 31
MARK_TOWER = MARK_ROW * SHADES + 0
MARK_NEST = MARK_ROW * SHADES + 1
MARK_ENCLAVE = MARK_ROW * SHADES + 2
_WATCHED_RGB = np.array([255.0, 48.0, 40.0])
_MARKS = {0: (255, 40, 200), 1: (255, 150, 20), 2: (255, 226, 120)}


def shade_index(material: int, shade: int) -> int:
    """Palette index of ``material`` drawn at ``shade``."""
    return int(material) * SHADES + int(shade)


@lru_cache(maxsize=1)
def _palette_array() -> np.ndarray:
    base = materials.base_colours().astype(np.float64)  # (N_MATERIALS, 3)
    n = base.shape[0]
    if n * SHADES > 256:
        raise ValueError(f"{n} material rows x {SHADES} shades exceed 256 palette entries")
    bright = np.tile(_BRIGHTNESS, (n, 1))
    for name in _EMISSIVE:
        code = getattr(materials.Material, name, None)
        if code is not None and code < n:
            bright[code] = _EMISSIVE_BRIGHTNESS
    b = bright[:, :, None]  # (n, SHADES, 1)
    rgb = base[:, None, :] * b + _HAZE * (1.0 - b)
    # The AIR row is never a hit; all its entries are the void.
    rgb[materials.Material.AIR] = _VOID_RGB
    if n > MARK_ROW:
        ramp = np.array([0.22, 0.28, 0.36, 0.46, 0.62, 0.72, 0.84, 1.0])[:, None]
        rgb[WATCHED_ROW] = _WATCHED_RGB * ramp + _HAZE * (1.0 - ramp)
        rgb[MARK_ROW] = _VOID_RGB
        for k, colour in _MARKS.items():
            rgb[MARK_ROW, k] = colour
    pal = np.zeros((256, 3), dtype=np.uint8)
    pal[: n * SHADES] = np.clip(np.rint(rgb.reshape(-1, 3)), 0, 255).astype(np.uint8)
    pal.setflags(write=False)
    return pal


def palette_rgb() -> np.ndarray:
    """``(256, 3)`` uint8 RGB lookup table indexed by palette index (read-only)."""
    return _palette_array()


def palette() -> list[int]:
    """768 ints for ``PIL.Image.putpalette``."""
    return _palette_array().reshape(-1).tolist()
