"""Tiled ``.tmj`` maps: one per level, an embedded tileset of the materials, an object layer.

Each map is ``window width x depth`` tiles (map row = world ``y``, column = ``x``),
with two tile layers read from above:

- ``floor``: the level's floor plane ``z = L * H``;
- ``structure``: the top-most solid voxel above the floor within the level.

Tile gid == material id (``firstgid`` 1, tile ``id`` = material - 1), so 0 is empty
in Tiled and air in the City. Layer data are base64 zlib uint32, as Tiled writes.
The object layer ``features`` holds one rectangle per connected patch of stairs,
ladders, shafts, elevators and, when a preset has them, the enclave perimeter,
watchtowers and nests. The tileset image ``materials.png`` is written once.
"""
from __future__ import annotations

import base64
import zlib
from pathlib import Path

import numpy as np

from ..materials import Material
from .common import index, uint8_volume, write_bytes, write_json

DIR = "tiled"
TILE = 16
IMAGE = "materials.png"
TILED_VERSION = "1.10.2"

#: material name -> object class in the object layer
OBJECT_CLASSES = {"stair": "stairs", "ladder": "ladder", "shaft": "shaft", "elevator": "elevator",
                  "perimeter": "enclave", "watchtower": "watchtower", "nest": "nest"}


def check(spec) -> None:
    """One map per level: any window fits a Tiled map."""


def _materials():
    from ..materials import N_MATERIALS, base_colours, name

    colours = base_colours()
    names = []
    for m in range(1, N_MATERIALS):
        try:
            names.append(name(m))
        except ValueError:
            names.append(f"unused_{m}")
    return colours, names


def begin(spec) -> None:
    """Write the tileset image: one ``TILE``-pixel swatch per material id 1.., left to right."""
    import io

    from PIL import Image

    colours, _ = _materials()
    strip = np.repeat(np.repeat(colours[1:][None, :, :], TILE, axis=0), TILE, axis=1)  # (TILE, n*TILE, 3)
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(strip), "RGB").save(buf, format="PNG")
    write_bytes(spec.path(DIR, IMAGE), buf.getvalue())


def tileset() -> dict:
    colours, names = _materials()
    n = len(names)
    return {"firstgid": 1, "name": "materials", "tilewidth": TILE, "tileheight": TILE, "tilecount": n,
            "columns": n, "image": IMAGE, "imagewidth": n * TILE, "imageheight": TILE, "margin": 0,
            "spacing": 0,
            "tiles": [{"id": i, "type": names[i],
                       "properties": [{"name": "material", "type": "string", "value": names[i]},
                                      {"name": "material_id", "type": "int", "value": i + 1}]}
                      for i in range(n)]}


def _layer_data(tiles: np.ndarray) -> str:
    return base64.b64encode(zlib.compress(tiles.astype("<u4").tobytes(), 1)).decode("ascii")


def _objects(level_vox: np.ndarray, start_id: int) -> list[dict]:
    """Rectangles around each connected patch of the object materials within one level."""
    from scipy import ndimage

    from ..materials import Material

    present = np.zeros(level_vox.shape[1:], dtype=np.uint32)
    for plane in level_vox:
        present |= np.left_shift(np.uint32(1), plane.astype(np.uint32))
    objects = []
    oid = start_id
    for mat_name, cls in OBJECT_CLASSES.items():
        m = int(Material[mat_name.upper()])
        mask = (present & np.uint32(1 << m)) != 0
        if not mask.any():
            continue
        labels, n = ndimage.label(mask)
        for k, box in enumerate(ndimage.find_objects(labels)):
            if box is None:
                continue
            ys, xs = box
            objects.append({"id": oid, "name": f"{cls} {k + 1}", "type": cls,
                            "x": xs.start * TILE, "y": ys.start * TILE,
                            "width": (xs.stop - xs.start) * TILE, "height": (ys.stop - ys.start) * TILE,
                            "rotation": 0, "visible": True,
                            "properties": [{"name": "material", "type": "string", "value": mat_name}]})
            oid += 1
    return objects


