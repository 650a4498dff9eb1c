"""The Electro-Fishers' village: a bounded, shielded pocket of the City.

One enclave per world, decided from ``stream(seed, Stage.VILLAGE)`` and the config
alone (:func:`enclave`), then written as absolute box ops, so every block and every
window it touches draws its part and they all agree. It lies wholly inside tile
``(0, 0)`` (absolute ``[0, tile)`` in y and x, so a default build at the origin holds
it), clear of the tile's seams: the village, its landings and its watchtowers are all
decided with tile ``(0, 0)``. The pocket stands on the top of a Megastructure plate::

    level v0+n      roof: observation platform, the elevator goes on up
    levels v0..     the pocket: perimeter wall with 1-3 entrances, dwellings on a
                    grid of paths, storage halls, lanterns, the elevator shaft
    level v0-1      carved into the plate: the shield generator chamber
    level v0-2      the Rotting Shrine

Support: the pocket is cleared and closed by its floor, perimeter wall and roof,
so anything outside that touched what was cleared now touches the wall; every
part inside stands on a floor that rests on the wall or the plate.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..config import CityConfig
from ..materials import Material as M
from ..rng import Stage, stream
from ..skeleton.ops import Op, box, overlaps
from ..world import Box
from .sites import avoid_rects, nearest_stratum, stratum_span, tile_rect

HOME = (0, 0)  # the tile that holds the enclave
PITCH = 7      # dwelling grid: a hut of up to 5 plus a path of 2
RING = 2       # perimeter wall thickness
ELEV = 4       # elevator shaft side


@dataclass(frozen=True)
class Enclave:
    """The village plan. Rectangles are ``(y0, x0, y1, x1)``, half-open, in absolute voxels."""

    stratum: int
    v0: int                       # ground level of the pocket
    n: int                        # levels of the pocket
    rect: tuple                   # footprint, perimeter wall included
    entrances: tuple              # ((y0, x0, y1, x1), ...) door openings on level v0
    dwellings: tuple              # ((level, y0, x0, size, door_side), ...)
    storage: tuple                # ((level, y0, x0, y1, x1), ...)
    elevator: tuple               # shaft rect
    chamber: tuple                # shield / shrine chamber rect
    platform: tuple               # observation deck rect on the roof
    towers: tuple                 # ((y, x, head_level), ...) watchtowers around
    elevator_top: int             # last level the elevator reaches
    ops: tuple                    # the box writes, in order

    @property
    def levels(self) -> tuple[int, int]:
        """Levels the pocket spans (roof excluded)."""
        return self.v0, self.v0 + self.n

    @property
    def shield_level(self) -> int:
        return self.v0 - 1

    @property
    def shrine_level(self) -> int:
        return self.v0 - 2

    @property
    def span(self) -> tuple[int, int]:
        """Every level the village touches: shrine to the top of the elevator."""
        return self.v0 - 2, self.elevator_top + 1

    def summary(self) -> dict:
        y0, x0, y1, x1 = self.rect
        return {
            "levels": [self.v0, self.v0 + self.n - 1],
            "bbox": {"y0": y0, "x0": x0, "y1": y1, "x1": x1},
            "dwellings": len(self.dwellings),
            "entrances": len(self.entrances),
            "storage": len(self.storage),
            "shield_level": self.shield_level,
            "shrine_level": self.shrine_level,
            "elevator": {"levels": [self.shrine_level, self.elevator_top]},
            "platform_level": self.v0 + self.n,
            "watchtowers": len(self.towers),
        }


@lru_cache(maxsize=32)
def enclave(seed: int, config: CityConfig) -> Enclave | None:
    """The village of this world (in tile ``HOME``, absolute coordinates), or None if disabled."""
    cfg = config.features.village
    if not cfg.enabled:
        return None
    h = config.level_height
    rng = stream(seed, Stage.VILLAGE)
    stratum = nearest_stratum(seed, config, cfg.level)
    v0, plate_above = stratum_span(seed, config, stratum)
    n = max(1, min(cfg.levels, plate_above - v0 - 2))
    ty0, tx0, ty1, tx1 = tile_rect(config, *HOME)
    size = min(cfg.size, config.tile - 16)  # the pocket and its landings stay inside the tile
    size -= (size - 2 * RING - 1) % PITCH  # whole slots
    avoid = avoid_rects(seed, config, stratum, *HOME, trenches=False)  # its floor spans trenches
    ty1, tx1 = min(ty1, ty0 + 256), min(tx1, tx0 + 256)  # inside the first 256: a default build holds it
    for _ in range(12):  # a clear site if there is one; else the last draw (the floor bridges voids)
        y0 = ty0 + int(rng.integers(8, ty1 - ty0 - size - 7))
        x0 = tx0 + int(rng.integers(8, tx1 - tx0 - size - 7))
        rect = (y0, x0, y0 + size, x0 + size)
        if not overlaps(np.array(rect), avoid, margin=4)[0]:
            break
    y0, x0, y1, x1 = rect
    iy0, ix0 = y0 + RING, x0 + RING
    cy, cx = (y0 + y1) // 2, (x0 + x1) // 2
    elevator = (cy - ELEV // 2, cx - ELEV // 2, cy - ELEV // 2 + ELEV, cx - ELEV // 2 + ELEV)

    # the slot grid (paths run between slots), per pocket level
    k = (size - 2 * RING - 1) // PITCH
    sy = iy0 + 1 + PITCH * np.arange(k)
    sx = ix0 + 1 + PITCH * np.arange(k)
    gy, gx = np.meshgrid(sy, sx, indexing="ij")
    slots = np.stack([gy.ravel(), gx.ravel(), gy.ravel() + 5, gx.ravel() + 5], axis=1)
    near_lift = overlaps(slots, np.array(elevator), margin=3)

    # entrances: distinct sides, each in a path lane of the ground level
    sides = rng.choice(4, size=cfg.entrances, replace=False)
    entrances = []
    lanes = iy0 + PITCH * np.arange(1, k)  # lane start coordinates (2 wide)
    for side in sides:
        lane = int(lanes[rng.integers(0, len(lanes))]) if len(lanes) else cy
        a, b = lane - 1, lane + 2  # 3 wide, centred on the 2-wide lane
        if side == 0:
            entrances.append((y0, a + (x0 - y0), y0 + RING, b + (x0 - y0)))  # north wall, along x
        elif side == 1:
            entrances.append((y1 - RING, a + (x0 - y0), y1, b + (x0 - y0)))
        elif side == 2:
            entrances.append((a, x0, b, x0 + RING))
        else:
            entrances.append((a, x1 - RING, b, x1))
    entrances_arr = np.array(entrances).reshape(-1, 4)

    # storage halls on the ground level, dwellings anywhere else
    free = []
    for lv in range(n):
        usable = ~near_lift
        if lv == 0:
            usable &= ~overlaps(slots, entrances_arr, margin=PITCH)
        for i in np.flatnonzero(usable):
            free.append((lv, int(i)))
    order = rng.permutation(len(free))
    n_store = min(3, len(free) // 10)
    ground = [j for j in order if free[j][0] == 0]
    store_idx = set(ground[:n_store])
    storage = tuple((v0 + free[j][0], *(int(v) for v in slots[free[j][1]])) for j in sorted(store_idx))
    rest = [j for j in order if j not in store_idx]
    wanted = int(rng.integers(cfg.dwellings_min, cfg.dwellings_max + 1))
    chosen = sorted(rest[:wanted])
    dwellings = []
    for j in chosen:
        lv, i = free[j]
        hut = 4 + int(rng.integers(0, 2))
        dwellings.append((v0 + lv, int(slots[i, 0]), int(slots[i, 1]), hut, int(rng.integers(0, 4))))

    chamber_half = min(size // 2 - 6, 16)
    chamber = (cy - chamber_half, cx - chamber_half, cy + chamber_half, cx + chamber_half)
    platform = (elevator[0] - 1, elevator[3], elevator[0] + 7, elevator[3] + 8)
    elevator_top = min(v0 + n + cfg.elevator_reach, plate_above - 1)

    towers = []
    trenches = avoid_rects(seed, config, stratum, *HOME)  # a slender tower never stands over a gallery
    if cfg.watchtowers:
        margin = int(rng.integers(8, 14))
        angles = rng.uniform(0, 2 * np.pi) + 2 * np.pi * np.arange(cfg.watchtowers) / cfg.watchtowers
        radius = size / 2 + margin
        ty = np.round(cy + radius * np.sin(angles) * 1.05).astype(int)
        tx = np.round(cx + radius * np.cos(angles) * 1.05).astype(int)
        heads = v0 + rng.integers(0, n, cfg.watchtowers)
        for y, x, head in zip(ty, tx, heads):
            site = np.array([y - 3, x - 3, y + 4, x + 4])
            # inside the home tile, like every tower of its (stratum, tile)
            if ty0 + 4 <= y < ty1 - 6 and tx0 + 4 <= x < tx1 - 6 and not overlaps(site, trenches)[0]:
                towers.append((int(y), int(x), int(head)))

    plan = Enclave(stratum, v0, n, rect, tuple(entrances), tuple(dwellings), storage, elevator,
                   chamber, platform, tuple(towers), elevator_top, ())
    ops = tuple(_ops(plan, h, rng))
    return Enclave(**{**plan.__dict__, "ops": ops})


def _ops(e: Enclave, h: int, rng: np.random.Generator) -> list[Op]:
    y0, x0, y1, x1 = e.rect
    v0, n = e.v0, e.n
    z0, zroof = v0 * h, (v0 + n) * h
    ops: list[Op] = []
    # the pocket: a closed box (floor, wall, roof), then cleared inside
    ops.append(box(M.PERIMETER, z0, zroof + 1, y0, y1, x0, x1))
    ops.append(box(0, z0 + 1, zroof, y0 + RING, y1 - RING, x0 + RING, x1 - RING))
    ops.append(box(M.SLAB, zroof, zroof + 1, y0, y1, x0, x1))
    for lv in range(v0, v0 + n):
        z = lv * h
        ops.append(box(M.SLAB, z, z + 1, y0 + RING, y1 - RING, x0 + RING, x1 - RING))
        # paths: the lanes of the slot grid
        for a in range(y0 + RING, y1 - RING, PITCH):
            ops.append(box(M.PLATFORM, z, z + 1, a, a + 1, x0 + RING, x1 - RING))
            ops.append(box(M.PLATFORM, z, z + 1, y0 + RING, y1 - RING, a - y0 + x0, a - y0 + x0 + 1))
        # lanterns on the inner face of the wall, every few voxels
        for a in range(y0 + RING + 3, y1 - RING - 2, 9):
            ops.append(box(M.LANTERN, z + h - 3, z + h - 2, a, a + 1, x0 + RING - 1, x0 + RING))
            ops.append(box(M.LANTERN, z + h - 3, z + h - 2, a, a + 1, x1 - RING, x1 - RING + 1))
        for a in range(x0 + RING + 3, x1 - RING - 2, 9):
            ops.append(box(M.LANTERN, z + h - 3, z + h - 2, y0 + RING - 1, y0 + RING, a, a + 1))
            ops.append(box(M.LANTERN, z + h - 3, z + h - 2, y1 - RING, y1 - RING + 1, a, a + 1))
    # entrances, with a landing outside
    for ey0, ex0, ey1, ex1 in e.entrances:
        ops.append(box(0, z0 + 1, z0 + 5, ey0, ey1, ex0, ex1))
        ly0, lx0, ly1, lx1 = ey0, ex0, ey1, ex1
        if ey0 == y0:
            ly0, ly1 = y0 - 6, y0
        elif ey1 == y1:
            ly0, ly1 = y1, y1 + 6
        elif ex0 == x0:
            lx0, lx1 = x0 - 6, x0
        else:
            lx0, lx1 = x1, x1 + 6
        ops.append(box(M.PLATFORM, z0, z0 + 1, ly0, ly1, lx0, lx1))
        ops.append(box(M.LANTERN, z0 + 5, z0 + 6, ey0, ey1, ex0, ex1))
    # storage halls and crates
    for lv, sy0, sx0, sy1, sx1 in e.storage:
        z = lv * h
        ops.append(box(M.STORAGE, z + 1, z + 4, sy0, sy1, sx0, sx1))
        ops.append(box(0, z + 1, z + 3, sy0 + 1, sy1 - 1, sx0, sx0 + 1))
    # dwellings: hollow huts with a door and a lantern on the roof
    for lv, hy, hx, s, side in e.dwellings:
        z = lv * h
        ops.append(box(M.DWELLING, z + 1, z + 5, hy, hy + s, hx, hx + s))
        ops.append(box(0, z + 1, z + 4, hy + 1, hy + s - 1, hx + 1, hx + s - 1))
        mid = s // 2
        door = [(hy, hx + mid), (hy + s - 1, hx + mid), (hy + mid, hx), (hy + mid, hx + s - 1)][side]
        ops.append(box(0, z + 1, z + 4, door[0], door[0] + 1, door[1], door[1] + 1))
        ops.append(box(M.LANTERN, z + 5, z + 6, hy + 1, hy + 2, hx + 1, hx + 2))
    # observation platform on the roof, beside the elevator
    py0, px0, py1, px1 = e.platform
    ops.append(box(M.PLATFORM, zroof + 1, zroof + 2, py0, py1, px0, px1))
    ops.append(box(M.PLATFORM, zroof + 2, zroof + 4, py0, py1, px1 - 1, px1))
    ops.append(box(M.PLATFORM, zroof + 2, zroof + 4, py0, py0 + 1, px0, px1))
    ops.append(box(M.PLATFORM, zroof + 2, zroof + 4, py1 - 1, py1, px0, px1))
    for cy_, cx_ in [(py0, px1 - 1), (py1 - 1, px1 - 1)]:
        ops.append(box(M.LANTERN, zroof + 4, zroof + 5, cy_, cy_ + 1, cx_, cx_ + 1))
    # the chambers below: shield generator (v0-1) and Rotting Shrine (v0-2)
    cy0, cx0, cy1, cx1 = e.chamber
    ccy, ccx = (cy0 + cy1) // 2, (cx0 + cx1) // 2
    for lv, wall in ((e.shrine_level, M.SHRINE), (e.shield_level, M.MACHINE)):
        z = lv * h
        ops.append(box(wall, z, z + h, cy0, cy1, cx0, cx1))
        ops.append(box(0, z + 1, z + h, cy0 + 2, cy1 - 2, cx0 + 2, cx1 - 2))
    z = e.shield_level * h
    for r in (3, 2):  # an octagonal core, floor to ceiling
        ops.append(box(M.SHIELD, z + 1, z + h, ccy - r, ccy + r + 1, ccx - (5 - r), ccx + (5 - r) + 1))
    ring_r = max(min((cy1 - cy0) // 2 - 5, 10), 6)
    for a, b in ((-ring_r, -ring_r + 2), (ring_r - 1, ring_r + 1)):  # coil ring, two high
        ops.append(box(M.SHIELD, z + 1, z + 3, ccy + a, ccy + b, ccx - ring_r, ccx + ring_r + 1))
        ops.append(box(M.SHIELD, z + 1, z + 3, ccy - ring_r, ccy + ring_r + 1, ccx + a, ccx + b))
    ops.append(box(M.SHIELD, z + 1, z + 2, ccy - ring_r, ccy + ring_r + 1, ccx, ccx + 1))  # arms
    ops.append(box(M.SHIELD, z + 1, z + 2, ccy, ccy + 1, ccx - ring_r, ccx + ring_r + 1))
    for dy, dx in ((-ring_r, -ring_r), (-ring_r, ring_r), (ring_r, -ring_r), (ring_r, ring_r)):
        ops.append(box(M.LIGHT, z + 3, z + 4, ccy + dy, ccy + dy + 1, ccx + dx, ccx + dx + 1))
    z = e.shrine_level * h
    ops.append(box(M.SHRINE, z + 1, z + 4, ccy - 2, ccy + 3, ccx - 3, ccx + 4))  # the altar
    for dy in (-6, 5):
        for dx in range(-9, 10, 6):
            ops.append(box(M.SHRINE, z + 1, z + h, ccy + dy, ccy + dy + 2, ccx + dx, ccx + dx + 2))
    for _ in range(10):  # rot: rubble heaps on the shrine floor
        ry = int(rng.integers(cy0 + 3, cy1 - 4))
        rx = int(rng.integers(cx0 + 3, cx1 - 4))
        ops.append(box(M.RUBBLE, z + 1, z + 2, ry, ry + 2, rx, rx + 3))
    ops.append(box(M.LANTERN, z + 4, z + 5, ccy, ccy + 1, ccx, ccx + 1))
    # the elevator: a capped tube from the shrine to above the roof, a door per stop
    ey0, ex0, ey1, ex1 = e.elevator
    zb, zt = e.shrine_level * h, (e.elevator_top + 1) * h
    ops.append(box(M.ELEVATOR, zb, zt + 1, ey0 - 1, ey1 + 1, ex0 - 1, ex1 + 1))
    ops.append(box(0, zb + 1, zt, ey0, ey1, ex0, ex1))
    stops = list(range(e.shrine_level, v0 + n + 1)) + [e.elevator_top]
    for lv in stops:
        z = lv * h
        ops.append(box(0, z + 1 + (lv == v0 + n), z + 5, ey0, ey1, ex1, ex1 + 1))  # door on the +x side
        ops.append(box(M.ELEVATOR, z, z + 1, ey0, ey1, ex0, ex1))                   # landing sill
    ops.append(box(M.LANTERN, zt, zt + 1, ey0, ey0 + 1, ex0, ex0 + 1))
    return ops


def apply(vox: np.ndarray, window: Box, config: CityConfig, seed: int) -> None:
    """Write the village's part inside ``vox`` (the ``(z, y, x)`` voxels of ``window``, in place)."""
    from ..skeleton.ops import apply_ops

    e = enclave(seed, config)
    if e is None:
        return
    h = config.level_height
    z_origin = window.start * h
    lo, hi = e.span
    if hi * h + 1 <= z_origin or lo * h >= z_origin + vox.shape[0]:
        return
    y0, x0, y1, x1 = e.rect
    if (y1 + 8 <= window.y0 or y0 - 8 >= window.y0 + window.depth
            or x1 + 8 <= window.x0 or x0 - 8 >= window.x0 + window.width):
        return
    apply_ops(vox, list(e.ops), z_origin, window.y0, window.x0)
