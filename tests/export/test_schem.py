"""Sponge schematic v3 decoded with nbtlib; block data decoded as varints here."""
import json

import nbtlib
import numpy as np
import pytest

from megagen.materials import Material


def varints(data: bytes) -> np.ndarray:
    out, value, shift = [], 0, 0
    for byte in data:
        value |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
        else:
            out.append(value)
            value, shift = 0, 0
    return np.array(out)


def test_schem_bands_decode_to_the_city(exported, reference):
    levels = range(30, 41)
    block_map = {"slab": "minecraft:oak_planks", "7": "minecraft:stone_brick_stairs"}
    out, summary = exported("schem", levels, window=(2, 3, 40, 30),
                            options={"band_levels": 4, "block_map": block_map})
    want = reference(levels)[:, 3:33, 2:42]
    index = json.loads((out / "schem" / "index.json").read_text())
    # blocks 30-31 and 32-40, cut into bands of at most 4 levels
    assert [f["levels"] for f in index["files"]] == [[30, 32], [32, 36], [36, 40], [40, 41]]
    for entry in index["files"]:
        root = nbtlib.load(out / "schem" / entry["file"])
        s = root["Schematic"]
        assert int(s["Version"]) == 3 and int(s["DataVersion"]) > 0
        w, h, l = int(s["Width"]), int(s["Height"]), int(s["Length"])
        assert h <= 384 and (w, l) == (30, 40)
        palette = {int(v): str(k) for k, v in s["Blocks"]["Palette"].items()}
        data = varints(bytes(np.asarray(s["Blocks"]["Data"], dtype=np.int8).view(np.uint8)))
        assert len(data) == w * h * l
        blocks = np.array([palette[i] for i in range(len(palette))])[data].reshape(h, l, w)  # [Y, Z, X]
        lo, hi = entry["levels"]
        band = want[(lo - 30) * 8:(hi - 30) * 8]          # (z, y, x)
        assert blocks.shape == (band.shape[0], band.shape[2], band.shape[1])
        # Y = z, Z = x, X = y
        got = blocks.transpose(0, 2, 1)
        assert ((got == "minecraft:air") == (band == 0)).all()
        assert (got[band == Material.SLAB] == "minecraft:oak_planks").all()
        assert (got[band == Material.STAIR] == "minecraft:stone_brick_stairs").all()
        assert (got[band == Material.PLATE] == "minecraft:deepslate_tiles").all()
        assert list(s["Metadata"]["megagen"]["WorldOrigin"]) == [2, 3, lo * 8]
    assert summary["formats"]["schem"]["files"] == 4


def test_schem_rejects_bad_block_map(exported):
    from megagen.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown material 'nope'"):
        exported("schem", range(1), options={"block_map": {"nope": "minecraft:stone"}})


def test_a_preset_table_overrides_the_block_map(tmp_path):
    from megagen.export.run import export_region

    preset = tmp_path / "oak.toml"
    preset.write_text('extends = "megastructure"\n[export]\nschem_blocks = { slab = "minecraft:oak_planks" }\n')
    out = tmp_path / "out"
    export_region("schem", range(2, 4), seed=3, size=32, preset=str(preset), out_dir=out)
    (path,) = (out / "schem").glob("*.schem")
    palette = {str(k) for k in nbtlib.load(path)["Schematic"]["Blocks"]["Palette"].keys()}
    assert "minecraft:oak_planks" in palette


def test_a_preset_table_must_map_names_to_strings(tmp_path):
    from megagen.config import load_preset
    from megagen.errors import ConfigError

    preset = tmp_path / "bad.toml"
    preset.write_text('[export]\nschem_blocks = { slab = 5 }\n')
    with pytest.raises(ConfigError, match=r"export.schem_blocks.slab must be a string, got int 5"):
        load_preset(str(preset))
