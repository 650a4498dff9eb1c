"""generate(box, config, seed) -> voxels: skeleton, builders, support pass.

PLACEHOLDER during bring-up: the real generator is being written now; the
signature below is the contract the rest of the package relies on.
"""
from __future__ import annotations

import numpy as np

from .config import CityConfig
from .materials import Material
from .world import Box


def generate_box(box: Box, config: CityConfig, seed: int) -> np.ndarray:
    """Voxels of ``box``: uint8 ``(z, y, x)``, shape ``box.shape(config.level_height)``.

    A pure function: the same (box, config, seed) gives the same bytes, and a box
    equals the same levels cut from any larger box.
    """
    h = config.level_height
    vox = np.zeros(box.shape(h), dtype=np.uint8)
    vox[::h, 8:-8, 8:-8] = Material.SLAB
    vox[:, 20:24, 20:24] = Material.PILLAR
    return vox
