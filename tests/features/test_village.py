"""The Electro-Fishers' enclave: present, bounded, shielded, supported, continuous."""
import numpy as np
import pytest
from scipy import ndimage

from megagen.config import load_preset
from megagen.features import level_stats, safeguard, village
from megagen.generate import generate_box
from megagen.materials import SOLID, Material as M
from megagen.world import Box

CONFIG = load_preset("village").config
H = CONFIG.level_height
SIZE = CONFIG.tile  # the enclave's tile, (0, 0): window coordinates are absolute ones


@pytest.fixture(scope="module")
def plan():
    e = village.enclave(1, CONFIG)
    assert e is not None
    return e


@pytest.fixture(scope="module")
def vox(plan):
    """Shrine level (with two levels below) to the platform level over the whole home
    tile (nothing leans on the window's sides): ``(z, y, x)``."""
    return generate_box(Box(plan.shrine_level - 2, plan.v0 + plan.n + 1, SIZE, SIZE), CONFIG, 1)


def _level(vox, plan, level):
    z = (level - (plan.shrine_level - 2)) * H
    return vox[z:z + H]


def test_enclave_plan(plan):
    cfg = CONFIG.features.village
    assert cfg.dwellings_min <= len(plan.dwellings) <= cfg.dwellings_max
    assert 30 <= len(plan.dwellings) <= 60
    assert 1 <= len(plan.entrances) <= 3 and len(plan.entrances) == cfg.entrances
    assert plan.shield_level == plan.v0 - 1 and plan.shrine_level == plan.v0 - 2
    y0, x0, y1, x1 = plan.rect
    assert 0 <= y0 < y1 <= SIZE and 0 <= x0 < x1 <= SIZE
    assert plan.towers, "watchtowers ring the enclave"


def test_enclave_is_built(vox, plan):
    y0, x0, y1, x1 = plan.rect
    ground = _level(vox, plan, plan.v0)[:, y0:y1, x0:x1]
    assert (ground[0] != 0).all(), "the pocket has a solid floor"
    for m in (M.DWELLING, M.LANTERN, M.PERIMETER, M.ELEVATOR, M.STORAGE):
        assert (ground == m).any(), m.name
    # huts: one door per dwelling, counted as DWELLING components on the pocket levels
    huts = sum(ndimage.label(_level(vox, plan, lv) == M.DWELLING)[1] for lv in range(plan.v0, plan.v0 + plan.n))
    assert huts == len(plan.dwellings)
    shield = _level(vox, plan, plan.shield_level)[:, y0:y1, x0:x1]
    shrine = _level(vox, plan, plan.shrine_level)[:, y0:y1, x0:x1]
    assert (shield == M.SHIELD).sum() > 100, "the shield generator lies right below"
    assert (shrine == M.SHRINE).sum() > 100, "the Rotting Shrine below that"
    assert ((_level(vox, plan, plan.v0 + plan.n) == M.PLATFORM).any()), "observation platform on the roof"


def test_entrances_are_open(vox, plan):
    ground = _level(vox, plan, plan.v0)
    for ey0, ex0, ey1, ex1 in plan.entrances:
        assert (ground[1:5, ey0:ey1, ex0:ex1] == 0).all()
    y0, x0, y1, x1 = plan.rect
    wall = ground[2, y0:y1, x0:x1].copy()
    wall[2:-2, 2:-2] = 0
    gaps = ndimage.label((wall == 0) & ~np.pad(np.ones((y1 - y0 - 4, x1 - x0 - 4), bool), 2))[1]
    assert gaps == len(plan.entrances)


def test_no_sensor_sees_inside(vox, plan):
    lo = plan.shrine_level - 2
    watched, heads = safeguard.field(vox, lo, CONFIG, 1)
    assert any(plan.v0 <= lv < plan.v0 + plan.n for lv, _, _ in heads)
    assert watched.any(), "the towers do watch the outside"
    y0, x0, y1, x1 = plan.rect
    assert not watched[:, y0:y1, x0:x1].any()
    rows = level_stats(vox, lo, CONFIG, 1, watched)
    assert [r.get("village") for r in rows[2:]] == ["shrine", "shield"] + ["pocket"] * plan.n + ["platform"]


def test_village_rests_on_something(vox):
    labels, count = ndimage.label(SOLID[vox])
    grounded = np.zeros(count + 1, bool)
    grounded[np.unique(labels[0])] = True
    feature = np.isin(vox, [M.DWELLING, M.PERIMETER, M.SHIELD, M.SHRINE, M.ELEVATOR, M.STORAGE,
                            M.PLATFORM, M.LANTERN, M.WATCHTOWER, M.SENSOR, M.NEST])
    assert grounded[labels[feature]].all()


def test_blocks_cut_through_the_village_are_continuous(vox, plan):
    lo = plan.shrine_level - 2
    y0, x0, y1, x1 = plan.rect
    for a, b in [(plan.shield_level, plan.v0 + 1), (plan.v0 + 1, plan.v0 + plan.n + 1)]:
        part = generate_box(Box(a, b, SIZE, SIZE), CONFIG, 1)
        assert part.tobytes() == vox[(a - lo) * H:(b - lo) * H].tobytes(), (a, b)
        # a window round the enclave, at its own origin, is the same cut
        win = generate_box(Box(a, b, x1 - x0 + 20, y1 - y0 + 16, x0=x0 - 10, y0=y0 - 8), CONFIG, 1)
        assert win.tobytes() == vox[(a - lo) * H:(b - lo) * H, y0 - 8:y1 + 8, x0 - 10:x1 + 10].tobytes(), (a, b)


@pytest.mark.parametrize("tile", [64, 128, 256, 512])
@pytest.mark.parametrize("seed", [1, 2, 3, 99])
def test_enclave_lies_in_the_home_tile(seed, tile):
    """One enclave per world, inside tile (0, 0) clear of its seams: a default build
    (origin 0, size 256) holds it whatever the tile size."""
    config = load_preset("village", (f"tile={tile}",)).config
    e = village.enclave(seed, config)
    y0, x0, y1, x1 = e.rect
    assert 8 <= y0 < y1 <= tile - 8 and 8 <= x0 < x1 <= tile - 8 and y1 <= 256 and x1 <= 256
    for y, x, _ in e.towers:
        assert 4 <= y < tile - 6 and 4 <= x < tile - 6
    assert 30 <= len(e.dwellings) <= 60 or tile == 64  # a 64 tile squeezes the pocket


def test_disabled_village_changes_nothing():
    off = load_preset("village", ("features.village.enabled=false", "features.safeguard.enabled=false")).config
    plain = load_preset("megastructure", ("strata.thickness=2",)).config
    box = Box(8, 20, 64, 64)
    assert generate_box(box, off, 3).tobytes() == generate_box(box, plain, 3).tobytes()
