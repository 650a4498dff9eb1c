"""zarr v3 volume ``city.zarr``: one uint8 array ``voxels`` ``(z, y, x)``, zstd, chunks aligned to blocks.

The parent creates the group and the array (metadata only); every block then writes
its own region. A chunk holds ``k`` whole levels over a tile of at most
``TILE x TILE`` voxels, with ``k`` dividing both the block size and the first
exported level, so no chunk is shared by two blocks and workers never race.
Chunks left entirely air are never written (zarr skips fill-value chunks).
Array ``z = 0`` is the floor of level ``level_start``; attributes carry the world
offsets, the palette (material id == palette index) and provenance. Opens with
``xarray.open_zarr(path)`` as uint8 dims ``("z", "y", "x")``.
"""
from __future__ import annotations

import math

from .common import palette_table

DIR = "city.zarr"
ARRAY = "voxels"
TILE = 512
CHUNK_BYTES = 4 << 20


def _zarr():
    import zarr  # lazy: an optional dependency (pip install 'megagen[zarr]')

    return zarr


def check(spec) -> None:
    from ..errors import ConfigError

    try:
        _zarr()
    except ImportError:
        raise ConfigError("export format 'zarr' needs zarr (pip install 'megagen[zarr]')") from None


def chunk_shape(spec) -> tuple[int, int, int]:
    """``(k * H, cy, cx)``: ``k`` levels with ``k | gcd(level_start, block_levels)``, about 4 MiB."""
    cy, cx = min(spec.depth, TILE), min(spec.width, TILE)
    g = math.gcd(spec.level_start, spec.block_levels)
    per_level = spec.level_height * cy * cx
    k = max([d for d in range(1, g + 1) if g % d == 0 and d * per_level <= CHUNK_BYTES] or [1])
    return k * spec.level_height, cy, cx


def attributes(spec) -> dict:
    return {"megagen": {"levels": [spec.level_start, spec.level_stop], "level_start": spec.level_start,
                        "level_height": spec.level_height, "z0": spec.z0, "x0": spec.x0, "y0": spec.y0,
                        "footprint": list(spec.size),
                        "axes": "array [z, y, x] is world voxel (x0 + x, y0 + y, z0 + z), z up"},
            "provenance": spec.provenance, "palette": palette_table()}


def begin(spec) -> None:
    zarr = _zarr()
    from zarr.codecs import ZstdCodec

    n_levels = spec.level_stop - spec.level_start
    root = zarr.open_group(str(spec.path(DIR)), mode="w", zarr_format=3)
    root.attrs.update(attributes(spec))
    arr = root.create_array(ARRAY, shape=(n_levels * spec.level_height, spec.depth, spec.width),
                            chunks=chunk_shape(spec), dtype="uint8", fill_value=0,
                            compressors=ZstdCodec(level=3), dimension_names=("z", "y", "x"))
    arr.attrs.update(attributes(spec))


def write_block(voxels, lo: int, hi: int, spec) -> dict:
    zarr = _zarr()
    arr = zarr.open_array(str(spec.path(DIR, ARRAY)), mode="r+")
    h = spec.level_height
    z0 = (lo - spec.level_start) * h
    arr[z0:z0 + (hi - lo) * h] = voxels
    return {"levels": [lo, hi]}


def finish(spec, infos: list[dict]) -> dict:
    zarr = _zarr()
    import warnings

    with warnings.catch_warnings():  # consolidated metadata is not yet in the v3 spec: zarr warns
        warnings.simplefilter("ignore")
        zarr.consolidate_metadata(str(spec.path(DIR)))
    nbytes = sum(p.stat().st_size for p in spec.path(DIR).rglob("*") if p.is_file())
    n_voxels = (spec.level_stop - spec.level_start) * spec.level_height * spec.depth * spec.width
    return {"files": 1, "bytes": nbytes, "bytes_per_voxel": nbytes / n_voxels}
