"""The megagen command: every bad input is one line, exit 2, nothing written."""
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from megagen.cli import cli
from megagen.world import MAX_SIZE, MIN_SIZE


def run(*args):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, *words):
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for word in words:
        assert word in lines[0], lines[0]
    assert "Traceback" not in result.output


BAD = [
    (["--levels", "0"], ["--levels", "'0'"]),
    (["--levels", "-5"], ["--levels", "'-5'"]),
    (["--levels", "abc"], ["--levels", "'abc'"]),
    (["--levels", "10-5"], ["--levels", "'10-5'"]),
    (["--levels", "3-"], ["--levels"]),
    (["--levels", "2000000"], ["--levels", "highest level"]),
    (["--levels", "4", "--size", "0"], ["--size", "'0'"]),
    (["--levels", "4", "--size", str(MAX_SIZE + 1)], ["--size", str(MAX_SIZE)]),
    (["--levels", "4", "--size", str(MIN_SIZE - 1)], ["--size", str(MIN_SIZE)]),
    (["--levels", "4", "--size", "64x0"], ["--size"]),
    (["--levels", "4", "--size", "big"], ["--size", "'big'"]),
    (["--levels", "4", "--workers", "0"], ["--workers"]),
    (["--levels", "4", "--seed", "x"], ["--seed"]),
    (["--levels", "4", "--preset", "nonesuch"], ["unknown preset 'nonesuch'"]),
    (["--levels", "4", "--set", "strata.perod=40"], ["strata.perod", "strata.period"]),
    (["--levels", "4", "--set", "strata.period=1"], ["strata.period", "[12, 400]"]),
    (["--levels", "4", "--bogus"], ["--bogus"]),
    ([], ["--levels"]),
]


@pytest.mark.parametrize("args, words", BAD, ids=[" ".join(a) or "no-args" for a, _ in BAD])
def test_bad_input_is_one_line_exit_2_nothing_written(tmp_path, args, words):
    out = tmp_path / "out"
    result = run("build", *args, "--out", str(out))
    assert result.exit_code == 2, result.output
    one_line_error(result, *words)
    assert list(tmp_path.iterdir()) == []


def test_preset_file_that_does_not_parse(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[strata\n")
    result = run("build", "--levels", "4", "--preset", str(bad), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    one_line_error(result, "bad.toml", "not valid TOML")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_out_under_a_regular_file(tmp_path):
    (tmp_path / "file").write_text("x")
    result = run("build", "--levels", "2", "--size", "32", "--out", str(tmp_path / "file" / "city"))
    assert result.exit_code == 2
    one_line_error(result, "file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_out_non_empty_without_force(tmp_path):
    (tmp_path / "mine.txt").write_text("x")
    result = run("build", "--levels", "2", "--size", "32", "--out", str(tmp_path))
    assert result.exit_code == 2
    one_line_error(result, "not empty", "--force")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.txt"]


def test_small_build_then_force(tmp_path):
    out = tmp_path / "city"
    args = ["build", "--levels", "3", "--size", "48x32", "--seed", "11", "--workers", "1", "--out", str(out)]
    result = run(*args, "--quiet")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # quiet, and no progress bar when stderr is not a terminal
    assert sorted(p.name for p in (out / "levels").iterdir()) == [f"level_0000{i}.png" for i in range(3)]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["size"] == {"width": 48, "depth": 32}
    assert run(*args).exit_code == 2
    forced = run(*args, "--force", "--levels", "2-4")
    assert forced.exit_code == 0, forced.output
    assert "wrote 3 levels" in forced.stderr
    assert sorted(p.name for p in (out / "levels").iterdir()) == [f"level_0000{i}.png" for i in (2, 3, 4)]


def test_set_reaches_the_manifest(tmp_path):
    out = tmp_path / "city"
    result = run("build", "--levels", "1", "--size", "32", "--set", "strata.period=48", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_text())["preset"]["config"]["strata"]["period"] == 48


def test_default_out_is_under_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("build", "--levels", "1", "--size", "32", "--seed", "4", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "megastructure-4" / "manifest.json").is_file()


def test_keyboard_interrupt_exits_130(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sys.modules["megagen.build"], "build", interrupted)
    result = run("build", "--levels", "1", "--size", "32", "--out", str(tmp_path / "o"))
    assert result.exit_code == 130
    one_line_error(result, "interrupted")


def test_unexpected_failure_exits_1_in_one_line(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("something broke\nacross lines")

    monkeypatch.setattr(sys.modules["megagen.build"], "build", broken)
    result = run("build", "--levels", "1", "--size", "32", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    one_line_error(result, "something broke")


def test_presets_list_and_show():
    listed = run("presets", "list")
    assert listed.exit_code == 0 and "megastructure" in listed.output
    shown = run("presets", "show", "megastructure")
    assert shown.exit_code == 0
    data = json.loads(shown.output)
    assert data["name"] == "megastructure" and data["config"]["level_height"] == 8
    missing = run("presets", "show", "nonesuch")
    assert missing.exit_code == 2
    one_line_error(missing, "nonesuch")


def test_version_and_help():
    assert run("--version").exit_code == 0
    help_text = run("build", "--help").output
    for option in ("--levels", "--seed", "--size", "--preset", "--set", "--out", "--workers", "--force", "--quiet"):
        assert option in help_text


def test_python_dash_m_and_no_numpy_on_import():
    code = "import sys, megagen.cli; assert 'numpy' not in sys.modules, 'cli imported numpy'"
    subprocess.run([sys.executable, "-c", code], check=True)
    done = subprocess.run([sys.executable, "-m", "megagen", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "build" in done.stdout


from hypothesis import given, strategies as st  # noqa: E402

from megagen.cli import Footprint, LevelRange  # noqa: E402

LEVEL = st.integers(min_value=0, max_value=999_999)


@given(LEVEL, LEVEL)
def test_level_range_parses_inclusive_ranges(a, b):
    a, b = min(a, b), max(a, b)
    assert LevelRange().convert(f"{a}-{b}", None, None) == range(a, b + 1)


@given(st.integers(min_value=1, max_value=1_000_000))
def test_level_count_means_zero_to_n_minus_one(n):
    assert LevelRange().convert(str(n), None, None) == range(n)


@given(st.integers(min_value=MIN_SIZE, max_value=MAX_SIZE), st.integers(min_value=MIN_SIZE, max_value=MAX_SIZE))
def test_footprint_parses(w, d):
    assert Footprint().convert(f"{w}x{d}", None, None) == (w, d)
    assert Footprint().convert(str(w), None, None) == (w, w)
