"""What builders share: the context they read and the plan they deposit into.

Every builder has the signature ``build(ctx, plan) -> None`` and writes into ``plan``
in place. Plans are stacks of level planes ``(n_levels, d, w)``; the generator turns
them into voxels after the support pass. Random draws come from one stream per
(builder, level) with sizes fixed per level, so a level is the same in any block.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..config import CityConfig
from ..raster import stamp_rects
from ..rng import Stage, stream
from ..skeleton import Frame

# direction codes: 0 +x, 1 +y, 2 -x, 3 -y
DY = np.array([0, 1, 0, -1])
DX = np.array([1, 0, -1, 0])


class Tile(NamedTuple):
    """One tile of the grown area: its corner relative to the area, its size and index."""

    y0: int
    x0: int
    size: int
    ty: int
    tx: int


@dataclass
class Context:
    seed: int
    config: CityConfig
    frame: Frame
    _density: dict = field(default_factory=dict)

    @property
    def n(self) -> int:
        return self.frame.hi - self.frame.lo

    @property
    def shape(self) -> tuple[int, int, int]:
        return (self.n, self.frame.area.depth, self.frame.area.width)

    def tiles(self) -> list[Tile]:
        a = self.frame.area
        return [Tile(ty * a.tile - a.y0, tx * a.tile - a.x0, a.tile, ty, tx) for ty, tx in a.tiles()]

    def open_levels(self) -> np.ndarray:
        """Indices of the levels that get level content (not inside a plate)."""
        return np.flatnonzero(~self.frame.is_plate)

    def density(self, i: int) -> float:
        """The character of level ``i``'s stratum: how much the Builders put there.

        Strata differ (some crowded, some near-empty catwalks over the void), which is
        what makes thousands of levels read as places rather than one texture.
        """
        stratum = int(self.frame.stratum[i])
        if stratum not in self._density:
            self._density[stratum] = float(stream(self.seed, Stage.STRATA, stratum, 7).uniform(0.35, 1.45))
        return self._density[stratum]

    def active(self, i: int, n: int) -> np.ndarray:
        """Which of ``n`` agents work on level ``i`` (a prefix, sized by the density)."""
        return np.arange(n) < round(n * min(self.density(i), 1.0) + 1e-9) if n else np.zeros(0, bool)

    def pillars_of(self, i: int, tile: Tile) -> np.ndarray:
        """The pillars of level ``i``'s stratum in ``tile``, relative to the area."""
        rects = self.frame.pillars[int(self.frame.stratum[i])][(tile.ty, tile.tx)]
        return self.frame.area.local(rects)

    def per_level(self, stage: Stage, sampler) -> dict[str, np.ndarray]:
        """Run ``sampler(rng, i, pillars, tile) -> dict of equal-length arrays`` on each
        open level and tile with that (level, tile)'s own stream, and concatenate,
        adding ``level`` (index in frame) and the tile corner ``ty0``, ``tx0``."""
        parts: dict[str, list] = {}
        for i in self.open_levels():
            for tile in self.tiles():
                pillars = self.pillars_of(i, tile)
                if len(pillars) == 0:
                    continue
                rng = stream(self.seed, stage, self.frame.lo + int(i), tile.ty, tile.tx)
                draws = sampler(rng, int(i), pillars, tile)
                if not draws:
                    continue
                size = len(next(iter(draws.values())))
                parts.setdefault("level", []).append(np.full(size, i, dtype=np.int64))
                parts.setdefault("ty0", []).append(np.full(size, tile.y0, dtype=np.int64))
                parts.setdefault("tx0", []).append(np.full(size, tile.x0, dtype=np.int64))
                for key, value in draws.items():
                    parts.setdefault(key, []).append(np.asarray(value))
        return {k: np.concatenate(v) for k, v in parts.items()} if parts else {}

    def level_stream(self, stage: Stage, i: int) -> np.random.Generator:
        """A stream for decisions that belong to the whole level, not to one tile."""
        return stream(self.seed, stage, self.frame.lo + int(i))

    def stamp(self, level, y0, x0, y1, x1, ty0=None, tx0=None) -> np.ndarray:
        """Stamp rectangles; with ``ty0, tx0`` each is clipped to its own tile, so what a
        tile's agents lay never depends on which neighbours are grown with it."""
        if ty0 is not None:
            size = self.frame.area.tile
            y0, y1 = np.clip(y0, ty0, ty0 + size), np.clip(y1, ty0, ty0 + size)
            x0, x1 = np.clip(x0, tx0, tx0 + size), np.clip(x1, tx0, tx0 + size)
        return stamp_rects(self.shape, level, y0, x0, y1, x1)


@dataclass
class Plan:
    """Level content before the support pass. Extrusions stand on the floor plane:
    material ``mat`` fills heights ``base..top`` (1 = just above the floor)."""

    shape: tuple[int, int, int]
    floor: np.ndarray = None
    bridge: np.ndarray = None
    holes: np.ndarray = None
    mat: np.ndarray = None
    base: np.ndarray = None
    top: np.ndarray = None
    notes: dict = field(default_factory=dict)

    def __post_init__(self):
        self.floor = np.zeros(self.shape, dtype=bool)
        self.bridge = np.zeros(self.shape, dtype=bool)
        self.holes = np.zeros(self.shape, dtype=bool)
        self.mat = np.zeros(self.shape, dtype=np.uint8)
        self.base = np.ones(self.shape, dtype=np.uint8)
        self.top = np.zeros(self.shape, dtype=np.uint8)

    def extrude(self, mask: np.ndarray, material: int, top, base=1) -> None:
        """Stand ``material`` on the floor over ``mask`` from ``base`` to ``top`` (later wins)."""
        np.copyto(self.mat, material, where=mask, casting="unsafe")
        np.copyto(self.base, base, where=mask, casting="unsafe")
        np.copyto(self.top, top, where=mask, casting="unsafe")

    def clear(self, mask: np.ndarray) -> None:
        np.copyto(self.mat, 0, where=mask)
        np.copyto(self.top, 0, where=mask)


def pillar_choice(rng: np.random.Generator, pillars: np.ndarray, n: int) -> np.ndarray:
    """``(n, 4)`` pillars drawn with replacement: builders grow from the anchors."""
    return pillars[rng.integers(0, len(pillars), n)]
