"""Isometric renderer and ``megagen render``: tiny hand-made volumes with known pictures.

Volumes are uint8 ``(z, y, x)``, z up. At scale 1 a voxel is a 4 x 4 pixel sprite.
"""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from scipy import ndimage
import pytest
from click.testing import CliRunner
from PIL import Image

from megagen.cli import cli
from megagen.materials import Material as M
from megagen.render import png_bytes
from megagen.render.iso import BACKGROUND, Look, RenderArgumentError, iso_array, render_iso

GOLDEN = Path(__file__).parent / "data" / "iso_golden.png"
NO_FOG = Look(fog_travel=1e12, fog_height=1e12)


def lum(rgb) -> float:
    r, g, b = np.asarray(rgb, dtype=float)
    return 0.299 * r + 0.587 * g + 0.114 * b


def one_voxel(material=M.SLAB) -> np.ndarray:
    v = np.zeros((1, 1, 1), dtype=np.uint8)
    v[0, 0, 0] = material
    return v


def test_one_voxel_three_faces_at_known_pixels():
    img = iso_array(one_voxel(), ao=False)
    assert img.shape == (4, 4, 3)
    top = [(0, 1), (0, 2), (1, 1), (1, 2)]
    left = [(1, 0), (2, 0), (2, 1), (3, 1)]    # the +y face
    right = [(1, 3), (2, 2), (2, 3), (3, 2)]   # the +x face
    corners = [(0, 0), (0, 3), (3, 0), (3, 3)]
    for group in (top, left, right):
        colours = {tuple(img[p]) for p in group}
        assert len(colours) == 1, group  # one flat shade per face
    for p in corners:
        assert tuple(img[p]) == BACKGROUND
    t, lft, r = lum(img[top[0]]), lum(img[left[0]]), lum(img[right[0]])
    assert t > lft > r > lum(BACKGROUND) + 10  # three distinct shades, lit from the upper left


def test_scale_multiplies_the_sprite():
    img1 = iso_array(one_voxel(), ao=False)
    img3 = iso_array(one_voxel(), ao=False, scale=3)
    assert img3.shape == (12, 12, 3)
    np.testing.assert_array_equal(img3[1::3, 1::3], img1)


def test_voxel_in_front_hides_the_one_behind():
    front = np.zeros((2, 2, 2), dtype=np.uint8)
    front[1, 1, 1] = M.CONDUIT
    both = front.copy()
    both[0, 0, 0] = M.PILLAR  # same view diagonal, behind
    a = iso_array(both, ao=False)
    b = iso_array(front, ao=False)
    np.testing.assert_array_equal(a, b)
    # and the one behind does show when alone, in the same place
    behind = np.zeros_like(both)
    behind[0, 0, 0] = M.PILLAR
    c = iso_array(behind, ao=False)
    assert (np.any(c != BACKGROUND, axis=-1) == np.any(b != BACKGROUND, axis=-1)).all()
    assert not np.array_equal(b, c)


def test_higher_voxel_is_drawn_higher_and_nearer_lower():
    v = np.zeros((4, 4, 4), dtype=np.uint8)
    v[3, 0, 0] = M.SLAB
    rows_high = np.nonzero(np.any(iso_array(v, ao=False) != BACKGROUND, axis=(1, 2)))[0]
    v[:] = 0
    v[0, 3, 3] = M.SLAB  # nearest corner at the bottom: lowest on screen
    rows_low = np.nonzero(np.any(iso_array(v, ao=False) != BACKGROUND, axis=(1, 2)))[0]
    assert rows_high.max() < rows_low.min()


@pytest.mark.parametrize("view, corner", [("se", (3, 3)), ("sw", (3, 0)), ("nw", (0, 0)), ("ne", (0, 3))])
def test_view_puts_its_corner_nearest(view, corner):
    v = np.zeros((1, 4, 4), dtype=np.uint8)
    v[0, corner[0], corner[1]] = M.SLAB
    img = iso_array(v, view=view, ao=False)
    lit = np.nonzero(np.any(img != BACKGROUND, axis=-1))
    assert lit[0].max() == img.shape[0] - 1  # the facing corner is the bottom of the picture
    assert abs((lit[1].min() + lit[1].max()) / 2 - (img.shape[1] - 1) / 2) <= 1  # and its middle


def _without(v, mask):
    out = v.copy()
    out[mask] = 0
    return out


