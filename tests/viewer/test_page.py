"""The viewer in a real browser (chromium via Playwright), from file://."""
from __future__ import annotations

import json

from click.testing import CliRunner

from megagen.cli import cli
LEVELS = 40  # as built by the `city` fixture (conftest.py)


def level_src(level: int) -> str:
    return f"levels/level_{level:05d}.png"


def test_page_loads_first_level_section_legend_overviews(page, city):
    p = page.open(city)
    s = p.state()
    assert s["level"] == s["shown"] == 0 and s["src"] == level_src(0)
    assert p.page.evaluate("document.getElementById('level').naturalWidth") == 64
    assert p.page.url.endswith("#level=0")
    manifest = json.loads((city / "manifest.json").read_text())
    if "section" in manifest["files"]:
        p.page.wait_for_function("document.getElementById('section').naturalHeight > 0")
    assert p.page.locator("#legend img").count() == 1
    expected = len(manifest["files"].get("iso", [])) + ("contact_sheet" in manifest["files"])
    assert p.page.locator("#thumbs figure").count() == expected
    assert p.page.locator("#bignum").inner_text() == "0"
    assert "standable floor" in p.page.locator("#stats").inner_text()
    assert p.page.locator("#fatal").is_hidden() and p.page.locator("#banner").is_hidden()
    p.page.keyboard.press("ArrowUp")
    p.wait_level(1)
    p.screenshot("viewer.png")
    assert p.errors == []


def test_keys_and_slider_change_level_and_image(page, city):
    p = page.open(city)
    kb = p.page.keyboard
    for key, want in [("ArrowUp", 1), ("ArrowUp", 2), ("ArrowDown", 1), ("PageUp", 11), ("PageDown", 1),
                      ("End", LEVELS - 1), ("Home", 0), ("ArrowDown", 0), ("Shift+ArrowUp", 10)]:
        kb.press(key)
        s = p.wait_level(want)
        assert s["src"] == level_src(want), key
        assert p.page.locator("#bignum").inner_text() == str(want)
        assert p.page.url.endswith(f"#level={want}")
    slider = p.page.locator("#slider")
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] - 4, "y": box["height"] / 2})  # the right end: the top level
    s = p.wait_level(LEVELS - 1)
    assert s["src"] == level_src(LEVELS - 1)
    p.page.locator("#down").click()
    p.wait_level(LEVELS - 2)
    p.page.fill("#levelnum", "7")
    p.page.press("#levelnum", "Enter")
    assert p.wait_level(7)["src"] == level_src(7)
    assert p.state()["step"] < 1000  # generous here; see the measured figures in the report
    assert p.errors == []


def test_deep_link_opens_the_level_and_follows_the_hash(page, city):
    p = page.open(city, "#level=17")
    assert p.state()["src"] == level_src(17)
    assert p.page.title().endswith("level 17 · megagen")
    p.page.evaluate("location.hash = '#level=5'")
    assert p.wait_level(5)["src"] == level_src(5)
    p.page.locator("#slider").focus()
    p.page.keyboard.press("ArrowUp")  # keys on the focused slider step once, not twice
    p.wait_level(6)
    assert p.errors == []


def test_deep_link_out_of_range_is_said_and_clamped(page, city):
    p = page.open(city, "#level=99999")
    assert p.state()["shown"] == LEVELS - 1
    assert "not in this build" in p.page.locator("#banner").inner_text()
    assert p.errors == []


def test_section_click_jumps_to_the_level_under_the_pointer(page, city):
    p = page.open(city)
    whole = p.page.locator("#whole")
    box = whole.bounding_box()
    for level in (30, 3, LEVELS - 1, 0):
        y = (LEVELS - level - 0.5) / LEVELS * box["height"]  # top of the stack = highest level
        whole.click(position={"x": box["width"] / 3, "y": y})
        assert p.wait_level(level)["src"] == level_src(level)
        marker = p.page.locator("#marker").bounding_box()
        assert abs(marker["y"] + 1 - (box["y"] + y)) <= 2 + box["height"] / LEVELS / 2
    assert p.errors == []


def test_zoom_pan_and_grid(page, city):
    p = page.open(city)
    size = lambda: p.page.evaluate("document.getElementById('level').getBoundingClientRect().width")  # noqa: E731
    fitted = size()
    vp = p.page.locator("#viewport").bounding_box()
    p.page.mouse.move(vp["x"] + vp["width"] / 2, vp["y"] + vp["height"] / 2)
    p.page.mouse.wheel(0, -400)
    p.page.wait_for_function(f"document.getElementById('level').getBoundingClientRect().width > {fitted}")
    assert p.page.evaluate("getComputedStyle(document.getElementById('level')).imageRendering") == "pixelated"
    left = p.page.evaluate("document.getElementById('level').getBoundingClientRect().left")
    p.page.mouse.down()
    p.page.mouse.move(vp["x"] + vp["width"] / 2 + 120, vp["y"] + vp["height"] / 2, steps=4)
    p.page.mouse.up()
    moved = p.page.evaluate("document.getElementById('level').getBoundingClientRect().left")
    assert abs(moved - left - 120) < 2
    p.page.keyboard.press("g")
    assert p.page.locator("#grid").is_visible()
    p.page.keyboard.press("f")
    assert abs(size() - fitted) < 1
    assert p.errors == []


