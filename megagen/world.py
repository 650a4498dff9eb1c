"""Coordinates: levels <-> z, boxes and blocks. The one place that knows axis order.

Volumes are ``uint8`` arrays in ``(z, y, x)`` order, z up. Level ``L`` spans
``z in [L*H, (L+1)*H)``; its floor slab is the plane ``z = L*H``.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import ArgumentError

MAX_LEVEL = 1_000_000
MAX_COORD = 2**40  # |x|, |y| of any voxel; far beyond any build, well inside int64
MAX_SIZE = 2048
MIN_SIZE = 32  # a smaller window shows too little of its tile to read as a floor plan


@dataclass(frozen=True)
class Box:
    """A run of levels over a footprint window: ``levels [start, stop)``, ``width x depth``
    voxels whose corner is at absolute ``(x0, y0)`` in the unbounded plane."""

    start: int
    stop: int
    width: int
    depth: int
    x0: int = 0
    y0: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.stop:
            raise ArgumentError(f"empty or negative level range [{self.start}, {self.stop})")
        for v in (self.x0, self.y0, self.x0 + self.width, self.y0 + self.depth):
            if abs(v) > MAX_COORD:
                raise ArgumentError(f"coordinate {v} is beyond +-{MAX_COORD}")

    @property
    def levels(self) -> range:
        return range(self.start, self.stop)

    @property
    def n_levels(self) -> int:
        return self.stop - self.start

    def shape(self, level_height: int) -> tuple[int, int, int]:
        """Shape of the box's volume, ``(z, y, x)``."""
        return (self.n_levels * level_height, self.depth, self.width)


def plan_blocks(start: int, stop: int, block_levels: int) -> list[tuple[int, int]]:
    """Split ``[start, stop)`` into runs aligned to multiples of ``block_levels``.

    Alignment to absolute levels makes a range build cut the same blocks as a full build.
    """
    blocks = []
    lo = start
    while lo < stop:
        hi = min(stop, (lo // block_levels + 1) * block_levels)
        blocks.append((lo, hi))
        lo = hi
    return blocks


@dataclass(frozen=True)
class Area:
    """Whole tiles grown for a window. Everything the Builders do is decided per tile,
    so a window anywhere equals the same window cut from any larger build."""

    y0: int      # absolute corner of the first tile
    x0: int
    depth: int   # a multiple of tile
    width: int
    tile: int

    @classmethod
    def covering(cls, box: Box, tile: int) -> "Area":
        ty0, tx0 = box.y0 // tile, box.x0 // tile
        ty1, tx1 = -(-(box.y0 + box.depth) // tile), -(-(box.x0 + box.width) // tile)
        return cls(ty0 * tile, tx0 * tile, (ty1 - ty0) * tile, (tx1 - tx0) * tile, tile)

    def tiles(self, margin: int = 0) -> list[tuple[int, int]]:
        """Absolute tile indices ``(ty, tx)`` covered, plus ``margin`` tiles around."""
        ty0, tx0 = self.y0 // self.tile, self.x0 // self.tile
        ny, nx = self.depth // self.tile, self.width // self.tile
        return [(ty, tx) for ty in range(ty0 - margin, ty0 + ny + margin)
                for tx in range(tx0 - margin, tx0 + nx + margin)]

    def local(self, rects):
        """Absolute ``(y0, x0, y1, x1)`` rows -> rows relative to the area's corner."""
        import numpy as np
        r = np.asarray(rects, dtype=np.int64).reshape(-1, 4).copy()
        r[:, [0, 2]] -= self.y0
        r[:, [1, 3]] -= self.x0
        return r
