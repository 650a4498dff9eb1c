"""Coordinates: levels <-> z, boxes and blocks. The one place that knows axis order.

Volumes are ``uint8`` arrays in ``(z, y, x)`` order, z up. Level ``L`` spans
``z in [L*H, (L+1)*H)``; its floor slab is the plane ``z = L*H``.
"""
from __future__ import annotations

from dataclasses import dataclass

MAX_LEVEL = 1_000_000
MAX_SIZE = 2048
MIN_SIZE = 32  # below this a level cannot hold a stair run beside a pillar


@dataclass(frozen=True)
class Box:
    """A run of levels over the whole footprint: ``levels [start, stop)``, ``width x depth``."""

    start: int
    stop: int
    width: int
    depth: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.stop:
            raise ValueError(f"empty or negative level range [{self.start}, {self.stop})")

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
