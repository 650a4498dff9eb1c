"""Small helpers shared by the format modules: atomic writes, index files, palette."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from ..files import atomic_write, write_bytes  # noqa: F401  re-exported: the formats import them from here


def write_json(path: Path, data: Any, indent: int | None = 1) -> int:
    return write_bytes(path, (json.dumps(data, indent=indent) + "\n").encode("utf-8"))


def palette_table() -> list[dict[str, Any]]:
    """``[{id, name, rgb}]`` for every material: id == palette index, 0 = air."""
    from ..materials import INFO, base_colours

    colours = base_colours()
    return [{"id": int(m), "name": m.name.lower(), "rgb": [int(c) for c in colours[m]]} for m in INFO]


def index(spec, files: list[dict[str, Any]], **extra) -> dict[str, Any]:
    """The ``index.json`` every multi-file format writes: where each file sits in the world."""
    return {"megagen": spec.provenance["megagen"], "seed": spec.seed, "preset": spec.preset,
            "levels": [spec.level_start, spec.level_stop], "level_height": spec.level_height,
            "window": {"x0": spec.x0, "y0": spec.y0, "width": spec.width, "depth": spec.depth},
            "axes": "world voxel coordinates (x, y, z), z up; level L spans z in [L*H, (L+1)*H)",
            **extra, "provenance": spec.provenance, "palette": palette_table(), "files": files}


def even_up(n: int) -> int:
    return n + (n & 1)


def uint8_volume(voxels) -> np.ndarray:
    arr = np.asarray(voxels)
    if arr.dtype != np.uint8 or arr.ndim != 3:
        raise ValueError(f"expected a (z, y, x) uint8 volume, got {arr.dtype} {arr.shape}")
    return arr