def test_features_show_when_present(page, city_copy):
    # features come from the village/safeguard presets; add them by hand so this test
    # holds whatever the generator does
    manifest = json.loads((city_copy / "manifest.json").read_text())
    manifest["features"] = {"village": {"levels": [12, 14], "dwellings": 9, "entrances": 2, "shield_level": 11,
                                        "shrine_level": 10, "platform_level": 15, "in_build": True},
                            "safeguard": {"towers": 2, "nests": 1, "radius": 40}}
    for row in manifest["stats"]:
        row.update(towers=int(row["level"] in (20, 33)), watched_fraction=0.25 if row["level"] == 20 else 0.0,
                   watched_area=5)
        if 12 <= row["level"] <= 14:
            row["village"] = "pocket"
    (city_copy / "manifest.json").write_text(json.dumps(manifest))
    assert CliRunner().invoke(cli, ["view", str(city_copy)]).exit_code == 0
    p = page.open(city_copy, "#level=13")
    assert "VILLAGE · POCKET" in p.page.locator("#badges").inner_text().upper()
    assert "Village enclave" in p.page.locator("#feats").inner_text()
    p.page.get_by_role("button", name="shield 11").click()
    p.wait_level(11)
    p.page.keyboard.press("t")  # next watchtower level up
    p.wait_level(20)
    assert "WATCHED 25%" in p.page.locator("#badges").inner_text().upper()
    p.screenshot("viewer-features.png")
    assert p.errors == []


def test_missing_level_is_said_on_the_page_and_by_view(page, city_copy):
    (city_copy / "levels" / level_src(12).split("/")[1]).unlink()
    result = CliRunner().invoke(cli, ["view", str(city_copy)])
    assert result.exit_code == 2
    err = result.stderr.strip()
    assert err.count("\n") == 0 and err.startswith("Error:") and "missing" in err and "12" in err
    p = page.open(city_copy, "#level=11")
    assert "missing" in p.page.locator("#banner").inner_text()
    p.page.keyboard.press("ArrowUp")
    p.page.wait_for_function("document.body.dataset.shown === 'missing-12'")
    msg = p.page.locator("#mapmsg")
    assert msg.is_visible() and "level_00012.png" in msg.inner_text()
    p.page.keyboard.press("ArrowUp")
    p.wait_level(13)
    assert msg.is_hidden()
    assert p.errors == []  # a known-missing file is never requested


def test_missing_manifest_is_said_on_the_page_and_by_view(page, city_copy):
    (city_copy / "manifest.json").unlink()
    result = CliRunner().invoke(cli, ["view", str(city_copy)])
    assert result.exit_code == 2
    assert "no manifest.json" in result.stderr and result.stderr.strip().count("\n") == 0
    p = page.open(city_copy, wait_shown=False)
    assert p.page.locator("#fatal").is_visible()
    assert "no manifest.json" in p.page.locator("#fatalmsg").inner_text()
    assert p.errors == []


def test_damaged_page_data_is_said_not_blank(page, city_copy):
    html = (city_copy / "index.html").read_text()
    start = html.index('id="megagen-data">') + len('id="megagen-data">')
    (city_copy / "index.html").write_text(html[:start] + "{not json" + html[html.index("</script>", start):])
    p = page.open(city_copy, wait_shown=False)
    assert p.page.locator("#fatal").is_visible()
    assert "damaged" in p.page.locator("#fatalmsg").inner_text()


def test_build_without_section_or_overviews_degrades_gracefully(page, city_copy):
    import shutil

    (city_copy / "section.png").unlink(missing_ok=True)
    shutil.rmtree(city_copy / "iso", ignore_errors=True)
    (city_copy / "contact_sheet.png").unlink(missing_ok=True)
    manifest = json.loads((city_copy / "manifest.json").read_text())
    for key in ("section", "iso", "contact_sheet"):
        manifest["files"].pop(key, None)
    (city_copy / "manifest.json").write_text(json.dumps(manifest))
    assert CliRunner().invoke(cli, ["view", str(city_copy)]).exit_code == 0
    p = page.open(city_copy, "#level=9")
    assert p.page.evaluate("document.body.classList.contains('nosection')")
    assert p.page.locator("#isopanel").is_hidden() and p.page.locator("#gauge").is_visible()
    whole = p.page.locator("#whole")
    box = whole.bounding_box()
    whole.click(position={"x": box["width"] / 2, "y": (LEVELS - 25 - 0.5) / LEVELS * box["height"]})
    p.wait_level(25)  # the gauge stands in for the section
    assert p.errors == []
