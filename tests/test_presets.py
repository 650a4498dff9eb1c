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

# sha256 of generate_box(Box(10, 22, 96, 96), preset, seed 1): change only on purpose
PINNED = {
    "abandoned": "b48de12dff7be2a41e5768ecbb6dadc83a61dd7a242cf4d329f4b3afa9ebd0e6",
    "megastructure": "eae0feb4a611a5c5e4f4e63732f87db9d9ac4e5b338c315683a89f0d71ac725c",
    "safeguard": "95fcbc27a589440f31f4f8dc6eef58d9b586fdbcb4f2fb1085276a7f3215ea99",
    "village": "c4491f5211eebbebba936c9fe38168f6aa5b94657daeadb37642d27026817d31",
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
    vox = generate_box(Box(10, 22, 96, 96), load_preset(name).config, 1)
    assert hashlib.sha256(vox.tobytes()).hexdigest() == PINNED[name]


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
    "extends": ('extends = "nowhere"\n', r"unknown preset 'nowhere'"),
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
    assert str(path) in lines[0] or case == "extends"
    assert __import__("re").search(pattern, lines[0]), lines[0]
    assert not out.exists()


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
