"""City-scale structures are decided on hashed grids and continue across blocks."""
import numpy as np

from megagen.config import load_preset
from megagen.generate import generate_box
from megagen.materials import Material
from megagen.skeleton.strata import level_strata, plate_start
from megagen.skeleton.verticals import verticals
from megagen.world import Area, Box

CONFIG = load_preset("megastructure").config
H = CONFIG.level_height


def test_plates_are_thick_and_periodic():
    is_plate, _, spans = level_strata(1, CONFIG.strata, 0, 2000)
    runs = np.diff(np.flatnonzero(np.diff(is_plate.astype(int)) == 1))
    assert runs.min() >= CONFIG.strata.period - 2 * CONFIG.strata.jitter
    assert abs(runs.mean() - CONFIG.strata.period) < 3
    assert is_plate.sum() == pytest_approx_plates(is_plate)


def pytest_approx_plates(is_plate):
    starts = np.flatnonzero(np.diff(is_plate.astype(int)) == 1) + 1
    return sum(int(is_plate[s:s + CONFIG.strata.thickness].sum()) for s in starts) + int(
        is_plate[:np.flatnonzero(~is_plate)[0]].sum())


def test_plate_start_is_a_pure_function_of_the_cell():
    assert [plate_start(3, CONFIG.strata, c) for c in range(50)] == [plate_start(3, CONFIG.strata, c) for c in range(50)]


def test_tall_structure_is_continuous_across_a_block_boundary():
    seed, size = 1, 256
    area = Area.covering(Box(0, 1, size, size), CONFIG.tile)
    found = [v for v in verticals(seed, CONFIG, 0, 3000, area) if v.top - v.bottom > 100]
    found = [v for v in found if 0 <= v.rect[0] and v.rect[2] <= size and 0 <= v.rect[1] and v.rect[3] <= size]
    assert found, "no tall structure in 3000 levels"
    v = found[0]
    cut = (v.bottom + v.top) // 2
    below = generate_box(Box(cut - 2, cut, size, size), CONFIG, seed)
    above = generate_box(Box(cut, cut + 2, size, size), CONFIG, seed)
    y0, x0, y1, x1 = v.rect
    material = {"tower": Material.TOWER, "megashaft": Material.SHAFT, "great_pillar": Material.PILLAR}[v.kind]
    # the casing just under the cut and just over it: the same cells, still standing
    ring = np.ones((y1 - y0, x1 - x0), dtype=bool)
    if v.wall:
        ring[v.wall:-v.wall, v.wall:-v.wall] = False
    under = below[-1, y0:y1, x0:x1][ring] == material
    over = above[0, y0:y1, x0:x1][ring] == material
    assert under.mean() > 0.9 and over.mean() > 0.9
    # and both match a single block spanning the cut
    both = generate_box(Box(cut - 2, cut + 2, size, size), CONFIG, seed)
    assert both[: 2 * H].tobytes() == below.tobytes() and both[2 * H:].tobytes() == above.tobytes()


def test_tall_structures_write_only_inside_their_footprint():
    """Doors, windows and ladders of towers and megashafts stay in their own rectangle
    (a misplaced door would cut the City elsewhere)."""
    area = Area.covering(Box(0, 1, 1024, 1024), CONFIG.tile)
    found = verticals(2, CONFIG, 0, 4000, area)
    assert {v.kind for v in found} == {"tower", "megashaft", "great_pillar"}
    for v in found:
        y0, x0, y1, x1 = v.rect
        for op in v.ops:
            assert y0 <= op.y0 and op.y1 <= y1 and x0 <= op.x0 and op.x1 <= x1, (v.kind, v.rect, op)
