"""Shared fixtures for the export round trips: small cities and their exports."""
import pytest

from megagen.config import load_preset
from megagen.export.run import export_region
from megagen.generate import generate_box
from megagen.world import Box


def city(levels: range, size=(64, 48), overrides=(), seed=3):
    """The reference voxels ``(z, y, x)`` of ``levels`` over the whole footprint."""
    config = load_preset("megastructure", tuple(overrides)).config
    return generate_box(Box(levels.start, levels.stop, size[0], size[1]), config, seed)


@pytest.fixture
def exported(tmp_path):
    def run(fmt, levels, size=(64, 48), window=None, overrides=(), seed=3, workers=1, options=None,
            preset="megastructure"):
        out = tmp_path / f"out_{fmt}_{levels.start}_{levels.stop}"
        summary = export_region(fmt, levels, seed=seed, size=size, preset=preset, out_dir=out, window=window,
                                workers=workers, overrides=tuple(overrides), options=options)
        return out, summary
    return run


@pytest.fixture
def reference():
    return city
