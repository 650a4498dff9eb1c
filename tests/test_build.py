"""megagen.build: files, provenance, random access, worker independence, safety."""
import json
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import megagen
from megagen.build import build, level_filename
from megagen.errors import OutputError

SIZE = 48
SMALL = ("block_levels=4",)  # several blocks even for a handful of levels


def pixels(path):
    with Image.open(path) as im:
        return np.asarray(im)


def files(root: Path):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_small_build_writes_levels_legend_manifest(tmp_path):
    out = tmp_path / "city"
    seen = []
    manifest = build(range(4), seed=5, size=(64, 40), out_dir=out, workers=1,
                     progress=lambda done, total: seen.append((done, total)))
    assert files(out) == ["contact_sheet.png", "index.html", "iso", "iso/iso_L00000-00003.png",
                          "legend.png", "levels", "levels/level_00000.png", "levels/level_00001.png",
                          "levels/level_00002.png", "levels/level_00003.png", "manifest.json", "section.png"]
    assert seen[-1] == (4, 4) and all(a[0] < b[0] for a, b in zip(seen, seen[1:]))
    with Image.open(out / "levels" / "level_00002.png") as im:
        assert im.mode == "P"
        assert im.size == (64, 40)
        assert im.text["seed"] == "5"
        assert im.text["level"] == "2"
        assert im.text["preset"] == "megastructure"
        assert im.text["version"] == megagen.__version__
    on_disk = json.loads((out / "manifest.json").read_text())
    assert on_disk == json.loads(json.dumps(manifest))
    assert on_disk["seed"] == 5
    assert on_disk["preset"]["name"] == "megastructure"
    assert on_disk["preset"]["source"] == "builtin:megastructure"
    assert on_disk["preset"]["config"]["level_height"] == 8
    assert on_disk["size"] == {"width": 64, "depth": 40}
    assert on_disk["levels"] == {"start": 0, "stop": 4, "count": 4}
    assert set(on_disk["versions"]) == {"megagen", "numpy", "python"}
    assert [s["level"] for s in on_disk["stats"]] == [0, 1, 2, 3]
    for row in on_disk["stats"]:
        assert 0.0 <= row["solid_fraction"] <= 1.0
        assert 0 <= row["standable_area"] <= 64 * 40
        assert sum(row["materials"].values()) == 64 * 40 * 8
    assert not list(out.rglob("*.tmp"))


def test_level_names_are_absolute_and_five_digits():
    assert level_filename(0) == "level_00000.png"
    assert level_filename(5999) == "level_05999.png"
    assert level_filename(123456) == "level_123456.png"


def test_range_build_matches_full_build(tmp_path):
    build(range(0, 14), seed=3, size=SIZE, out_dir=tmp_path / "full", workers=1, overrides=SMALL)
    build(range(10, 12), seed=3, size=SIZE, out_dir=tmp_path / "part", workers=1, overrides=SMALL)
    assert files(tmp_path / "part" / "levels") == ["level_00010.png", "level_00011.png"]
    for name in ("level_00010.png", "level_00011.png"):
        np.testing.assert_array_equal(pixels(tmp_path / "full" / "levels" / name),
                                      pixels(tmp_path / "part" / "levels" / name))
    full = json.loads((tmp_path / "full" / "manifest.json").read_text())["stats"][10:12]
    part = json.loads((tmp_path / "part" / "manifest.json").read_text())["stats"]
    assert full == part


def test_one_and_two_workers_agree_byte_for_byte(tmp_path):
    m1 = build(range(2, 13), seed=9, size=SIZE, out_dir=tmp_path / "w1", workers=1, overrides=SMALL)
    m2 = build(range(2, 13), seed=9, size=SIZE, out_dir=tmp_path / "w2", workers=2, overrides=SMALL)
    assert files(tmp_path / "w1") == files(tmp_path / "w2")
    for png in (tmp_path / "w1" / "levels").iterdir():
        assert png.read_bytes() == (tmp_path / "w2" / "levels" / png.name).read_bytes()
    assert m1["stats"] == m2["stats"]


def test_non_empty_out_refused_without_force(tmp_path):
    out = tmp_path / "city"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(OutputError, match="not empty"):
        build(2, size=16, out_dir=out)
    assert files(out) == ["keep.txt"]


def test_force_rebuilds_and_drops_stale_levels(tmp_path):
    out = tmp_path / "city"
    build(range(0, 6), size=16, out_dir=out)
    (out / "notes.txt").write_text("user file")
    manifest = build(range(2, 4), size=16, out_dir=out, force=True)
    assert manifest["levels"]["count"] == 2
    assert files(out / "levels") == ["level_00002.png", "level_00003.png"]
    assert (out / "notes.txt").read_text() == "user file"


def test_unwritable_out_checked_before_generating(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("generated before checking the output")

    monkeypatch.setattr(sys.modules["megagen.generate"], "generate_box", boom)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        build(2, size=16, out_dir=blocker / "sub")
    with pytest.raises(OutputError, match="not a directory"):
        build(2, size=16, out_dir=blocker)
    assert files(tmp_path) == ["file"]


def test_failure_leaves_no_partial_files(tmp_path, monkeypatch):
    from megagen.render import slices

    real = slices.render_levels
    calls = []

    def flaky(voxels, first_level, n_halo, level_height):
        calls.append(first_level)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(voxels, first_level, n_halo, level_height)

    monkeypatch.setattr(slices, "render_levels", flaky)
    out = tmp_path / "city"
    with pytest.raises(RuntimeError, match="disk on fire"):
        build(range(8), size=16, out_dir=out, workers=1, overrides=SMALL)
    assert not (out / "manifest.json").exists()
    assert not list(out.rglob("*.tmp"))
    for png in (out / "levels").iterdir():  # what was written is whole
        with Image.open(png) as im:
            im.load()


def test_library_generate_and_render_slice_match_build(tmp_path):
    city = megagen.generate(levels=range(4, 8), seed=2, size=(32, 24))
    assert city.voxels.shape == (4 * 8, 24, 32)
    assert city.voxels.dtype == np.uint8
    assert city.levels == range(4, 8) and city.seed == 2 and city.size == (32, 24)
    assert city.level(5).shape == (8, 24, 32)
    build(range(0, 8), seed=2, size=(32, 24), out_dir=tmp_path / "b")
    image = megagen.render_slice(6, seed=2, size=(32, 24))
    assert image.mode == "P"
    np.testing.assert_array_equal(np.asarray(image), pixels(tmp_path / "b" / "levels" / "level_00006.png"))


def test_generate_is_pure_and_range_equals_slice_of_larger():
    big = megagen.generate(levels=range(0, 12), seed=4, size=24)
    part = megagen.generate(levels=range(5, 9), seed=4, size=24)
    np.testing.assert_array_equal(big.voxels[5 * 8:9 * 8], part.voxels)


def test_submodules_stay_modules_and_callable():
    import megagen.build as build_module
    import megagen.generate as generate_module

    assert hasattr(generate_module, "generate_box")
    assert callable(build_module.build) and callable(build_module)  # module and function both work
    assert megagen.generate(levels=1, size=8).voxels.shape == (8, 8, 8)


@pytest.mark.parametrize("kwargs, match", [
    ({"levels": 0}, "non-empty"),
    ({"levels": range(5, 2)}, "non-empty"),
    ({"levels": 2, "size": 0}, "size"),
    ({"levels": 2, "workers": 0}, "workers"),
])
def test_bad_arguments_raise_before_writing(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        build(out_dir=tmp_path / "x", **kwargs)
    assert not (tmp_path / "x").exists()
