"""Shipped presets: load, build, stay pinned; every bad preset is one line and exit 2."""
import hashlib
import json

import pytest
from click.testing import CliRunner

from megagen.cli import cli
from megagen.config import builtin_presets, load_preset
from megagen.generate import generate_box
from megagen.world import Box

SHIPPED = ["abandoned", "megastructure", "safeguard", "village"]

# sha256 of generate_box(PIN_BOX, preset, seed 1): change only on purpose. The window is
# off the origin and holds (for seed 1) the village enclave and Safeguard towers and nests.
PIN_BOX = Box(10, 22, 160, 160, x0=64, y0=96)
PINNED = {
    "abandoned": "bda97e87ed684440598593cfe9a5603640fcd034dc4637fbcbc09a02885e5bbc",
    "megastructure": "3a59c24e9e2d0f2e5b87425f1631d851ed9c70e5ce1446d369c0ec564134668e",
    "safeguard": "a088cac5b39a6b48b8e778f7f71dc1b8791d20aa118e15d77c4d33e0f5dbdad6",
    "village": "2ef359d1ae5f53ffa4c45eff47fb2f2923a8c022ec1a0cbd6b49a2b856da6d9c",
}


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_every_shipped_preset_is_listed():
    assert set(SHIPPED) <= set(builtin_presets())
    listed = run("presets", "list")
    assert listed.exit_code == 0
    for name in SHIPPED:
        assert name in listed.output


@pytest.mark.parametrize("name", SHIPPED)
def test_preset_shows_resolved(name):
    shown = run("presets", "show", name)
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["name"] == name and data["description"]
    assert set(data["config"]["features"]) == {"village", "safeguard"}


@pytest.mark.parametrize("name", SHIPPED)
def test_preset_is_pinned(name):
    vox = generate_box(PIN_BOX, load_preset(name).config, 1)
    assert hashlib.sha256(vox.tobytes()).hexdigest() == PINNED[name]


@pytest.mark.parametrize("name", ["village", "safeguard"])
def test_overlapping_windows_agree_with_features(name):
    """No edge, features included: two windows at different origins agree voxel for voxel
    on their overlap (here across the enclave and its watchtowers, over four tiles)."""
    from megagen.features import village

    config = load_preset(name, ("features.village.enabled=true", "features.village.watchtowers=8")).config
    e = village.enclave(1, config)
    lo, hi = e.shrine_level - 1, e.v0 + 2
    a = generate_box(Box(lo, hi, 300, 200, x0=-150, y0=40), config, 1)
    b = generate_box(Box(lo, hi, 200, 300, x0=50, y0=100), config, 1)
    # overlap: x in [50, 150), y in [100, 240)
    assert a[:, 60:200, 200:300].tobytes() == b[:, 0:140, 0:100].tobytes()
    y0, x0, y1, x1 = e.rect
    assert y0 < 240 and y1 > 100 and x0 < 150 and x1 > 50, "the overlap meets the enclave"
    from megagen.materials import Material as M
    assert (a == M.PERIMETER).any() and (b == M.PERIMETER).any()
    assert (a == M.WATCHTOWER).any() or (b == M.WATCHTOWER).any()


def test_overlay_and_stats_are_exact_in_tile_aligned_windows():
    """The slice overlay (village outline, fields, tower and nest marks) and the level
    stats of a tile are the same from any window made of whole tiles that holds it."""
    from megagen import features
    from megagen.features import village

    config = load_preset("village").config
    t = config.tile
    e = village.enclave(1, config)
    lo, hi = e.v0, e.v0 + e.n
    one = generate_box(Box(lo, hi, t, t), config, 1)
    two = generate_box(Box(lo, hi, 2 * t, t, x0=-t), config, 1)
    assert two[:, :, t:].tobytes() == one.tobytes()
    m1, w1 = features.overlay(one, lo, config, 1)
    m2, w2 = features.overlay(two, lo, config, 1, x0=-t)
    assert (m2[:, :, t:] == m1).all() and (w2[:, :, t:] == w1).all()
    from megagen.render.slices import OVERLAY_ENCLAVE
    assert (m1 == OVERLAY_ENCLAVE).any() and w1.any(), "the enclave outline and a field show"
    s1 = features.level_stats(one, lo, config, 1, w1)
    s2 = features.level_stats(two[:, :, t:], lo, config, 1, w2[:, :, t:], x0=0)
    assert s1 == s2 and all(r["village"] == "pocket" for r in s1)
    assert features.summary(config, 1, range(lo, hi), t, t)["village"]["in_build"]
    assert not features.summary(config, 1, range(lo, hi), t, t, x0=t)["village"]["in_build"]


