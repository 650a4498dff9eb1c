"""`megagen export` and `megagen build --export` through CliRunner: success and every bad input."""
import json

import pytest
from click.testing import CliRunner

from megagen.cli import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


def one_line_error(result, *words):
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for word in words:
        assert word in lines[0], lines[0]


def test_export_all_formats(tmp_path):
    out = tmp_path / "e"
    result = run("export", "vox,zarr,glb,tiled,schem", "--levels", "2-4", "--size", "48x40",
                 "--window", "4,4,32,24", "--out", str(out), "--workers", "1", "--voxel-size", "2.5")
    assert result.exit_code == 0, result.output
    for sub in ("vox", "city.zarr", "glb", "tiled", "schem"):
        assert (out / sub).is_dir()
    glb = json.loads((out / "glb" / "index.json").read_text())
    assert glb["voxel_size_m"] == 2.5
    assert "exported levels 2-4" in result.stderr


def test_build_with_export(tmp_path):
    out = tmp_path / "b"
    result = run("build", "--levels", "2", "--size", "40", "--out", str(out), "--export", "tiled,schem", "-q")
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["exports"]["tiled"]["files"] == 2
    assert (out / "levels" / "level_00001.png").exists()


@pytest.mark.parametrize("args, words", [
    (["export", "obj", "--levels", "2"], ["unknown export format 'obj'", "vox"]),
    (["build", "--levels", "2", "--export", "vox,stl"], ["unknown export format 'stl'"]),
    (["export", "vox", "--levels", "2", "--size", "64", "--window", "40,0,32,32"], ["window", "outside", "64x64"]),
    (["export", "vox", "--levels", "2", "--window", "-1,0,8,8"], ["window", "outside"]),
    (["export", "vox", "--levels", "2", "--window", "1,2,3"], ["--window", "X0,Y0,W,D"]),
    (["export", "schem", "--levels", "2", "--band-levels", "60"], ["384", "at most 48"]),
    (["export", "glb", "--levels", "2", "--voxel-size", "0"], ["--voxel-size"]),
    (["export", "vox"], ["--levels"]),
])
def test_bad_input_is_one_line_exit_2(tmp_path, args, words):
    out = tmp_path / "never"
    result = run(*args, "--out", str(out))
    one_line_error(result, *words)
    assert not out.exists()


def test_non_empty_output_needs_force(tmp_path):
    out = tmp_path / "full"
    out.mkdir()
    (out / "x").write_text("keep")
    one_line_error(run("export", "vox", "--levels", "1", "--size", "32", "--out", str(out)), "not empty")
    assert run("export", "vox", "--levels", "1", "--size", "32", "--out", str(out), "--force").exit_code == 0


def test_bad_block_map_file(tmp_path):
    bad = tmp_path / "map.json"
    bad.write_text('{"slab": 5}')
    one_line_error(run("export", "schem", "--levels", "1", "--size", "32", "--block-map", str(bad),
                       "--out", str(tmp_path / "o")), "block_map.slab")
    good = tmp_path / "map.toml"
    good.write_text('[blocks]\nslab = "minecraft:oak_planks"\n')
    result = run("export", "schem", "--levels", "1", "--size", "32", "--block-map", str(good),
                 "--out", str(tmp_path / "o2"))
    assert result.exit_code == 0, result.output
