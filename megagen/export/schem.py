"""Sponge schematic v3 ``.schem`` (gzip NBT) in vertical bands that fit a Minecraft world.

Axes: Minecraft is Y up and right-handed, so world voxel ``(x, y, z)`` (z up) maps to
schematic ``(X, Y, Z) = (y, z, x)`` (a rotation, no mirror): ``Width`` (X) is the
window depth, ``Length`` (Z) the window width, ``Height`` (Y) the band's voxels.
Data are indexed ``X + Z * Width + Y * Width * Length``, i.e. our ``(z, y, x)``
volume transposed to ``(z, x, y)``.

Each block is cut into bands of at most ``band_levels`` whole levels (default: as
many as fit in Minecraft's 384-block world height). Materials map to block states
through :data:`DEFAULT_BLOCKS`; ``options["block_map"]`` (``{material name or id:
"minecraft:block"}``) overrides entries. ``schem/index.json`` gives each band's
world origin.
"""
from __future__ import annotations

import gzip
import struct
import time
from pathlib import Path

import numpy as np

from .common import index, uint8_volume, write_bytes, write_json

DIR = "schem"
WORLD_HEIGHT = 384
DATA_VERSION = 3465  # Minecraft Java 1.20.1

DEFAULT_BLOCKS: dict[str, str] = {
    "air": "minecraft:air",
    "plate": "minecraft:deepslate_tiles",
    "slab": "minecraft:smooth_stone",
    "wall": "minecraft:light_gray_concrete",
    "pillar": "minecraft:calcite",
    "tower": "minecraft:andesite",
    "shaft": "minecraft:gray_concrete",
    "stair": "minecraft:stone_bricks",
    "ladder": "minecraft:iron_bars",
    "bridge": "minecraft:polished_basalt",
    "conduit": "minecraft:brown_terracotta",
    "machine": "minecraft:polished_blackstone",
    "light": "minecraft:sea_lantern",
    "rubble": "minecraft:cobblestone",
    "gate": "minecraft:mud_bricks",
    "dwelling": "minecraft:spruce_planks",
    "lantern": "minecraft:shroomlight",
    "shield": "minecraft:prismarine",
    "shrine": "minecraft:moss_block",
    "elevator": "minecraft:gold_block",
    "perimeter": "minecraft:bricks",
    "storage": "minecraft:oak_planks",
    "watchtower": "minecraft:quartz_block",
    "sensor": "minecraft:redstone_block",
    "nest": "minecraft:nether_wart_block",
    "platform": "minecraft:smooth_sandstone",
}
FALLBACK = "minecraft:stone"


def block_table(block_map: dict | None = None) -> list[str]:
    """Block state per material id (256 entries); ``block_map`` overrides by name or id."""
    from ..errors import ConfigError
    from ..materials import Material

    table = [FALLBACK] * 256
    for material in Material:
        table[int(material)] = DEFAULT_BLOCKS.get(material.name.lower(), FALLBACK)
    for key, value in (block_map or {}).items():
        if isinstance(key, int) or str(key).isdigit():
            mid = int(key)
            if not 0 <= mid < 256:
                raise ConfigError(f"block_map: material id {key} is not in 0..255")
        else:
            try:
                mid = int(Material[str(key).upper()])
            except KeyError:
                names = ", ".join(m.name.lower() for m in Material)
                raise ConfigError(f"block_map: unknown material {key!r} (known: {names})") from None
        if not isinstance(value, str) or not value.strip() or " " in value.strip():
            raise ConfigError(f"block_map.{key}: {value!r} is not a block state like 'minecraft:stone'")
        table[mid] = value.strip()
    return table


