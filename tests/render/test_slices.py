"""Floor-plan slices on hand-made tiny volumes with known pictures.

Volumes are uint8 ``(z, y, x)``, z up; level L spans ``z in [L*H, (L+1)*H)``.
"""
from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from megagen.materials import Material as M
from megagen.render import (
    HALO_LEVELS,
    VOID_INDEX,
    contact_sheet,
    legend_image,
    palette,
    palette_rgb,
    png_bytes,
    render_levels,
    to_image,
)
from megagen.render.palette import DOWN_1, DOWN_2, DOWN_3, FLOOR, SHADES, TALL

H = 8
SIZE = 12


def empty(n_levels: int) -> np.ndarray:
    return np.zeros((n_levels * H, SIZE, SIZE), dtype=np.uint8)


def floor(v: np.ndarray, level: int, material: int = M.SLAB) -> None:
    v[level * H] = material


def luminance(index: int) -> float:
    r, g, b = palette_rgb()[index].astype(float)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def split(index: int) -> tuple[int, int]:
    return divmod(int(index), SHADES)


def test_wall_is_brighter_than_floor():
    v = empty(1)
    floor(v, 0)
    v[1:H, :, 5] = M.WALL  # full-height wall along x = 5
    (img,) = render_levels(v, 0, 0, H)
    wall, ground = img[3, 5], img[3, 2]
    assert split(wall) == (M.WALL, TALL)
    assert split(ground) == (M.SLAB, FLOOR)
    assert (img[:, 5] == wall).all() and (np.delete(img, 5, axis=1) == ground).all()
    assert luminance(wall) > luminance(ground)


def test_shade_rises_with_height_inside_level():
    v = empty(1)
    floor(v, 0)
    for x in range(H):  # a staircase: step x reaches height x
        v[1:x + 1, :, x] = M.STAIR
    (img,) = render_levels(v, 0, 0, H)
    shades = [split(i)[1] for i in img[0, :H]]
    assert shades[0] == FLOOR and shades[-1] == TALL
    assert shades == sorted(shades)
    lum = [luminance(i) for i in img[0, 1:H]]
    assert lum == sorted(lum)


def test_hole_shows_floor_one_level_down_darker():
    v = empty(2)
    floor(v, 0)
    floor(v, 1)
    v[H, 4:7, 4:7] = 0  # a hole in level 1's floor
    (img,) = render_levels(v, 1, 1, H)
    hole, ground = img[5, 5], img[0, 0]
    assert split(hole) == (M.SLAB, DOWN_1)
    assert split(ground) == (M.SLAB, FLOOR)
    assert luminance(hole) < luminance(ground) * 0.75  # clearly darker, not a near-match


def test_openings_darken_with_depth_then_void():
    v = empty(4)
    for level in range(4):
        floor(v, level)
    # Column (1, 1): open through levels 3, 2 -> hits level 1's floor (2 down).
    v[3 * H, 1, 1] = v[2 * H, 1, 1] = 0
    # Column (2, 2): open through 3, 2, 1 -> hits level 0 (3 down).
    v[3 * H:0:-H, 2, 2] = 0
    # Column (3, 3): open all the way down -> void.
    v[::H, 3, 3] = 0
    (img,) = render_levels(v, 3, 3, H)
    assert split(img[0, 0]) == (M.SLAB, FLOOR)
    assert split(img[1, 1]) == (M.SLAB, DOWN_2)
    assert split(img[2, 2]) == (M.SLAB, DOWN_3)
    assert img[3, 3] == VOID_INDEX
    lums = [luminance(img[i, i]) for i in range(4)]
    assert lums == sorted(lums, reverse=True) and len(set(lums)) == 4
    assert luminance(VOID_INDEX) < 10


def test_nothing_below_within_halo_is_void():
    v = empty(HALO_LEVELS + 1)
    floor(v, HALO_LEVELS)
    v[HALO_LEVELS * H, 0, 0] = 0
    (img,) = render_levels(v, 10, HALO_LEVELS, H)
    assert img[0, 0] == VOID_INDEX
    assert split(img[1, 1]) == (M.SLAB, FLOOR)


def test_halo_limits_depth():
    """With a halo of 1, a floor two levels down is out of reach: void."""
    v = empty(3)
    floor(v, 0)
    (img,) = render_levels(v[H:], 10, 1, H)  # levels 9 (halo), 10: both empty
    assert (img == VOID_INDEX).all()


