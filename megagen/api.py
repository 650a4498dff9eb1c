"""The library's front door: ``generate`` a run of levels, ``render_slice`` one of them.

Both are pure functions of (seed, preset, levels, size): the same arguments give the
same voxels and pixels in any process.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import __version__
from .config import Preset, as_dict, load_preset
from .errors import ArgumentError
from .world import MAX_LEVEL, MAX_SIZE, Box

DEFAULT_SEED = 1
DEFAULT_SIZE = 256
DEFAULT_PRESET = "megastructure"


def as_levels(levels: range | int) -> range:
    """``N`` -> ``range(N)``; a ``range`` must be non-empty, step 1, within ``[0, MAX_LEVEL]``."""
    if isinstance(levels, int) and not isinstance(levels, bool):
        levels = range(levels)
    if not isinstance(levels, range) or levels.step != 1:
        raise ArgumentError(f"levels must be an int or a range with step 1, got {levels!r}")
    if len(levels) == 0 or levels.start < 0 or levels.stop > MAX_LEVEL:
        raise ArgumentError(f"levels {levels!r} must be a non-empty range within [0, {MAX_LEVEL}]")
    return levels


def as_size(size: int | tuple[int, int]) -> tuple[int, int]:
    """``W`` -> ``(W, W)``; ``(W, D)`` is width (x) by depth (y), each in ``[1, MAX_SIZE]``."""
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    width, depth = (int(s) for s in size)
    if not (1 <= width <= MAX_SIZE and 1 <= depth <= MAX_SIZE):
        raise ArgumentError(f"size {width}x{depth} must be within 1..{MAX_SIZE} on each side")
    return width, depth


def as_preset(preset: str | Preset, overrides: tuple[str, ...] = ()) -> Preset:
    if isinstance(preset, Preset):
        return preset
    return load_preset(preset, tuple(overrides))


@dataclass(frozen=True)
class City:
    """A run of generated levels and where they came from.

    ``voxels`` is ``uint8`` ``(z, y, x)``, shape ``(len(levels) * level_height, depth, width)``;
    ``voxels[(L - levels.start) * level_height]`` is the floor plane of level ``L``.
    """

    voxels: np.ndarray = field(repr=False)
    levels: range
    seed: int
    preset: Preset = field(repr=False)
    version: str = __version__

    @property
    def level_height(self) -> int:
        return self.preset.config.level_height

    @property
    def size(self) -> tuple[int, int]:
        return self.voxels.shape[2], self.voxels.shape[1]

    def level(self, level: int) -> np.ndarray:
        """The ``(level_height, depth, width)`` voxels of absolute level ``level``."""
        if level not in self.levels:
            raise IndexError(f"level {level} is not in {self.levels!r}")
        h = self.level_height
        z = (level - self.levels.start) * h
        return self.voxels[z:z + h]

    def provenance(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "preset": self.preset.name,
            "preset_source": self.preset.source,
            "config": as_dict(self.preset.config),
            "megagen": self.version,
            "numpy": np.__version__,
        }

    def __array__(self, dtype=None, copy=None):
        return self.voxels if dtype is None else self.voxels.astype(dtype)


def generate(levels: range | int, seed: int = DEFAULT_SEED, size: int | tuple[int, int] = DEFAULT_SIZE,
             preset: str | Preset = DEFAULT_PRESET, overrides: tuple[str, ...] = (),
             origin: tuple[int, int] = (0, 0)) -> City:
    """Generate ``levels`` (a ``range`` of absolute levels, or ``N`` for ``0..N-1``) over a
    ``size`` footprint whose corner is at ``origin = (x, y)`` in the unbounded plane.

    Returns a :class:`City` whose ``voxels`` are ``uint8`` ``(z, y, x)``. Holds the
    whole run in memory: for thousands of levels use :func:`megagen.build`.
    """
    from .generate import generate_box

    levels = as_levels(levels)
    width, depth = as_size(size)
    resolved = as_preset(preset, overrides)
    voxels = generate_box(Box(levels.start, levels.stop, width, depth, x0=int(origin[0]), y0=int(origin[1])),
                          resolved.config, int(seed))
    return City(voxels=voxels, levels=levels, seed=int(seed), preset=resolved)


def render_slice(city: City | int, level: int | None = None, *, seed: int = DEFAULT_SEED,
                 size: int | tuple[int, int] = DEFAULT_SIZE, preset: str | Preset = DEFAULT_PRESET):
    """The floor plan of one level as a paletted ``PIL.Image`` (mode ``"P"``).

    ``render_slice(city, level)`` renders from a :class:`City` (levels of ``city``
    below ``level`` serve as the halo that shades openings); ``render_slice(level,
    seed=..., size=..., preset=...)`` generates the level with its full halo and gives
    the same pixels as ``megagen build`` writes for that level.
    """
    from .render import slices

    if not isinstance(city, City):
        level = int(city)
        halo = min(slices.HALO_LEVELS, level)
        city = generate(range(level - halo, level + 1), seed=seed, size=size, preset=preset)
    if level is None:
        level = city.levels.stop - 1
    if level not in city.levels:
        raise IndexError(f"level {level} is not in {city.levels!r}")
    h = city.level_height
    first = max(city.levels.start, level - slices.HALO_LEVELS)
    volume = city.voxels[(first - city.levels.start) * h:(level + 1 - city.levels.start) * h]
    indices = slices.render_levels(volume, level, level - first, h)
    return slices.to_image(indices[0], provenance(city.seed, level, city.preset.name))


def provenance(seed: int, level: int, preset_name: str) -> dict[str, str]:
    """Text chunks every level PNG carries."""
    return {"seed": str(seed), "level": str(level), "preset": preset_name,
            "version": __version__, "numpy": np.__version__, "Software": f"megagen {__version__}"}
