"""Growth animation: frames from the generator's observer, written as GIF or APNG."""
from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

import megagen.generate as generate_module
from megagen.cli import cli
from megagen.config import load_preset
from megagen.materials import Material as M
from megagen.render.growth import growth_frames, save_animation
from megagen.render.iso import RenderArgumentError
from megagen.world import Box

STAGES = ["skeleton", "slabs", "support"]


@pytest.fixture
def fake_generate(monkeypatch):
    """A generator with three stages on an 8-voxel, 2-level box: enough to check the drawing."""
    def fake(box, config, seed, observer=None):
        v = np.zeros(box.shape(config.level_height), dtype=np.uint8)
        for i, stage in enumerate(STAGES):
            v[i * 4, :, :] = M.SLAB
            if observer is not None:
                observer(stage, v.copy())
        return v

    monkeypatch.setattr(generate_module, "generate_box", fake)


def test_frames_per_stage_and_rising_front(fake_generate):
    config = load_preset("megastructure").config
    frames = growth_frames(Box(0, 2, 8, 8), config, 1, substeps=2, ao=False)
    assert len(frames) == len(STAGES) * 2
    assert all(f.size == frames[0].size and f.mode == "RGB" for f in frames)
    assert np.asarray(frames[-1]).sum() > np.asarray(frames[0]).sum()  # more built at the end


def test_gif_and_apng_round_trip(fake_generate, tmp_path):
    config = load_preset("megastructure").config
    frames = growth_frames(Box(0, 2, 8, 8), config, 1, substeps=1)
    for name in ("a.gif", "a.png"):
        save_animation(frames, tmp_path / name, {"seed": "1"})
        with Image.open(tmp_path / name) as im:
            assert im.n_frames == len(frames)
    with pytest.raises(RenderArgumentError):
        save_animation(frames, tmp_path / "a.bmp")
    with pytest.raises(RenderArgumentError):
        growth_frames(Box(0, 2, 8, 8), config, 1, window=(4, 4, 8, 8))


def test_cli_growth_real_generator(tmp_path):
    out = tmp_path / "g.gif"
    result = CliRunner().invoke(cli, ["render", "growth", "--levels", "2-3", "--size", "32",
                                      "--substeps", "1", "--scale", "0.5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out) as im:
        assert im.n_frames >= 3


def test_cli_growth_bad_suffix(tmp_path):
    result = CliRunner().invoke(cli, ["render", "growth", "--levels", "2", "--size", "32",
                                      "--out", str(tmp_path / "g.txt")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
