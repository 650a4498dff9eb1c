"""generate_box(box, config, seed) -> voxels: skeleton, builders, support pass.

The City is a pure function of (seed, config, box). Level content is decided per
level from streams keyed by the level, city-scale structures from hashed coarse
grids, so any run of levels equals the same run cut from a bigger build.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from .builders import BUILDERS
from .builders.base import Context, Plan
from .builders.walls import parapets
from .config import CityConfig
from .materials import Material as M
from .skeleton import Frame, frame
from .skeleton.ops import apply_ops
from .world import Area, Box

# 4-connectivity inside each level plane, none across planes
_PLANE = np.zeros((3, 3, 3), dtype=bool)
_PLANE[1] = [[0, 1, 0], [1, 1, 1], [0, 1, 0]]


def supported_floor(plan: Plan, fr: Frame) -> np.ndarray:
    """The support pass: floor (and decks) that reach an anchor; the rest falls.

    Returns the kept floor plane mask ``(n_levels, d, w)``.
    """
    floor = plan.floor & ~fr.blocked
    deck = plan.bridge & ~(fr.blocked & ~fr.chasm)
    holes = plan.holes
    if "protect" in plan.notes:  # a stair's own pad is never cut, not even by a stairwell
        holes = holes & ~plan.notes["protect"]
    floor = (floor | deck) & ~holes
    floor[fr.is_plate] = False
    # expansion joints on tile seams: no floor crosses one, so support is decided per tile
    floor[:, ::fr.area.tile, :] = False
    floor[:, :, ::fr.area.tile] = False
    labels, count = ndimage.label(floor | fr.anchors, structure=_PLANE)
    held = np.zeros(count + 1, dtype=bool)
    held[labels[fr.anchors]] = True
    held[0] = False
    return floor & held[labels]


def grow(seed: int, config: CityConfig, lo: int, hi: int, area: Area, observer=None):
    """Run the skeleton and builders over levels ``[lo, hi)`` on ``area`` (whole tiles);
    return ``(frame, plan, kept)``.

    ``observer(stage_name, frame, plan, kept)``, when given, is called after the
    skeleton, after each builder and after the support pass (``kept`` is None
    until the support pass has run).
    """
    fr = frame(seed, config, lo, hi, area)
    ctx = Context(seed, config, fr)
    plan = Plan(ctx.shape)
    if observer is not None:
        observer("skeleton", fr, plan, None)
    for name, build in BUILDERS.items():
        build(ctx, plan)
        if observer is not None:
            observer(name, fr, plan, None)
    kept = supported_floor(plan, fr)
    parapets(ctx, kept, plan)
    if observer is not None:
        observer("support", fr, plan, kept)
    return fr, plan, kept


def materialize(box: Box, config: CityConfig, fr: Frame, plan: Plan, kept: np.ndarray | None) -> np.ndarray:
    """Turn a grown plan (levels ``[box.start - 1, box.stop + 1)``) into the box's voxels.

    With ``kept=None`` (mid-growth, before the support pass) every planned floor shows.
    """
    h = config.level_height
    if kept is None:
        kept = (plan.floor & ~fr.blocked) | plan.bridge
    core = slice(1, -1)  # drop the extra levels below and above the box
    kept, mat, base, top = kept[core], plan.mat[core], plan.base[core], plan.top[core]
    deck = plan.bridge[core]
    stands = kept & (top > 0) & ~fr.blocked[core]

    area = fr.area
    vox = np.zeros((box.n_levels * h, area.depth, area.width), dtype=np.uint8)
    v4 = vox.reshape(box.n_levels, h, area.depth, area.width)
    v4[:, 0] = np.where(kept, np.where(deck, M.BRIDGE, M.SLAB), M.AIR)
    top = np.where(stands, top, 0).astype(np.uint8)
    for zi in range(1, h):  # a plane at a time: what stands from base up to top fills it
        np.multiply(mat, (base <= zi) & (top >= zi), out=v4[:, zi])
    lamps = plan.notes.get("lamps")
    if lamps is not None:
        lamps = lamps[core] & stands
        lv, yy, xx = np.nonzero(lamps)
        vox[lv * h + top[lamps].astype(np.int64), yy, xx] = M.LIGHT
    apply_ops(vox, fr.ops, box.start * h, area.y0, area.x0)
    return vox


def crop(vox: np.ndarray, box: Box, area: Area) -> np.ndarray:
    """The window ``box`` out of voxels grown over ``area``."""
    y, x = box.y0 - area.y0, box.x0 - area.x0
    if (y, x, box.depth, box.width) == (0, 0, area.depth, area.width):
        return vox
    return np.ascontiguousarray(vox[:, y:y + box.depth, x:x + box.width])


def generate_box(box: Box, config: CityConfig, seed: int, observer=None) -> np.ndarray:
    """Voxels of ``box``: uint8 ``(z, y, x)``, shape ``box.shape(config.level_height)``.

    A pure function: the same (box, config, seed) gives the same bytes, and a box
    equals the same levels cut from any larger box. One level below the box is
    grown too, because its stairs open stairwells into the box's first level, and
    one above, because a stair looks at the level it climbs to.

    ``observer(stage_name, voxels)``, when given, sees the box's voxels after the
    skeleton, after each builder and after the support pass (for growth animations;
    it costs a materialization per stage).
    """
    area = Area.covering(box, config.tile)
    def watch(stage, fr, plan, kept):
        observer(stage, crop(materialize(box, config, fr, plan, kept), box, area))

    fr, plan, kept = grow(seed, config, box.start - 1, box.stop + 1, area, watch if observer else None)
    vox = materialize(box, config, fr, plan, kept)
    # preset features: a pure post-pass, in place, over the whole tiles grown
    from .features import apply_features
    apply_features(vox, Box(box.start, box.stop, area.width, area.depth, x0=area.x0, y0=area.y0), config, seed)
    return crop(vox, box, area)
