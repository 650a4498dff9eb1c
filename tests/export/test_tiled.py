"""Tiled .tmj maps parsed by pytiled-parser."""
import json

import numpy as np

import pytiled_parser

from megagen.materials import Material


def test_tiled_maps_parse_and_match_the_floor(exported, reference):
    levels = range(30, 34)
    out, summary = exported("tiled", levels, window=(8, 4, 48, 40))
    want = reference(levels)[:, 4:44, 8:56]
    assert summary["formats"]["tiled"]["files"] == 4
    for i, level in enumerate(levels):
        tmap = pytiled_parser.parse_map(out / "tiled" / f"level_{level:05d}.tmj")
        assert (tmap.map_size.width, tmap.map_size.height) == (48, 40)
        floor, structure, features = tmap.layers
        assert floor.name == "floor" and features.name == "features"
        assert np.array_equal(np.array(floor.data), want[i * 8])  # gid == material id
        above = want[i * 8 + 1:(i + 1) * 8]
        grid = np.array(structure.data)
        assert np.array_equal(grid != 0, (above != 0).any(axis=0))
        tileset = tmap.tilesets[1]
        assert tileset.tile_count == 31 and tileset.image.name == "materials.png"
        assert (out / "tiled" / "materials.png").exists()
        stairs = [o for o in features.tiled_objects if o.class_ == "stairs"]
        has_stairs = (want[i * 8:(i + 1) * 8] == Material.STAIR).any()
        assert bool(stairs) == bool(has_stairs)
        for obj in stairs:  # each rectangle holds stair voxels
            x, y = int(obj.coordinates.x) // 16, int(obj.coordinates.y) // 16
            w, h = int(obj.size.width) // 16, int(obj.size.height) // 16
            assert (want[i * 8:(i + 1) * 8, y:y + h, x:x + w] == Material.STAIR).any()
        props = tmap.properties
        assert props["level"] == level and props["seed"] == 3
    index = json.loads((out / "tiled" / "index.json").read_text())
    assert [f["level"] for f in index["files"]] == list(levels)


def test_watchtower_fields_are_a_layer_and_objects(exported):
    """With watchtowers, each map has a `watched` layer equal to the detection field
    (drawn with the sensor tile) and a `watched_field` object around each patch."""
    from megagen.config import load_preset
    from megagen.features import safeguard
    from megagen.generate import generate_box
    from megagen.world import Box

    levels = range(14, 30)
    out, _ = exported("tiled", levels, preset="safeguard", size=(128, 128))
    config = load_preset("safeguard").config
    vox = generate_box(Box(levels.start, levels.stop, 128, 128), config, 3)
    field = safeguard.field(vox, levels.start, config, 3)[0]
    assert field.any()
    for i, level in enumerate(levels):
        tmap = pytiled_parser.parse_map(out / "tiled" / f"level_{level:05d}.tmj")
        watched = tmap.layers[3]
        assert watched.name == "watched"
        assert np.array_equal(np.array(watched.data) == Material.SENSOR, field[i])
        patches = [o for o in tmap.layers[2].tiled_objects if o.class_ == "watched_field"]
        assert sum(o.properties["watched_cells"] for o in patches) == field[i].sum()