def test_cutaways_remove_what_they_should():
    H = 2
    v = np.zeros((2 * H, 6, 6), dtype=np.uint8)
    v[0] = M.SLAB                      # level 0 floor
    v[H, 1, 1] = M.WALL                # level 1, far corner
    v[H, 4, 4] = M.PILLAR              # level 1, near corner
    v[H + 1, 4, 1] = M.MACHINE         # level 1, near half only along one diagonal? (x=1,y=4: far side)
    opts = dict(level_height=H, ao=False, look=NO_FOG)
    zz, yy, xx = np.indices(v.shape)
    top = iso_array(v, cutaway="top", cut=0, **opts)
    np.testing.assert_array_equal(top, iso_array(_without(v, zz >= H), **opts))
    wedge = iso_array(v, cutaway="wedge", cut=0, **opts)
    np.testing.assert_array_equal(wedge, iso_array(_without(v, (zz >= H) & (xx >= 3) & (yy >= 3)), **opts))
    near = iso_array(v, cutaway="near", cut=0, **opts)
    np.testing.assert_array_equal(near, iso_array(_without(v, (zz >= H) & (xx / 6 + yy / 6 >= 1)), **opts))
    assert not np.array_equal(wedge, iso_array(v, **opts))
    # absolute levels: the same cut given with first_level
    np.testing.assert_array_equal(iso_array(v, cutaway="top", cut=10, first_level=10, **opts), top)


def test_renderer_never_modifies_its_input():
    rng = np.random.default_rng(0)
    v = ((rng.random((16, 8, 8)) < 0.3) * M.WALL).astype(np.uint8)
    v[5, 3, 3] = M.LIGHT
    keep = v.copy()
    v.setflags(write=False)
    for cut in ("none", "top", "near", "wedge"):
        for view in ("se", "ne"):
            iso_array(v, cutaway=cut, view=view, edges=True, level_height=4)
    np.testing.assert_array_equal(v, keep)


def test_edges_darken_depth_jumps_only():
    v = np.zeros((1, 6, 6), dtype=np.uint8)
    v[0] = M.SLAB
    flat = iso_array(v, ao=False)
    lined_flat = iso_array(v, ao=False, edges=True)
    # the top of a flat slab has no depth jump and no crease: edges leave it alone
    slab = (flat != iso_array(np.zeros_like(v), ao=False)).any(axis=2)
    colours, counts = np.unique(flat[slab], axis=0, return_counts=True)
    top = slab & (flat == colours[counts.argmax()]).all(axis=2)  # the top face's one shade
    inside = ndimage.binary_erosion(top, iterations=2)
    assert inside.sum() > 20
    np.testing.assert_array_equal(lined_flat[inside], flat[inside])
    assert (lined_flat[slab & ~inside] < flat[slab & ~inside]).any()  # the outline is drawn
    v2 = np.zeros((3, 6, 6), dtype=np.uint8)
    v2[0] = M.SLAB
    v2[:, 2, 2] = M.PILLAR
    plain, lined = iso_array(v2, ao=False), iso_array(v2, ao=False, edges=True)
    assert (lined <= plain).all() and (lined < plain).any()


def test_light_glows_and_fog_darkens_depth():
    v = np.zeros((8, 8, 8), dtype=np.uint8)
    v[0] = M.SLAB
    lamp = v.copy()
    lamp[1, 4, 4] = M.LIGHT
    a, b = iso_array(v, ao=False), iso_array(lamp, ao=False)
    assert (b.astype(int) >= a).all() and lum(b.max(axis=(0, 1))) > lum(a.max(axis=(0, 1)))
    # a floor far below the top of the picture is darker than one at the top
    tall = np.zeros((40, 4, 4), dtype=np.uint8)
    tall[0] = M.SLAB
    tall[39, 0, 0] = M.SLAB
    img = iso_array(tall, ao=False)
    far = iso_array(tall[:1], ao=False)
    assert lum(img.reshape(-1, 3).max(axis=0)) > 0
    assert img[-4:].max() < far.max()


def test_bad_arguments_raise():
    v = one_voxel()
    for kwargs in (dict(scale=0), dict(scale=-1), dict(view="up"), dict(cutaway="side"),
                   dict(cutaway="top", cut=5), dict(level_height=0)):
        with pytest.raises(RenderArgumentError):
            iso_array(v, **kwargs)
    with pytest.raises(ValueError):
        iso_array(v.astype(np.int16))
    with pytest.raises(ValueError):
        iso_array(np.zeros((0, 2, 2), np.uint8))


