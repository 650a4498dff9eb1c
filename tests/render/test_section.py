"""Section: hand-made volumes with known elevations; block-by-block assembly equals one pass.

Volumes are uint8 ``(z, y, x)``, z up; the section looks along +y from the cut ``y = D // 2``.
"""
from __future__ import annotations

import numpy as np
import pytest

from megagen.materials import INFO, Material as M
from megagen.render.section import BACKGROUND, SectionCanvas, render_section, section_factors, section_strip


def test_factors_keep_levels_whole_and_height_bounded():
    assert section_factors(1000, 8, 256) == (1, 1)
    assert section_factors(1001, 8, 256) == (2, 1)
    assert section_factors(6000, 8, 256) == (8, 1)
    fz, fx = section_factors(20000, 8, 1024)
    assert fz % 8 == 0 and 20000 * 8 / fz <= 8000 and fx == 2
    with pytest.raises(ValueError):
        section_factors(0, 8, 256)


def test_cut_material_full_strength_behind_darker_void_black():
    v = np.zeros((8, 6, 4), dtype=np.uint8)
    v[0] = M.PLATE                     # a plate across the bottom
    v[:, 3, 0] = M.TOWER               # a tower in the cut plane (y = 3)
    v[4, 5, 2] = M.WALL                # a wall 2 voxels behind the cut
    keep = v.copy()
    s = section_strip(v)
    np.testing.assert_array_equal(v, keep)
    assert s.shape == (8, 4, 3)
    assert tuple(s[-1, 1]) == INFO[M.PLATE].rgb          # bottom row: the plate, cut
    assert (s[:, 0] == INFO[M.TOWER].rgb).all()           # the tower column, full height
    behind = s[8 - 1 - 4, 2]
    assert 0 < behind.sum() < sum(INFO[M.WALL].rgb)       # seen behind the cut: darker
    assert tuple(s[1, 3]) == BACKGROUND                   # nothing: the void


def test_pooling_averages():
    v = np.zeros((4, 2, 4), dtype=np.uint8)
    v[:2, 1, :2] = M.WALL
    s = section_strip(v, fz=2, fx=2)
    assert s.shape == (2, 2, 3)
    assert tuple(s[1, 0]) == INFO[M.WALL].rgb and tuple(s[0, 1]) == BACKGROUND


@pytest.mark.parametrize("max_height", [10_000, 6])  # one row per voxel / several levels per row
def test_blocks_paste_to_the_same_section(max_height):
    rng = np.random.default_rng(3)
    H, n = 2, 12
    v = ((rng.random((n * H, 6, 8)) < 0.4) * M.WALL).astype(np.uint8)
    whole = SectionCanvas(0, n, H, 8, max_height=max_height)
    fz, fx = whole.strip_factors
    whole.paste(0, n, section_strip(v, fz, fx))
    parts = SectionCanvas(0, n, H, 8, max_height=max_height)
    for lo, hi in [(7, 12), (0, 3), (3, 7)]:  # any order, uneven blocks
        parts.paste(lo, hi, section_strip(v[lo * H:hi * H], fz, fx))
    np.testing.assert_array_equal(parts.pixels, whole.pixels)
    assert whole.pixels.shape[0] <= max(max_height, n)
    image = render_section(v, level_height=H, max_height=max_height)
    np.testing.assert_array_equal(np.asarray(image), whole.pixels)


def test_bad_arguments():
    v = np.zeros((4, 2, 2), np.uint8)
    with pytest.raises(ValueError):
        section_strip(v, fz=3)
    with pytest.raises(ValueError):
        section_strip(v, cut_y=5)
    with pytest.raises(ValueError):
        section_strip(v.astype(np.int32))
    with pytest.raises(ValueError):
        SectionCanvas(0, 4, 1, 2).paste(3, 6, np.zeros((3, 2, 3), np.uint8))


def test_cli_section_and_build_overview(tmp_path):
    import json

    from click.testing import CliRunner
    from PIL import Image

    from megagen.cli import cli

    out = tmp_path / "s.png"
    result = CliRunner().invoke(cli, ["render", "section", "--levels", "0-5", "--size", "32", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as im:
        assert im.size == (32, 6 * 8) and im.text["levels"] == "0-5"
    bad = CliRunner().invoke(cli, ["render", "section", "--levels", "2", "--size", "32", "--cut-y", "40"])
    assert bad.exit_code == 2 and "--cut-y" in bad.stderr

    result = CliRunner().invoke(cli, ["build", "--levels", "0-5", "--size", "32", "--workers", "1",
                                      "--out", str(tmp_path / "b"), "-q"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    files = manifest["files"]
    with Image.open(tmp_path / "b" / files["section"]) as im:
        built = np.asarray(im.convert("RGB"))
    with Image.open(out) as im:
        np.testing.assert_array_equal(built, np.asarray(im.convert("RGB")))  # streamed == one pass
    assert files["iso"] and all((tmp_path / "b" / name).exists() for name in files["iso"])
    assert (tmp_path / "b" / files["contact_sheet"]).exists()