def band_levels(spec) -> int:
    return int(spec.options.get("band_levels") or WORLD_HEIGHT // spec.level_height)


def check(spec) -> None:
    from ..errors import ConfigError

    block_table(spec.options.get("block_map"))
    n = spec.options.get("band_levels")
    if n is not None:
        if int(n) < 1:
            raise ConfigError(f"band_levels must be at least 1, got {n}")
        if int(n) * spec.level_height > WORLD_HEIGHT:
            raise ConfigError(f"a band of {n} levels is {int(n) * spec.level_height} blocks tall, more than a "
                              f"Minecraft world's {WORLD_HEIGHT}: use at most {WORLD_HEIGHT // spec.level_height}")
    if spec.level_height > WORLD_HEIGHT:  # pragma: no cover - the config range forbids it
        raise ConfigError(f"one level ({spec.level_height} voxels) is taller than a Minecraft world")


def begin(spec) -> None:
    spec.path(DIR).mkdir(parents=True, exist_ok=True)


# ---------------------------------------------------------------- NBT (big-endian, named tags)

def _name(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack(">H", len(data)) + data


def _payload(tag: int, value) -> bytes:
    if tag == 1:
        return struct.pack(">b", value)
    if tag == 2:
        return struct.pack(">h", value)
    if tag == 3:
        return struct.pack(">i", value)
    if tag == 4:
        return struct.pack(">q", value)
    if tag == 7:
        return struct.pack(">i", len(value)) + bytes(value)
    if tag == 8:
        return _name(value)
    if tag == 9:
        item_tag, items = value
        return struct.pack(">bi", item_tag if items else 0, len(items)) + b"".join(_payload(item_tag, v) for v in items)
    if tag == 10:
        return b"".join(struct.pack(">b", t) + _name(k) + _payload(t, v) for k, (t, v) in value.items()) + b"\0"
    if tag == 11:
        return struct.pack(">i", len(value)) + np.asarray(value, dtype=">i4").tobytes()
    raise ValueError(f"unsupported NBT tag {tag}")


def encode(band: np.ndarray, origin: tuple[int, int, int], table: list[str], name: str, spec) -> bytes:
    """Gzip NBT of one band ``(z, y, x)`` uint8 whose world origin is ``origin`` (x, y, z)."""
    present = np.flatnonzero(np.bincount(band.ravel(), minlength=256))
    states: dict[str, int] = {"minecraft:air": 0}
    lut = np.zeros(256, dtype=np.uint8)
    for mid in present:
        lut[mid] = states.setdefault(table[mid], len(states))
    if len(states) > 127:  # pragma: no cover - at most 256 materials, at most 32 used
        raise ValueError("more than 127 block states would need multi-byte varints")
    data = lut[band.transpose(0, 2, 1)]  # (Y, Z, X) = (z, x, y): one byte per varint
    height, length, width = data.shape
    meta = {"Name": (8, name), "Author": (8, "megagen"), "Date": (4, int(time.time() * 1000)),
            "megagen": (10, {"version": (8, spec.provenance["megagen"]), "seed": (4, spec.seed),
                             "preset": (8, spec.preset),
                             "WorldOrigin": (11, list(origin)),
                             "Axes": (8, "schematic (X, Y, Z) = world (y, z, x) - WorldOrigin (y, z, x)")})}
    schematic = {
        "Version": (3, 3), "DataVersion": (3, DATA_VERSION), "Metadata": (10, meta),
        "Width": (2, _ushort(width)), "Height": (2, _ushort(height)), "Length": (2, _ushort(length)),
        "Offset": (11, [0, 0, 0]),
        "Blocks": (10, {"Palette": (10, {k: (3, v) for k, v in states.items()}),
                        "Data": (7, data.tobytes()), "BlockEntities": (9, (10, []))}),
    }
    root = struct.pack(">b", 10) + _name("") + _payload(10, {"Schematic": (10, schematic)})
    return gzip.compress(root, compresslevel=1, mtime=0)


def _ushort(n: int) -> int:
    if not 0 < n <= 0xFFFF:
        from ..errors import ConfigError
        raise ConfigError(f"a schematic side of {n} blocks does not fit an unsigned short")
    return n - 0x10000 if n > 0x7FFF else n


def write_block(voxels, lo: int, hi: int, spec) -> list[dict]:
    vox = uint8_volume(voxels)
    h, step = spec.level_height, band_levels(spec)
    table = block_table(spec.options.get("block_map"))
    entries = []
    for a in range(lo, hi, step):
        b = min(hi, a + step)
        band = vox[(a - lo) * h:(b - lo) * h]
        origin = (spec.x0, spec.y0, a * h)
        name = f"city_L{a:05d}-{b - 1:05d}"
        nbytes = write_bytes(Path(spec.path(DIR, name + ".schem")), encode(band, origin, table, name, spec))
        entries.append({"file": name + ".schem", "levels": [a, b], "origin": list(origin),
                        "size_xyz": [band.shape[1], band.shape[0], band.shape[2]], "bytes": nbytes})
    return entries


def finish(spec, infos: list[list[dict]]) -> dict:
    files = [e for block in infos for e in block]
    write_json(spec.path(DIR, "index.json"),
               index(spec, files, format="Sponge schematic v3", data_version=DATA_VERSION,
                     blocks=block_table(spec.options.get("block_map"))[:32],
                     mapping="schematic (X, Y, Z) = world (y, z, x) - origin (y, z, x); Y up"))
    return {"files": len(files), "bytes": sum(f["bytes"] for f in files)}
