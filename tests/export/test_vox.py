"""MagicaVoxel .vox: a reader written from the spec (no code shared with the writer)."""
import json
import struct

import numpy as np

from megagen.materials import base_colours


def read_vox(data: bytes):
    """Parse a .vox file: models, scene translations, palette. Follows the published chunk layout."""
    assert data[:4] == b"VOX "
    version = struct.unpack_from("<i", data, 4)[0]
    cid, n_content, n_children = struct.unpack_from("<4sii", data, 8)
    assert cid == b"MAIN" and n_content == 0 and 20 + n_children == len(data)
    sizes, voxels, nodes, rgba = [], [], {}, None
    pos = 20
    while pos < len(data):
        cid, n_content, n_children = struct.unpack_from("<4sii", data, pos)
        body = data[pos + 12: pos + 12 + n_content]
        pos += 12 + n_content + n_children
        if cid == b"SIZE":
            sizes.append(struct.unpack("<3i", body))
        elif cid == b"XYZI":
            (n,) = struct.unpack_from("<i", body)
            voxels.append(np.frombuffer(body, np.uint8, 4 * n, 4).reshape(n, 4))
        elif cid == b"RGBA":
            rgba = np.frombuffer(body, np.uint8).reshape(256, 4)
        elif cid in (b"nTRN", b"nGRP", b"nSHP"):
            nodes.update(_node(cid, body))
    palette = np.zeros((256, 4), np.uint8)
    palette[1:] = rgba[:255]  # RGBA entry i is colour index i + 1
    return version, sizes, voxels, nodes, palette


def _string(body, at):
    (n,) = struct.unpack_from("<i", body, at)
    return body[at + 4: at + 4 + n].decode(), at + 4 + n


def _dict(body, at):
    (n,) = struct.unpack_from("<i", body, at)
    at += 4
    out = {}
    for _ in range(n):
        k, at = _string(body, at)
        v, at = _string(body, at)
        out[k] = v
    return out, at


def _node(cid, body):
    (node,) = struct.unpack_from("<i", body)
    attrs, at = _dict(body, 4)
    if cid == b"nTRN":
        child, reserved, layer, frames = struct.unpack_from("<4i", body, at)
        assert reserved == -1 and frames >= 1
        frame, _ = _dict(body, at + 16)
        t = tuple(int(v) for v in frame.get("_t", "0 0 0").split())
        return {node: ("T", child, t)}
    if cid == b"nGRP":
        (n,) = struct.unpack_from("<i", body, at)
        return {node: ("G", list(struct.unpack_from(f"<{n}i", body, at + 4)))}
    (n,) = struct.unpack_from("<i", body, at)
    (model,) = struct.unpack_from("<i", body, at + 4)
    return {node: ("S", model)}


def scene_voxels(path):
    """``[(scene_xyz (n, 3) int, colour index (n,))]`` and every model's (translation, size)."""
    version, sizes, voxels, nodes, palette = read_vox(path.read_bytes())
    assert version == 150
    placed, boxes = [], []

    def walk(node, t):
        kind = nodes[node]
        if kind[0] == "T":
            walk(kind[1], tuple(a + b for a, b in zip(t, kind[2])))
        elif kind[0] == "G":
            for child in kind[1]:
                walk(child, t)
        else:
            size = sizes[kind[1]]
            xyzi = voxels[kind[1]].astype(np.int64)
            assert (xyzi[:, :3] < np.array(size)).all()
            corner = np.array(t) - np.array(size) // 2  # model centre is floor(size / 2)
            placed.append((xyzi[:, :3] + corner, xyzi[:, 3]))
            boxes.append((t, size))

    walk(0, (0, 0, 0))
    return placed, boxes, palette


def rebuild(out, levels, shape, h):
    """The world volume rebuilt from every file listed in vox/index.json."""
    index = json.loads((out / "vox" / "index.json").read_text())
    win = index["window"]
    volume = np.zeros(shape, np.uint8)
    for entry in index["files"]:
        placed, boxes, palette = scene_voxels(out / "vox" / entry["file"])
        for t, size in boxes:  # every model lies inside MagicaVoxel's clip bounds
            for c, s in zip(t, size):
                assert -1000 <= c - s // 2 and c + s // 2 <= 999
                assert max(s for s in size) <= 256
        for xyz, colour in placed:
            world = xyz + np.array(entry["offset"])
            x, y, z = world[:, 0] - win["x0"], world[:, 1] - win["y0"], world[:, 2] - levels.start * h
            volume[z, y, x] = colour
    return volume, palette


def test_vox_round_trip_across_blocks_with_window(exported, reference):
    levels = range(28, 37)  # crosses the block boundary at level 32
    out, summary = exported("vox", levels, window=(5, 7, 50, 30))
    want = reference(levels)[:, 7:37, 5:55]
    got, palette = rebuild(out, levels, want.shape, 8)
    assert np.array_equal(got, want)
    assert summary["formats"]["vox"]["files"] == 2
    colours = base_colours()
    for m in np.unique(want[want > 0]):  # colour index == material id, one to one
        assert tuple(palette[m, :3]) == tuple(colours[m])


def test_vox_splits_tall_blocks_into_models(exported, reference):
    levels = range(0, 40)  # one block of 64 levels: 320 voxels tall -> two models in z
    out, _ = exported("vox", levels, size=(40, 36), overrides=["block_levels=64"])
    index = json.loads((out / "vox" / "index.json").read_text())
    assert len(index["files"]) == 1 and index["files"][0]["models"] >= 2
    want = reference(levels, size=(40, 36), overrides=["block_levels=64"])
    got, _ = rebuild(out, levels, want.shape, 8)
    assert np.array_equal(got, want)


def test_vox_wide_region_becomes_several_files_inside_the_clip(exported, reference):
    levels = range(3, 4)
    out, summary = exported("vox", levels, size=(2000, 32))
    assert summary["formats"]["vox"]["files"] == 2  # 2000 > 7 * 256 voxels per file
    want = reference(levels, size=(2000, 32))
    got, _ = rebuild(out, levels, want.shape, 8)
    assert np.array_equal(got, want)