@pytest.mark.parametrize("name", ["village", "safeguard"])
def test_preset_builds_a_small_city(name, tmp_path):
    out = tmp_path / name
    res = run("build", "--levels", "10-17", "--size", "96", "--preset", name, "--out", str(out),
              "--workers", "1", "--quiet")
    assert res.exit_code == 0, res.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(list((out / "levels").glob("level_*.png"))) == 8
    assert "features" in manifest
    row = manifest["stats"][0]
    assert "watched_fraction" in row and "towers" in row
    if name == "village":
        v = manifest["features"]["village"]
        assert 30 <= v["dwellings"] <= 60 and 1 <= v["entrances"] <= 3
        assert set(v["bbox"]) == {"y0", "x0", "y1", "x1"}


def test_user_preset_file_extends_a_builtin(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('extends = "village"\nname = "mine"\n[features.village]\nentrances = 3\n')
    preset = load_preset(str(path), ("features.safeguard.radius=20",))
    assert preset.config.features.village.entrances == 3
    assert preset.config.features.village.enabled
    assert preset.config.features.safeguard.radius == 20


BAD = {
    "malformed": ('name = "x"\n[strata\nperiod = 3\n', r"line 2"),
    "unknown": ('[features.village]\nenabled = true\ndwelings_max = 3\n',
                r"unknown key 'features.village.dwelings_max' \(did you mean 'features.village.dwellings_max'\?\)"),
    "type": ('[features.safeguard]\ndensity = "many"\n', r"features.safeguard.density must be float, got str"),
    "bool": ('[features.village]\nenabled = 1\n', r"features.village.enabled must be bool, got int"),
    "range": ('[features.village]\nentrances = 5\n', r"features.village.entrances = 5 is out of range \[1, 3\]"),
    "order": ('[features.village]\ndwellings_min = 50\ndwellings_max = 40\n', r"dwellings_min \(50\) must not exceed"),
    "extends": ('extends = "nowhere"\n', r"extends = 'nowhere': unknown preset 'nowhere'"),
    "extends_file": ('extends = "nowhere.toml"\n', r"extends = 'nowhere.toml': preset file nowhere.toml: cannot read"),
    "name": ('name = 5\n', r"name must be a string, got int 5"),
    "table": ('features = 3\n', r"features must be a table"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_preset_is_one_line_exit_2_nothing_written(case, tmp_path):
    text, pattern = BAD[case]
    path = tmp_path / f"{case}.toml"
    path.write_text(text)
    out = tmp_path / "out"
    res = run("build", "--levels", "2", "--size", "64", "--preset", str(path), "--out", str(out))
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert str(path) in lines[0]  # the file at fault is named
    assert __import__("re").search(pattern, lines[0]), lines[0]
    assert not out.exists()


def test_a_bad_set_names_the_override_not_the_preset(tmp_path):
    res = run("build", "--levels", "2", "--set", "strata.perod=5", "--out", str(tmp_path / "o"))
    assert res.exit_code == 2
    assert res.output.strip() == ("Error: --set strata.perod=5: unknown key 'strata.perod' "
                                  "(did you mean 'strata.period'?)")
    assert not (tmp_path / "o").exists()


def test_extends_cycle(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    res = run("build", "--levels", "2", "--preset", str(tmp_path / "a.toml"), "--out", str(tmp_path / "o"))
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1 and "'extends' cycle" in res.output
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("item, pattern", [
    ("features.vilage.size=50", r"unknown key 'features.vilage' \(did you mean 'features.village'\?\)"),
    ("features.village.sise=50", r"did you mean 'features.village.size'"),
    ("strata.period.deep=3", r"'period' is not a table"),
    ("features.safeguard.radius=1000", r"out of range \[4, 128\]"),
])
def test_bad_set_path(item, pattern, tmp_path):
    res = run("build", "--levels", "2", "--preset", "village", "--set", item, "--out", str(tmp_path / "o"))
    assert res.exit_code == 2
    assert len(res.output.strip().splitlines()) == 1
    assert __import__("re").search(pattern, res.output), res.output
    assert not (tmp_path / "o").exists()
