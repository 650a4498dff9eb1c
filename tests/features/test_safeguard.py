"""Safeguard watchtowers: placed by density, fields by line of sight, identical in any block."""
import numpy as np
import pytest

from megagen.config import load_preset
from megagen.features import safeguard
from megagen.generate import generate_box
from megagen.materials import Material as M
from megagen.world import Box

CONFIG = load_preset("safeguard", ("tile=128",)).config
H = CONFIG.level_height
SIZE = 128  # one whole tile: the field is exact
LEVELS = (10, 60)
# Documented threshold: over the levels that hold a sensor head, the safeguard preset
# watches on average at least 4% of the standable area (about 14% at 256 x 256).
# A sensor sees only inside its own tile (a Safeguard sector).
MIN_WATCHED = 0.04


@pytest.fixture(scope="module")
def city():
    lo, hi = LEVELS
    vox = generate_box(Box(lo, hi, SIZE, SIZE), CONFIG, 1)
    watched, heads = safeguard.field(vox, lo, CONFIG, 1)
    return vox, watched, heads


def test_towers_and_nests_are_built(city):
    vox, _, heads = city
    assert len(heads) >= 3, heads
    for m in (M.WATCHTOWER, M.SENSOR, M.NEST):
        assert (vox == m).any(), m.name
    for lv, y, x in heads:  # a sensor at eye height above each head
        z = (lv - LEVELS[0]) * H + safeguard.eye_height(H)
        assert vox[z, y, x] == M.SENSOR


def test_watched_fraction_above_threshold(city):
    vox, watched, heads = city
    stand = safeguard.standable(vox, H)
    levels = sorted({lv - LEVELS[0] for lv, _, _ in heads})
    frac = [(stand[i] & watched[i]).sum() / max(stand[i].sum(), 1) for i in levels]
    assert np.mean(frac) > MIN_WATCHED
    others = [i for i in range(watched.shape[0]) if i not in levels]
    assert not watched[others].any(), "a sensor watches its own level only"


def test_density_scales_tower_count():
    def count(density):
        cfg = load_preset("safeguard", (f"features.safeguard.density={density}",)).config
        return sum(len(t.y) for t in safeguard.towers_in(1, cfg, 0, 400, 256, 256))
    assert count(0) == 0 < count(1.0) < count(4.0)


def test_wall_blocks_line_of_sight():
    opaque = np.zeros((1, 64, 64), dtype=bool)
    opaque[0, 16:48, 40] = True  # a wall east of the eye
    seen = safeguard.line_of_sight(opaque, [0], [32], [32], 20)[0]
    assert seen[32, 36] and seen[32, 39], "in front of the wall"
    assert not seen[32, 40], "the wall itself"
    assert not seen[32, 41:53].any(), "behind the wall: its shadow"
    assert seen[32, 12] and seen[12, 32], "open on the other sides"
    assert not seen[32, 32 - 25], "beyond the radius"
    yy, xx = np.mgrid[0:64, 0:64]
    assert not seen[np.hypot(yy - 32, xx - 32) > 22].any()


def test_field_is_the_same_in_any_block(city):
    vox, watched, heads = city
    lv = heads[0][0]
    lo = LEVELS[0]
    for a, b in [(lv, lv + 1), (lv - 3, lv + 2)]:
        part = generate_box(Box(a, b, SIZE, SIZE), CONFIG, 1)
        w, _ = safeguard.field(part, a, CONFIG, 1)
        assert (w[lv - a] == watched[lv - lo]).all()


def test_a_sensor_sees_only_its_own_tile(city):
    _, watched, heads = city
    for lv, y, x in heads:
        assert 0 <= y < SIZE and 0 <= x < SIZE
    # tile (0, 0) seen from a window of two tiles, (0, -1) and (0, 0): the same field
    lo, hi = LEVELS
    lv = heads[0][0]
    wide = generate_box(Box(lv, lv + 1, 2 * SIZE, SIZE, x0=-SIZE), CONFIG, 1)
    w, wide_heads = safeguard.field(wide, lv, CONFIG, 1, x0=-SIZE)
    assert (w[0, :, SIZE:] == watched[lv - lo]).all()
    assert {(y, x - SIZE) for l, y, x in wide_heads if x >= SIZE} == {(y, x) for l, y, x in heads if l == lv}


def test_towers_are_decided_per_tile():
    a = safeguard.towers_in(1, CONFIG, 10, 60, SIZE, SIZE, x0=3 * SIZE, y0=-5 * SIZE)
    b = safeguard.towers_in(1, CONFIG, 10, 60, 3 * SIZE, 2 * SIZE, x0=2 * SIZE, y0=-6 * SIZE)
    tiles = {(t.tile, tuple(t.y), tuple(t.x), tuple(t.head)) for t in b}
    for t in a:
        assert t.tile == (-5, 3)
        assert (t.tile, tuple(t.y), tuple(t.x), tuple(t.head)) in tiles
        assert ((t.y >= -5 * SIZE + 4) & (t.y < -4 * SIZE - 6) & (t.x >= 3 * SIZE + 4) & (t.x < 4 * SIZE - 6)).all()
