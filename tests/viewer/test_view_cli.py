"""``megagen view`` and the page writer, without a browser."""
from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from megagen.cli import cli
from megagen.viewer import data, page


def test_build_writes_the_page_before_the_manifest(city):
    html = (city / "index.html").read_text()
    assert (city / "index.html").stat().st_mtime_ns <= (city / "manifest.json").stat().st_mtime_ns
    assert "<script src=" not in html and "http://" not in html and "https://" not in html  # no network
    assert not re.search(r"\bfetch\(|XMLHttpRequest", html)
    assert 'id="megagen-data"' in html


def test_view_prints_the_page_path(city_copy):
    result = CliRunner().invoke(cli, ["view", str(city_copy)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(city_copy / "index.html")


def test_view_open_uses_webbrowser(city_copy, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda uri: opened.append(uri) or True)
    result = CliRunner().invoke(cli, ["view", "--open", str(city_copy)])
    assert result.exit_code == 0
    assert opened == [(city_copy / "index.html").resolve().as_uri()]


def test_view_bad_folders(tmp_path):
    runner = CliRunner()
    for folder, words in [(tmp_path / "nope", "not a directory"), (tmp_path, "no manifest.json")]:
        result = runner.invoke(cli, ["view", str(folder)])
        assert result.exit_code == 2
        assert result.stderr.startswith("Error:") and words in result.stderr
        assert result.stderr.strip().count("\n") == 0
    (tmp_path / "manifest.json").write_text("{broken")
    result = runner.invoke(cli, ["view", str(tmp_path)])
    assert result.exit_code == 2 and "cannot be read as JSON" in result.stderr
    (tmp_path / "manifest.json").write_text(json.dumps({"levels": {"start": 5, "stop": 2}}))
    result = runner.invoke(cli, ["view", str(tmp_path)])
    assert result.exit_code == 2 and "levels" in result.stderr
    assert not (tmp_path / "index.html").exists()


def test_payload_is_columnar_and_tolerant(tmp_path):
    manifest = {"levels": {"start": 10, "stop": 13}, "seed": 4, "size": {"width": 8, "depth": 8},
                "preset": {"name": "x", "description": "</script><b>"},
                "files": {"levels": "levels/level_{level:05d}.png"},
                "stats": [{"level": 10, "solid_fraction": 0.5, "standable_area": 3, "materials": {"slab": 4}},
                          {"level": 12, "solid_fraction": 0.25, "standable_area": 1, "odd": "x",
                           "materials": {"wall": 2}}]}
    (tmp_path / "levels").mkdir()
    for level in (10, 11):
        (tmp_path / "levels" / f"level_{level:05d}.png").write_bytes(b"")
    d = data.payload(tmp_path, manifest)
    sent = json.loads(page._json_for_script(d))  # what the page receives
    assert sent["columns"]["solid_fraction"] == [0.5, None, 0.25]
    assert sent["columns"]["standable_area"] == [3, None, 1]
    assert sent["columns"]["odd"] == [None, None, "x"]
    assert sent["materials"] == {"slab": [4, 0, 0], "wall": [0, 0, 2]}
    assert d["missing"] == [12] and d["missing_count"] == 1
    assert d["section"] is None and d["iso"] == [] and d["legend"] is None
    html = page.render(d)
    assert html.count("</script>") == 2  # the description cannot close the data block
    assert data.level_pattern({"files": {"levels": "lv/{level}.png"}}) == {"prefix": "lv/", "pad": 0, "suffix": ".png"}


def test_assets_ship_with_the_package():
    static = Path(data.__file__).with_name("static")
    assert {p.name for p in static.iterdir()} >= {"index.html", "viewer.css", "viewer.js"}


def test_payload_reads_run_fields_old_and_new(city):
    manifest = json.loads((city / "manifest.json").read_text())
    d = data.payload(city, manifest)
    assert d["wall_seconds"] is not None and d["workers"] == 2