def test_thing_below_seen_through_the_level_height():
    """A wall in the level below seen through a hole: first solid voxel wins."""
    v = empty(2)
    floor(v, 0)
    v[1:H, :, 3] = M.WALL
    floor(v, 1)
    v[H, :, 2:5] = 0
    (img,) = render_levels(v, 1, 1, H)
    assert split(img[0, 3]) == (M.WALL, DOWN_1)
    assert split(img[0, 2]) == (M.SLAB, DOWN_1)


def test_does_not_modify_input():
    rng = np.random.default_rng(1)
    v = (rng.random((5 * H, SIZE, SIZE)) < 0.2).astype(np.uint8) * rng.integers(
        1, 27, (5 * H, SIZE, SIZE), dtype=np.uint8
    )
    copy = v.copy()
    render_levels(v, 3, 3, H)
    np.testing.assert_array_equal(v, copy)


def test_non_solid_codes_are_seen_through():
    """Codes outside the table are not solid: the column continues below them."""
    v = empty(1)
    floor(v, 0)
    v[H - 1, 0, 0] = 15  # unassigned code
    (img,) = render_levels(v, 0, 0, H)
    assert split(img[0, 0]) == (M.SLAB, FLOOR)


def random_city(n_levels: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = np.zeros((n_levels * H, SIZE, SIZE), dtype=np.uint8)
    v[::H] = np.where(rng.random((n_levels, SIZE, SIZE)) < 0.7, M.SLAB, 0)
    walls = rng.random(v.shape) < 0.05
    v[walls] = rng.integers(1, 27, int(walls.sum()), dtype=np.uint8)
    return v


def test_same_level_in_larger_block_is_identical():
    v = random_city(20)
    big = render_levels(v, HALO_LEVELS, HALO_LEVELS, H)  # levels 3..19
    for lo, hi in [(5, 6), (8, 12), (17, 20)]:
        small = render_levels(v[(lo - HALO_LEVELS) * H:hi * H], lo, HALO_LEVELS, H)
        np.testing.assert_array_equal(small, big[lo - HALO_LEVELS:hi - HALO_LEVELS])


def test_bottom_levels_agree_however_blocks_are_cut():
    """Near level 0 the halo is truncated; level L still sees min(L, HALO_LEVELS) down."""
    v = random_city(8)
    whole = render_levels(v, 0, 0, H)  # a block from level 0, no halo
    for first in range(1, 6):
        n_halo = min(HALO_LEVELS, first)
        part = render_levels(v[(first - n_halo) * H:], first, n_halo, H)
        np.testing.assert_array_equal(part, whole[first:])


def test_rejects_bad_input():
    v = empty(2)
    with pytest.raises(ValueError):
        render_levels(v[:-1], 1, 1, H)  # not whole levels
    with pytest.raises(ValueError):
        render_levels(v, 0, 1, H)  # halo below level 0
    with pytest.raises(ValueError):
        render_levels(v.astype(np.int16), 1, 1, H)


def test_palette_shape_and_void():
    pal = palette()
    assert len(pal) == 768 and all(0 <= c <= 255 for c in pal)
    assert max(pal[:3]) < 16  # the void is near black


def test_png_round_trip_keeps_indices_and_provenance():
    v = random_city(4, seed=3)
    (img,) = render_levels(v, 3, 3, H)
    meta = {"megagen:seed": "7", "megagen:level": "3", "megagen:preset": "megastructure",
            "megagen:version": "0.1.0"}
    image = to_image(img, meta)
    assert image.mode == "P" and image.size == (SIZE, SIZE)
    assert image.getpixel((5, 2)) == img[2, 5]  # (x, y): row = y, column = x
    for data in (png_bytes(image, {}), png_bytes(img, meta)):
        back = Image.open(io.BytesIO(data))
        back.load()
        assert back.mode == "P"
        np.testing.assert_array_equal(np.asarray(back), img)
        assert {k: back.text[k] for k in meta} == meta
        assert back.getpalette()[:768] == palette()


def test_legend_and_contact_sheet():
    legend = legend_image()
    assert legend.width > 100 and legend.height > 100
    ims = [to_image(np.full((8, 8), i, dtype=np.uint8)) for i in (0, 20, 60)]
    sheet = contact_sheet(ims, ["a", "b", "c"], columns=2)
    assert sheet.width >= 16 and sheet.height >= 16
    with pytest.raises(ValueError):
        contact_sheet(ims, ["a"], columns=2)