def test_provenance_in_png_text_chunks():
    image = render_iso(one_voxel(), provenance={"seed": "7", "view": "se"})
    decoded = Image.open(io.BytesIO(png_bytes(image)))
    assert decoded.text["seed"] == "7" and decoded.text["view"] == "se"


def golden_volume() -> np.ndarray:
    H = 4
    v = np.zeros((3 * H, 10, 10), dtype=np.uint8)
    for level in range(3):
        v[level * H, :, :] = M.SLAB
    v[:, 2:4, 2:4] = M.PILLAR
    v[4, 5:9, 5:9] = 0                  # an opening in level 1's floor
    v[H + 1:2 * H, 7, 1:6] = M.WALL
    v[2 * H + 1, 8, 8] = M.LIGHT
    v[:H, 6, 6:9] = M.CONDUIT
    return v


def test_golden_picture():
    img = iso_array(golden_volume(), scale=2, level_height=4, edges=True, cutaway="wedge", cut=0)
    assert GOLDEN.exists(), f"golden image {GOLDEN} is missing (it is committed; restore it from git)"
    gold = np.asarray(Image.open(GOLDEN).convert("RGB"))
    assert gold.shape == img.shape
    diff = np.abs(gold.astype(int) - img)
    assert diff.mean() < 1.5 and np.percentile(diff, 99.5) <= 16


# ---------------------------------------------------------------- CLI

def run(*args):
    return CliRunner().invoke(cli, ["render", *args])


def one_line_error(result, *words):
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("cmd", ["iso", "growth", "section"])
@pytest.mark.parametrize("args, words", [
    (["--levels", "5-3"], ["--levels"]),
    (["--levels", "2", "--size", "32", "--seed", "x"], ["--seed"]),
])
def test_cli_bad_levels(cmd, args, words, tmp_path):
    one_line_error(run(cmd, *args, "--out", str(tmp_path / "x.png")), *words)


@pytest.mark.parametrize("cmd", ["iso", "growth"])
@pytest.mark.parametrize("args, words", [
    (["--scale", "0"], ["--scale"]),
    (["--scale", "-2"], ["--scale"]),
    (["--view", "up"], ["--view", "'up'"]),
    (["--cutaway", "side"], ["--cutaway"]),
    (["--window", "20,20,40,40"], ["--window", "outside"]),
    (["--window", "0,0,0,4"], ["--window"]),
    (["--window", "1,2,3"], ["--window"]),
    (["--levels", "0-600"], ["--levels", "too many"]),
])
def test_cli_bad_view_arguments(cmd, args, words, tmp_path):
    base = ["--levels", "3-4", "--size", "32"]
    if args[0] == "--levels":
        base = ["--size", "32"]
    one_line_error(run(cmd, *base, *args, "--out", str(tmp_path / "x.gif")), *words)


def test_cli_cut_outside_levels_is_usage_error(tmp_path):
    one_line_error(run("iso", "--levels", "3-4", "--size", "32", "--cutaway", "top", "--cut", "9",
                       "--out", str(tmp_path / "a.png")), "cut level 9")


def test_cli_refuses_a_picture_name_that_is_not_png(tmp_path):
    result = run("iso", "--levels", "3-4", "--size", "40x32", "--out", str(tmp_path / "a.jpg"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [f"Error: Invalid value for '--out': '{tmp_path / 'a.jpg'}' "
                                                  "must end in .png (the picture is written as PNG)"]
    assert not (tmp_path / "a.jpg").exists()


def test_cli_iso_writes_png_with_provenance(tmp_path):
    out = tmp_path / "a.png"
    result = run("iso", "--levels", "3-4", "--size", "40x32", "--seed", "5", "--window", "2,2,16,16",
                 "--cutaway", "wedge", "--view", "nw", "--scale", "0.5", "--out", str(out))
    assert result.exit_code == 0, result.output
    image = Image.open(out)
    assert image.text["seed"] == "5" and image.text["levels"] == "3-4" and image.text["view"] == "nw"
    assert image.size == (32, 32)  # 16x16 window, 2 levels of 8, scale 0.5: 2*0.5*(16+16) by 0.5*(32+2*16)
