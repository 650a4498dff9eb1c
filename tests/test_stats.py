"""megagen.stats.level_stats against a slow, obvious reference."""
import numpy as np
import pytest

from megagen.materials import SOLID, STANDABLE, Material, name
from megagen.stats import level_stats

IDS = np.array([int(m) for m in Material], dtype=np.uint8)


def reference(voxels, h, first):
    rows = []
    for i in range(voxels.shape[0] // h):
        lev = voxels[i * h:(i + 1) * h]
        floor, above = lev[0], lev[1]
        standable = sum(1 for y in range(lev.shape[1]) for x in range(lev.shape[2])
                        if STANDABLE[floor[y, x]] and above[y, x] == 0)
        values, counts = np.unique(lev, return_counts=True)
        rows.append({
            "level": first + i,
            "solid_fraction": round(float(SOLID[lev].sum()) / lev.size, 6),
            "standable_area": standable,
            "materials": {name(int(v)): int(c) for v, c in zip(values, counts)},
        })
    return rows


def test_hand_built_level():
    h = 6
    vox = np.zeros((2 * h, 4, 5), dtype=np.uint8)
    vox[0] = Material.SLAB            # level 7: a full floor ...
    vox[1, 0, :] = Material.WALL      # ... with a wall row standing on it
    vox[h, 1:3, 1:3] = Material.PLATE  # level 8: a 2x2 plate patch
    vox[h + 1, 1, 1] = Material.PILLAR
    stats = level_stats(vox, h, 7)
    assert [s["level"] for s in stats] == [7, 8]
    assert stats[0]["standable_area"] == 20 - 5
    assert stats[0]["solid_fraction"] == round(25 / (6 * 20), 6)
    assert stats[0]["materials"] == {"air": 6 * 20 - 25, "slab": 20, "wall": 5}
    assert stats[1]["standable_area"] == 3
    assert stats[1]["materials"] == {"air": 6 * 20 - 5, "plate": 4, "pillar": 1}


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_reference_on_random_volumes(seed):
    rng = np.random.default_rng(seed)
    h = 8
    ids = np.array([int(m) for m in Material], dtype=np.uint8)
    vox = rng.choice(ids, size=(3 * h, 7, 9), p=None).astype(np.uint8)
    vox[rng.random(vox.shape) < 0.6] = 0
    assert level_stats(vox, h, 100) == reference(vox, h, 100)


def test_many_levels_are_chunked_consistently():
    rng = np.random.default_rng(5)
    h = 6
    vox = (rng.random((40 * h, 3, 4)) < 0.3).astype(np.uint8) * Material.SLAB
    whole = level_stats(vox, h, 0)
    parts = level_stats(vox[:17 * h], h, 0) + level_stats(vox[17 * h:], h, 17)
    assert whole == parts


def test_rejects_partial_levels():
    with pytest.raises(ValueError, match="whole levels"):
        level_stats(np.zeros((10, 2, 2), dtype=np.uint8), 8, 0)


@pytest.mark.parametrize("shape", [(6, 3, 5), (7, 3, 5), (8, 4, 4)])
def test_odd_and_even_level_sizes(shape):
    rng = np.random.default_rng(sum(shape))
    vox = rng.choice(IDS, size=(2 * shape[0], *shape[1:]))
    assert level_stats(vox, shape[0], 3) == reference(vox, shape[0], 3)


def test_non_contiguous_input():
    rng = np.random.default_rng(8)
    vox = rng.choice(IDS, size=(16, 6, 10))[:, :, ::2]
    assert level_stats(vox, 8, 0) == reference(np.ascontiguousarray(vox), 8, 0)


def test_unknown_codes_are_named_by_id():
    vox = np.full((8, 2, 2), 200, dtype=np.uint8)
    assert level_stats(vox, 8, 0)[0]["materials"] == {"id200": 32}