def _field_objects(watched: np.ndarray, start_id: int) -> list[dict]:
    """One object per connected patch of cells a watchtower sees: where not to walk."""
    from scipy import ndimage

    labels, _ = ndimage.label(watched)
    counts = np.bincount(labels.ravel())
    objects = []
    for k, box in enumerate(ndimage.find_objects(labels)):
        if box is None:
            continue
        ys, xs = box
        objects.append({"id": start_id + len(objects), "name": f"watched field {k + 1}", "type": "watched_field",
                        "x": xs.start * TILE, "y": ys.start * TILE,
                        "width": (xs.stop - xs.start) * TILE, "height": (ys.stop - ys.start) * TILE,
                        "rotation": 0, "visible": True,
                        "properties": [{"name": "watched_cells", "type": "int", "value": int(counts[k + 1])}]})
    return objects


def level_map(level_vox: np.ndarray, level: int, spec, watched: np.ndarray | None = None) -> dict:
    """The Tiled map (a dict) of one level: ``level_vox`` ``(H, depth, width)`` uint8;
    ``watched`` (``(depth, width)`` bool), when the preset has watchtowers, adds a
    ``watched`` tile layer (exact cells, drawn with the sensor tile) and field objects."""
    h, depth, width = level_vox.shape
    floor = level_vox[0]
    above = level_vox[1:][::-1]                      # top first
    solid = above != 0
    top = solid.argmax(axis=0)
    structure = np.where(solid.any(axis=0), np.take_along_axis(above, top[None], axis=0)[0], 0)
    objects = _objects(level_vox, 1)
    if watched is not None:
        objects += _field_objects(watched, len(objects) + 1)
    layer = {"opacity": 1, "visible": True, "x": 0, "y": 0, "width": width, "height": depth,
             "type": "tilelayer", "encoding": "base64", "compression": "zlib"}
    props = [{"name": "level", "type": "int", "value": level},
             {"name": "seed", "type": "int", "value": spec.seed},
             {"name": "preset", "type": "string", "value": spec.preset},
             {"name": "megagen", "type": "string", "value": spec.provenance["megagen"]},
             {"name": "world_x0", "type": "int", "value": spec.x0},
             {"name": "world_y0", "type": "int", "value": spec.y0},
             {"name": "world_z0", "type": "int", "value": level * spec.level_height}]
    return {"type": "map", "version": "1.10", "tiledversion": TILED_VERSION, "orientation": "orthogonal",
            "renderorder": "right-down", "infinite": False, "compressionlevel": -1,
            "width": width, "height": depth, "tilewidth": TILE, "tileheight": TILE,
            "nextlayerid": 5, "nextobjectid": len(objects) + 1, "properties": props,
            "tilesets": [tileset()],
            "layers": [{**layer, "id": 1, "name": "floor", "data": _layer_data(floor)},
                       {**layer, "id": 2, "name": "structure", "data": _layer_data(structure)},
                       {"id": 3, "name": "features", "type": "objectgroup", "draworder": "topdown",
                        "opacity": 1, "visible": True, "x": 0, "y": 0, "objects": objects}]
            + ([{**layer, "id": 4, "name": "watched", "opacity": 0.5,
                 "data": _layer_data(np.where(watched, int(Material.SENSOR), 0))}] if watched is not None else [])}


def filename(level: int) -> str:
    return f"level_{level:05d}.tmj"


def _watched(vox: np.ndarray, lo: int, spec) -> np.ndarray | None:
    """The watchtowers' detection field of the block, or None without watchtowers."""
    from ..config import CityConfig, build_dataclass
    from ..features import safeguard

    config = build_dataclass(CityConfig, spec.provenance["config"], "export")
    if not safeguard.active(config):
        return None
    return safeguard.field(vox, lo, config, spec.seed, spec.x0, spec.y0)[0]


def write_block(voxels, lo: int, hi: int, spec) -> list[dict]:
    vox = uint8_volume(voxels)
    h = spec.level_height
    watched = _watched(vox, lo, spec)
    entries = []
    for i, level in enumerate(range(lo, hi)):
        doc = level_map(vox[i * h:(i + 1) * h], level, spec, None if watched is None else watched[i])
        nbytes = write_json(Path(spec.path(DIR, filename(level))), doc, indent=None)
        entries.append({"file": filename(level), "level": level, "objects": len(doc["layers"][2]["objects"]),
                        "bytes": nbytes})
    return entries


def finish(spec, infos: list[list[dict]]) -> dict:
    files = [e for block in infos for e in block]
    write_json(spec.path(DIR, "index.json"), index(spec, files, format="Tiled JSON map (.tmj)", tile_px=TILE))
    return {"files": len(files), "bytes": sum(f["bytes"] for f in files),
            "objects": sum(f["objects"] for f in files)}
